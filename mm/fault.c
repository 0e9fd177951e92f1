/* mm/fault.c — the page-fault decision tree, written once:
 *
 *   fault in ring 3
 *       address in a VMA that allows the access  -> never touched: map the zero page (a
 *                                                   read), a fresh zeroed page (a write),
 *                                                   or the object's page (shared memory,
 *                                                   a file: a private mapping's write
 *                                                   then copies it), or the device's
 *                                                   frame (mm/pfnmap.c); past the end
 *                                                   of a file: SIGBUS;
 *                                                   swapped out: read it back (a major fault);
 *                                                   present but read-only: wp_fault() copies
 *                                                   a shared page (copy-on-write), replaces
 *                                                   the zero page, or leaves the swap cache
 *       otherwise                                -> SIGSEGV for that process only
 *                                                   (SEGV_MAPERR, or SEGV_ACCERR in a VMA)
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
 * rep movsb simply continues. A process already killed (by the OOM killer,
 * say) gets no more pages: its copy fails at once and it dies on the way out.
 *
 * A page that cannot be had (no frame, no page table, no heap for the
 * bookkeeping) is SIGKILL, Linux's VM_FAULT_OOM: in the kernel's own access
 * the uaccess routine fails with -EFAULT, as Linux's; in ring 3 the access
 * is retried if frames are to spare (the failure was injected: Linux since
 * 5.16 retries every such fault, pagefault_out_of_memory), and kills only
 * the process when memory is really gone and the OOM killer found nobody. */
#include "mm/fault.h"
#include "arch/oops.h"
#include "arch/x86.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/fs/ramfs.h"
#include "kernel/signal.h"
#include "kernel/string.h"
#include "mm/extable.h"
#include "mm/frame.h"
#include "mm/pfnmap.h"
#include "mm/pte.h"
#include "mm/reclaim.h"
#include "mm/shmem.h"
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

/* A write to a present page the entry does not let us write in place:
 * give this mapping a frame of its own (copy-on-write, or the end of the
 * zero page), or take the frame back out of the swap cache. */
static int wp_fault(struct mm *mm, struct vma *v, u64 va, pte_t *pte)
{
	pte_t old = *pte;
	u64 pa = PTE_ADDR(old);
	bool device = pfn_device(v, pa);
	if (!v->shared && (device || pa == zero_frame() || frame_refs(pa) > 1)) {
		/* Only the zero page's replacement needs zeroing: every other
		 * copy is overwritten whole below before it is mapped. */
		u64 copy = pa == zero_frame() ? user_frame_alloc() : user_frame_alloc_unzeroed();
		if (!copy)
			return SIGKILL;
		vma_anon_prepare(v);
		if (*pte != old) { /* reclaim or a sibling changed it meanwhile: retry */
			frame_free(copy);
			return 0;
		}
		if (device) /* MAP_PRIVATE of device memory: the copy leaves the device alone */
			pfn_copy(v, pa, phys_to_virt(copy));
		else if (pa != zero_frame()) /* the zero page's replacement is zeroed already */
			memcpy(phys_to_virt(copy), phys_to_virt(pa), PAGE_SIZE);
		if (!device)
			frame_free(pa); /* one sharer fewer (nothing for the zero page) */
		pa = copy;
	} else if (!device && frame_private(pa)) {
		swap_free(frame_private(pa)); /* the copy in swap is about to be stale */
		frame_set_private(pa, 0);
	}
	pte_update(mm, v, va, pte, pa);
	*pte |= (*pte & PTE_W) ? PTE_D : 0;
	return 0;
}

/* The frame a page that was never touched starts as: 0 with an error sig.
 * An area of a shmem object (shared memory, a file) maps the object's page
 * (a private mapping too: read-only, until a write copies it). */
