/* mm/fault.c — the page-fault decision tree, written once:
 *
 *   fault in ring 3
 *       address in a VMA that allows the access  -> map a zeroed page (demand paging)
 *                                                   or a copy of the file's page,
 *                                                   read it back from swap (a major fault),
 *                                                   or copy a shared page (copy-on-write)
 *       otherwise                                -> SIGSEGV for that process only
 *   fault in ring 0 on a user address
 *       instruction fetch                        -> oops: SMEP caught a jump to user memory
 *       SMAP on and RFLAGS.AC clear              -> oops: kernel touched user memory outside
 *                                                   the uaccess routines
 *       RIP not in the exception table           -> oops
 *       address valid in the process's VMAs      -> map the page, retry the instruction
 *       otherwise                                -> exception-table fixup (-EFAULT, short count)
 *   any other fault in ring 0                    -> fixup if RIP has an entry, else oops
 *
 * The same resolve() serves ring 3 and the uaccess routines: a user buffer
 * that was never touched is faulted in by the kernel's own access and the
 * rep movsb simply continues. */
#include "mm/fault.h"
#include "arch/oops.h"
#include "arch/x86.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/ramfs.h"
#include "kernel/signal.h"
#include "mm/cow.h"
#include "mm/extable.h"
#include "mm/frame.h"
#include "mm/reclaim.h"
#include "mm/swap.h"
#include "mm/vma.h"

#define PF_PRESENT 1
#define PF_WRITE 2
#define PF_RSVD 8
#define PF_FETCH 16

static bool access_allowed(const struct vma *v, u64 error)
{
	if (error & PF_WRITE)
		return v->prot & PROT_WRITE;
	if (error & PF_FETCH)
		return v->prot & PROT_EXEC;
	return v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC);
}

/* Make the access at addr possible: 0, or the signal it deserves. */
static int resolve(struct proc *p, u64 addr, u64 error)
{
	struct vma *v = p ? vma_find(&p->mm, addr) : NULL;
	vmstat.pgfault++;
	if (!v || !access_allowed(v, error))
		return SIGSEGV;
	if (error & PF_PRESENT) /* allowed by the VMA yet refused by the PTE: copy-on-write */
		return (error & PF_WRITE) && cow_break(&p->mm, ALIGN_DOWN(addr, PAGE_SIZE)) ? 0 : SIGSEGV;
	u64 page = ALIGN_DOWN(addr, PAGE_SIZE);
	pte_t *pte = walk(p->mm.pml4, page, false);
	if (pte && pte_is_swap(*pte)) /* swapped out: read it back */
		return swap_in(&p->mm, page, pte, v->prot) == -EIO ? SIGBUS : p->killed;
	if (v->file && v->file_off + (page - v->start) >= ALIGN_UP(v->file->size, PAGE_SIZE))
		return SIGBUS; /* Linux: a page wholly past the end of the file */
	u64 pa = user_frame_alloc();
	if (!pa)
		return SIGKILL; /* out of memory, and this process was chosen to die */
	if (v->file) /* a private file mapping starts as a copy of the file; past its end, zeros */
		ramfs_read(v->file, v->file_off + (page - v->start), phys_to_virt(pa), PAGE_SIZE);
	if (mappages(p->mm.pml4, page, pa, PAGE_SIZE, prot_to_pte(v->prot)) < 0) {
		frame_free(pa);
		return SIGBUS;
	}
	return 0;
}

static void kernel_fault(struct trapframe *tf, u64 addr)
{
	if (tf->error & PF_RSVD)
		oops(tf, addr, "reserved bit set in a page-table entry");
	if (addr < TASK_SIZE_MAX) {
		if (tf->error & PF_FETCH)
			oops(tf, addr, "SMEP: the kernel tried to execute user memory");
		if ((read_cr4() & CR4_SMAP) && !(tf->rflags & RFLAGS_AC))
			oops(tf, addr, "SMAP: kernel access to user memory outside the uaccess routines");
	}
	const struct extable_entry *e = extable_search(tf->rip);
	if (!e)
		oops(tf, addr, NULL);
	if (addr < TASK_SIZE_MAX && resolve(myproc(), addr, tf->error) == 0)
		return;
	extable_fixup(tf, e, addr);
}

void page_fault(struct trapframe *tf)
{
	u64 addr = read_cr2();
	if (!user_mode(tf)) {
		kernel_fault(tf, addr);
		return;
	}
	int sig = resolve(myproc(), addr, tf->error);
	if (sig)
		user_fault(tf, sig, addr);
}

/* Make the page at va resident now, as a touch would (mlock, swapoff). */
int fault_in(struct proc *p, u64 va, bool write)
{
	pte_t *pte = walk(p->mm.pml4, va, false);
	if (pte && (*pte & PTE_P) && (!write || (*pte & PTE_W)))
		return 0;
	u64 error = (pte && (*pte & PTE_P) ? PF_PRESENT : 0) | (write ? PF_WRITE : 0);
	return resolve(p, va, error) ? -ENOMEM : 0;
}
