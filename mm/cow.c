/* mm/cow.c — fork's copy-on-write. Instead of copying a process's memory,
 * fork shares every page with the child and takes write permission away on
 * both sides, marking the entries PTE_COW. The first write from either side
 * faults; cow_break() then gives the writer its own copy (or, if the other
 * side has already let go, simply the page back, writable). Frames count
 * their sharers (mm/frame.c), so a page lives as long as its last mapping. */
#include "mm/cow.h"
#include "arch/x86.h"
#include "kernel/errno.h"
#include "kernel/string.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/swap.h"

static int copy_vmas(struct mm *dst, const struct mm *src)
{
	struct vma **tail = &dst->vmas;
	for (const struct vma *v = src->vmas; v; v = v->next) {
		if (v->dontfork)
			continue; /* MADV_DONTFORK: the child does not get this area */
		struct vma *copy = kmalloc(sizeof(*copy));
		if (!copy)
			return -ENOMEM;
		*copy = *v;
		copy->next = NULL;
		copy->locked = false; /* Linux: locks are not inherited across fork */
		vma_hold(copy);
		*tail = copy;
		tail = &copy->next;
	}
	return 0;
}

/* Share one page: both entries lose W and gain COW if it was writable;
 * a MAP_SHARED page stays writable on both sides: that is the point. */
static int share_page(struct mm *dst, pte_t *spte, u64 va, bool shared)
{
	pte_t *dpte = walk(dst->pml4, va, true);
	if (!dpte)
		return -ENOMEM;
	if (pte_is_swap(*spte)) {
		swap_dup(pte_to_swp(*spte)); /* both now refer to the slot */
	} else {
		if ((*spte & PTE_W) && !shared) {
			*spte = (*spte & ~PTE_W) | PTE_COW;
			invlpg(va);
		}
		frame_get(PTE_ADDR(*spte));
	}
	*dpte = *spte;
	return 0;
}

/* Give every page of a shared area a frame, as a touch would: a page left
 * untouched (or in swap) now could not end up shared by both sides. */
static int populate(struct mm *mm, const struct vma *v)
{
	for (u64 va = v->start; va < v->end; va += PAGE_SIZE)
		if (!mm_page_frame(mm, va))
			return -ENOMEM;
	return 0;
}

int mm_fork(struct mm *dst, struct mm *src)
{
	dst->brk_start = src->brk_start;
	dst->brk = src->brk;
	dst->mmap_base = src->mmap_base;
	int err = copy_vmas(dst, src);
	for (const struct vma *v = src->vmas; v && !err; v = v->next) {
		if (v->dontfork)
			continue;
		if (v->shared)
			err = populate(src, v); /* an untouched page could not be shared later */
		for (u64 va = v->start; va < v->end && !err;) {
			pte_t *spte = walk(src->pml4, va, false);
			if (spte && *spte)
				err = share_page(dst, spte, va, v->shared);
			va = walk_next(va, spte);
		}
	}
	return err;
}

bool cow_break(struct mm *mm, u64 va)
{
	pte_t *pte = walk(mm->pml4, va, false);
	if (!pte || !(*pte & PTE_COW))
		return false;
	u64 old = PTE_ADDR(*pte), flags = (*pte & PTE_FLAGS_MASK & ~PTE_COW) | PTE_W;
	if (frame_refs(old) > 1) {
		u64 copy = frame_alloc();
		if (!copy)
			return false;
		memcpy(phys_to_virt(copy), phys_to_virt(old), PAGE_SIZE);
		frame_free(old); /* one sharer fewer */
		old = copy;
	}
	*pte = old | flags;
	invlpg(va);
	return true;
}
