/* mm/wxcheck.c — a boot-time audit of the kernel's page tables. Every rule
 * the kernel's mappings are built to keep is checked once, on the finished
 * tables, by reading them as the MMU does, instead of trusting each place
 * that maps something:
 *   W^X: no kernel page is both writable and executable (a writable text
 *        page, or an executable data page, turns any write bug into code
 *        execution);
 *   no page in the kernel half is user-accessible (ring 3 would read or
 *        write kernel memory directly).
 * Rights are what the hardware grants (SDM vol. 3 §4.6): writable only if
 * every level has R/W (CR0.WP is on), user-accessible only if every level
 * has U/S, executable unless some level has XD.
 *
 * A user address space has rules of its own (wx_check_user): a user page
 * grants no more than its VMA's protection (a writable and executable page
 * is fine when the area is PROT_WRITE|PROT_EXEC, as Linux allows), lies in
 * a VMA, and maps user memory, never a frame of the kernel's (its image,
 * heap, page tables, stacks): device memory (/dev/fb0) only through a
 * device area. The SANITIZE=1 build audits every address space as it goes
 * (mm_put), so the whole test suite is audited. */
#include "mm/wxcheck.h"
#include "arch/cpu.h"
#include "kernel/printk.h"
#include "mm/frame.h"
#include "mm/pfnmap.h"
#include "mm/vm.h"
#include "mm/vma.h"

#define KERNEL_HALF 256 /* the first PML4 index of the upper half */

static u64 sign_extend(u64 va)
{
	return (va & (1ul << 47)) ? va | 0xffff000000000000ul : va;
}

static void note(u64 *count, u64 *first, u64 va)
{
	if (!(*count)++)
		*first = va;
}

/* What a walk does with each present leaf: its address, frame, size and
 * the rights the MMU grants (W, U if every level has them, NX if any). */
struct walk {
	void (*leaf)(struct walk *w, u64 va, u64 pa, u64 rights);
	struct wx_report *r;
	struct mm *mm;
};

/* One table at 'level' (4 = PML4 ... 1 = PT) covering from 'base', with the
 * rights the levels above grant: 'rights' holds W and U if all of them have
 * those bits, NX if any has it. 'first' and 'last' bound the PML4 indexes:
 * the kernel half, or the user half. */
static void scan_table(const pte_t *table, int level, u64 base, u64 rights, int first, int last,
		       struct walk *w)
{
	u64 span = 1ul << (PAGE_SHIFT + 9 * (level - 1));
	int lo = level == 4 ? first : 0, hi = level == 4 ? last : 512;
	/* next_used skips empty entries a cache line at a time: the kernel
	 * half's tables are mostly empty (a handful of top-level entries, a
	 * few PDPT and PD entries each). Not-present entries map nothing for
	 * the MMU either, so skipping them checks everything it can reach. */
	for (int i = next_used(table, lo, hi); i < hi; i = next_used(table, i + 1, hi)) {
		pte_t e = table[i];
		if (!(e & PTE_P))
			continue;
		u64 va = sign_extend(base + i * span);
		u64 here = (rights & e & (PTE_W | PTE_U)) | ((rights | e) & PTE_NX);
		if (level > 1 && !(e & PTE_PS)) {
			scan_table(phys_to_virt(PTE_ADDR(e)), level - 1, va, here, first, last, w);
			continue;
		}
		w->r->mappings++;
		w->leaf(w, va, PTE_ADDR(e) & ~(span - 1), here);
	}
}

static void kernel_leaf(struct walk *w, u64 va, u64 pa, u64 rights)
{
	(void)pa;
	if ((rights & PTE_W) && !(rights & PTE_NX))
		note(&w->r->wx, &w->r->first_wx, va);
	if (rights & PTE_U)
		note(&w->r->user, &w->r->first_user, va);
}

void wx_scan(const pte_t *pml4, struct wx_report *r)
{
	*r = (struct wx_report){ 0 };
	scan_table(pml4, 4, 0, PTE_W | PTE_U, KERNEL_HALF, 512,
		   &(struct walk){ kernel_leaf, r, NULL });
}

void wx_check(void)
{
	struct wx_report r;
	wx_scan(kernel_pml4, &r);
	if (r.wx)
		panic("wx: %lx is writable and executable (%lu such mappings)", r.first_wx, r.wx);
	if (r.user)
		panic("wx: kernel address %lx is user-accessible (%lu such mappings)", r.first_user,
		      r.user);
	pr_info("wx: checked %lu mappings, 0 writable+executable, 0 user-accessible kernel pages\n",
		r.mappings);
}

/* A user page may be present only inside a VMA that allows some access, be
 * writable only if the VMA is, executable only if the VMA is (where the CPU
 * has NX: without it every present page is executable), and map only a
 * frame given out for user memory, the zero page, or the VMA's device. */
static void user_leaf(struct walk *w, u64 va, u64 pa, u64 rights)
{
	struct wx_report *r = w->r;
	if (!(rights & PTE_U))
		return; /* a kernel-only entry in the user half: not reachable from ring 3 */
	const struct vma *v = vma_find(w->mm, va);
	if (!v || !(v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
		note(&r->stray, &r->first_stray, va);
	else if (((rights & PTE_W) && !(v->prot & PROT_WRITE)) ||
		 (cpu.nx && !(rights & PTE_NX) && !(v->prot & PROT_EXEC)))
		note(&r->wx, &r->first_wx, va);
	else if (!pfn_device(v, pa) && !frame_is_user(pa))
		note(&r->user, &r->first_user, va);
}

void wx_scan_user(struct mm *mm, struct wx_report *r)
{
	*r = (struct wx_report){ 0 };
	scan_table(mm->pml4, 4, 0, PTE_W | PTE_U, 0, KERNEL_HALF, &(struct walk){ user_leaf, r, mm });
}

u64 wx_user_audits;

void wx_check_user(struct mm *mm)
{
	struct wx_report r;
	wx_scan_user(mm, &r);
	if (r.stray)
		panic("wx: user page %lx is mapped outside any accessible area (%lu such pages)",
		      r.first_stray, r.stray);
	if (r.wx)
		panic("wx: user page %lx grants more than its area's protection (%lu such pages)",
		      r.first_wx, r.wx);
	if (r.user)
		panic("wx: user page %lx maps kernel memory (%lu such pages)", r.first_user, r.user);
	wx_user_audits++;
}
