/* mm/cow.c — fork's copy-on-write. Instead of copying a process's memory,
 * fork shares every private page with the child: both entries point at the
 * same frame, whose reference count is now two, and by the rule of mm/pte.c
 * a frame with two references is never writable in a private area. The
 * first write from either side faults; mm/fault.c's wp_fault() then gives
 * the writer its own copy (or, if the other side has already let go, simply
 * the page back, writable). Because the rule looks at the frame, not at a
 * bit in the entry, an mprotect(PROT_WRITE) after fork cannot make a shared
 * frame writable again.
 *
 * Shared areas (MAP_SHARED) copy no entries at all: the child's area refers
 * to the same shmem object and finds its pages there on first touch. */
#include "mm/cow.h"
#include "kernel/errno.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/pfnmap.h"
#include "mm/pte.h"
#include "mm/reclaim.h"
#include "mm/swap.h"

static int copy_vmas(struct mm *dst, const struct mm *src)
{
	for (const struct vma *v = src->vmas; v; v = v->next) {
		if (v->dontfork)
			continue; /* MADV_DONTFORK: the child does not get this area */
		struct vma *copy = vma_alloc();
		if (!copy)
			return -ENOMEM;
		*copy = *v;
		copy->locked = copy->lock_onfault = false; /* Linux: locks are not inherited across fork */
		copy->anon = v->anon ? vma_anon_new() : 0; /* anon_vma_fork: the child's own */
		copy->anon_forked = v->anon != 0;
		vma_hold(copy);
		vma_link(dst, copy);
	}
	return 0;
}

/* Share one private page (present, kept under PROT_NONE, or in swap) with
 * the child, whose entry is dpte. A swap slot whose count is full is read
 * back in, and the frame shared instead. */
static int share_page(pte_t *dpte, struct mm *src, struct vma *v, u64 va, pte_t *spte)
{
	if (pte_is_swap(*spte)) {
		if (swap_dup(pte_to_swp(*spte))) { /* both now refer to the slot */
			*dpte = *spte;
			return 0;
		}
		if (swap_in(src, v, va, spte, false))
			return -ENOMEM;
		spte = walk(src->pml4, va, false);
	}
	u64 pa = PTE_ADDR(*spte);
	if (*spte & PTE_SPECIAL) { /* a private device area's own page: no count, no copy-on-write */
		*dpte = *spte;
		return 0;
	}
	frame_get(pa);
	pte_update(src, v, va, spte, pa); /* two references now: read-only */
	*dpte = *spte;
	return 0;
}

/* Share the used entries first .. last - 1 of spt, the parent's page table
 * that maps from base: one walk finds the child's table (made when the
 * first used entry needs it, as walk() would make it), and the rest is a
 * loop over the table's entries (skipping empty ones eight at a time), not
 * a walk from the root for each page. */
static int share_table(struct mm *dst, struct mm *src, struct vma *v, pte_t *spt, u64 base,
		       int first, int last)
{
	pte_t *dpt = NULL;
	for (int i = next_used(spt, first, last); i < last; i = next_used(spt, i + 1, last)) {
		u64 va = base + (u64)i * PAGE_SIZE;
		if (!dpt && !(dpt = walk_pt(dst->pml4, va, true)))
			return -ENOMEM;
		int err = share_page(&dpt[i], src, v, va, &spt[i]);
		if (err)
			return err;
	}
	return 0;
}

int mm_fork(struct mm *dst, struct mm *src)
{
	dst->brk_start = src->brk_start;
	dst->brk = src->brk;
	dst->arg_start = src->arg_start;
	dst->arg_end = src->arg_end;
	dst->mmap_base = src->mmap_base;
	int err = copy_vmas(dst, src);
	for (struct vma *v = src->vmas; v && !err; v = v->next) {
		if (v->shared || v->dontfork)
			continue;
		for (u64 va = v->start; va < v->end && !err;) {
			pte_t *spt = walk_pt(src->pml4, va, false);
			if (!spt) { /* no table: skip what it, or the missing level above, would map */
				va = walk_next(src->pml4, va);
				continue;
			}
			u64 base = ALIGN_DOWN(va, HUGE_PAGE_SIZE), end = MIN(pt_end(va), v->end);
			err = share_table(dst, src, v, spt, base, (int)((va - base) / PAGE_SIZE),
					  (int)((end - base) / PAGE_SIZE));
			va = end;
		}
	}
	return err;
}
