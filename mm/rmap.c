/* mm/rmap.c — the reverse map, in its two simplest forms.
 *
 * A page of a shmem object (shared memory, a file's page-cache page):
 * object + index -> the object's list of areas (kept by vma_link and
 * vma_free) -> in each area that covers the index, the one address where
 * it maps that page. Linux finds file pages the same way (the address_space's
 * i_mmap tree), with a tree where we walk a list.
 *
 * An anonymous page (private memory, or a private copy of a file page) is
 * shared only by fork's copy-on-write, and fork keeps every address: the
 * child maps the page where the parent did. faultline has no mremap, so a
 * shared anonymous frame is always at one and the same address in every
 * process that maps it. Its mappings are found by looking at that address
 * in every address space (each once, however many threads share it: the
 * list of mm_alloc'd ones). Linux's anon_vma narrows that walk to the
 * address spaces of one fork family and follows mremap; a full walk is
 * correct here and costs a look-up per address space, only for frames with
 * more than one reference (one reference: the mapping we came from is the
 * only one).
 *
 * Callers check that the mappings found account for every reference of the
 * frame (plus the object's own); anything else holding it, such as a
 * read(2) copying out of it, means it must not be taken now. */
#include "mm/rmap.h"
#include "mm/pte.h"
#include "mm/frame.h"
#include "mm/shmem.h"
#include "mm/swap.h"

struct shmem *rmap_object(const struct vma *v, u64 va, u64 pa, u64 *index)
{
	if (!v->shm)
		return NULL;
	*index = (v->file_off + va - v->start) / PAGE_SIZE;
	return shmem_frame(v->shm, *index) == pa ? v->shm : NULL;
}

static bool maps(const pte_t *pte, u64 pa)
{
	return pte && *pte && !pte_is_swap(*pte) && PTE_ADDR(*pte) == pa;
}

/* Where v maps page index of its object: false if outside the area. */
static bool address_of(const struct vma *v, u64 index, u64 *va)
{
	u64 first = v->file_off / PAGE_SIZE, pages = (v->end - v->start) / PAGE_SIZE;
	if (index < first || index - first >= pages)
		return false;
	*va = v->start + (index - first) * PAGE_SIZE;
	return true;
}

static unsigned visit(struct mm *mm, struct vma *v, u64 va, u64 pa, rmap_fn fn, void *arg)
{
	pte_t *pte = walk(mm->pml4, va, false);
	if (!maps(pte, pa))
		return 0;
	if (fn)
		fn(&(struct mapping){ mm, v, va, pte }, arg);
	return 1;
}

unsigned rmap_walk(struct vma *v, u64 va, u64 pa, rmap_fn fn, void *arg)
{
	u64 index, at;
	unsigned n = 0;
	struct shmem *s = rmap_object(v, va, pa, &index);
	if (s) {
		for (struct vma *w = shmem_vmas(s); w; w = w->shm_next)
			if (address_of(w, index, &at))
				n += visit(w->mm, w, at, pa, fn, arg);
		return n;
	}
	if (frame_refs(pa) == 1)
		return visit(v->mm, v, va, pa, fn, arg);
	for_each_mm(mm) {
		struct vma *w = vma_find(mm, va);
		if (w && !w->shared)
			n += visit(mm, w, va, pa, fn, arg);
	}
	return n;
}

void rmap_unmap_object(struct shmem *s, u64 from)
{
	for (struct vma *w = shmem_vmas(s); w; w = w->shm_next) {
		u64 first = w->file_off / PAGE_SIZE, va = w->start;
		if (from > first)
			va += (from - first) * PAGE_SIZE;
		if (va < w->end) {
			unmappages(w->mm->pml4, va, w->end - va, true);
			mm_flush_tlb(w->mm, va, w->end);
		}
	}
}
