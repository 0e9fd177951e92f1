/* mm/rmap.h — the reverse map: from a frame to the page-table entries that
 * map it, so a page shared by several mappings can be taken from all of
 * them at once (reclaim, truncate). How it is found: mm/rmap.c. */
#pragma once
#include "mm/vma.h"

struct shmem;

struct mapping {
	struct mm *mm;
	struct vma *v;
	u64 va;
	pte_t *pte;  /* present, or kept under PROT_NONE: it holds a frame reference */
};
typedef void (*rmap_fn)(const struct mapping *m, void *arg);

/* The object whose page index pa is, v at va being one mapping of pa; NULL
 * for an anonymous page (a private copy). */
struct shmem *rmap_object(const struct vma *v, u64 va, u64 pa, u64 *index);
/* Call fn (unless NULL) for every entry that maps pa, v at va being one of
 * them; returns how many there were. fn may clear or replace the entry. */
unsigned rmap_walk(struct vma *v, u64 va, u64 pa, rmap_fn fn, void *arg);
/* Truncate: every mapping of the object's pages from index 'from' on, and
 * the private copies made of them, go (Linux's unmap_mapping_range). */
void rmap_unmap_object(struct shmem *s, u64 from);