static u64 first_frame(struct vma *v, u64 va, bool write, int *sig)
{
	u64 off = v->file_off + (va - v->start), pa = 0;
	*sig = 0;
	if (v->pfn)
		return pfn_frame(v, va); /* device memory: the same frames for every mapper */
	if (v->file && off >= ALIGN_UP(v->file->size, PAGE_SIZE)) {
		*sig = SIGBUS; /* Linux: a page wholly past the end of the file */
	} else if (v->shm) {
		int err = shmem_page(v->shm, off / PAGE_SIZE, true, &pa);
		if (err)
			*sig = err == -EIO ? SIGBUS : SIGKILL;
		else
			frame_get(pa); /* this page table's reference; the object keeps its own */
	} else if (!write) {
		vmstat.zero_page_maps++;
		pa = zero_frame(); /* a read of untouched memory: Linux's ZERO_PAGE */
	} else if (!(pa = user_frame_alloc())) {
		*sig = SIGKILL;
	} else {
		vma_anon_prepare(v); /* Linux's anon_vma_prepare, at the first private page */
	}
	return pa;
}

int handle_mm_fault(struct mm *mm, struct vma *v, u64 va, bool write)
{
	pte_t *pte = walk(mm->pml4, va, true);
	if (!pte)
		return SIGKILL;
	if (pte_is_swap(*pte)) { /* swapped out: read it back (a major fault) */
		int err = swap_in(mm, v, va, pte, write);
		if (err)
			return err == -EIO ? SIGBUS : SIGKILL;
		pte = walk(mm->pml4, va, false);
	}
	if (!*pte) {
		int sig;
		u64 pa = first_frame(v, va, write, &sig);
		if (!pa)
			return sig;
		if (*pte) { /* filled while we slept in reclaim */
			frame_free(pa);
			return 0;
		}
		pte_update(mm, v, va, pte, pa);
	}
	if (!(*pte & PTE_P)) /* kept by a PROT_NONE that is gone now */
		pte_update(mm, v, va, pte, PTE_ADDR(*pte));
	if (write && !(*pte & PTE_W))
		return wp_fault(mm, v, va, pte);
	return 0;
}

/* Make the access at addr possible: 0, or the signal it deserves. */
static int resolve(struct proc *p, u64 addr, u64 error)
{
	vmstat.pgfault++;
	if (!p)
		return SIGSEGV;
	if (p->killed) /* dying (the OOM killer's victim, say): take no more memory */
		return SIGKILL;
	struct vma *v = vma_find_hinted(p->mm, addr);
	if (!v || !access_allowed(v, error))
		return SIGSEGV;
	return handle_mm_fault(p->mm, v, ALIGN_DOWN(addr, PAGE_SIZE), error & PF_WRITE);
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

/* si_code, as Linux tells them apart: SEGV_MAPERR where nothing is mapped
 * (a kernel address too), SEGV_ACCERR where the area forbids the access,
 * BUS_ADRERR for a page past the end of a file. */
static int fault_code(struct proc *p, int sig, u64 addr)
{
	if (sig == SIGBUS)
		return BUS_ADRERR;
	if (sig != SIGSEGV)
		return SI_KERNEL;
	return addr < TASK_SIZE_MAX && vma_find(p->mm, addr) ? SEGV_ACCERR : SEGV_MAPERR;
}

void page_fault(struct trapframe *tf)
{
	u64 addr = read_cr2();
	if (!user_mode(tf)) {
		kernel_fault(tf, addr);
		return;
	}
	struct proc *p = myproc();
	int sig = resolve(p, addr, tf->error);
	if (sig == SIGKILL && p->killed)
		return; /* already dying (the OOM killer said so): no fault to report, it dies on the way out */
	if (sig == SIGKILL && frames_to_spare())
		return; /* memory is there: an injected failure; retry the access, as Linux does */
	if (sig)
		user_fault(tf, sig, fault_code(p, sig, addr), addr);
}

/* Make the page at va resident now, as a touch would (mlock, swapoff). */
int fault_in(struct proc *p, u64 va, bool write)
{
	return resolve(p, va, write ? PF_WRITE : 0) ? -ENOMEM : 0;
}
