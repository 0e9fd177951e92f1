/* mm/vmatree.h — the index of a process's VMAs: a balanced (AVL) search tree
 * keyed by start address, each node also summing up its subtree, so that
 * "which area holds addr" and "the highest hole of len bytes below limit"
 * both take O(log n) steps however many areas there are. */
#pragma once
#include "kernel/types.h"

struct vma;

/* The tree links of one VMA and what they know about its subtree. */
struct vmatree_node {
	struct vma *left, *right; /* areas below and above this one */
	int height;               /* of the subtree: 1 for a leaf */
	u64 lo, hi;               /* the subtree's areas lie in [lo, hi) */
	u64 gap;                  /* the largest hole between two neighbours in the subtree */
};

/* Link v (not overlapping any area in the tree) into *root; returns the
 * area just below it (the highest start below v's), or NULL. The area
 * below may just have been cut short at v->start: the two then cover what
 * it covered, so no summary above them changes and this insert alone
 * repairs the tree (the walk to v passes through the area below it). */
struct vma *vmatree_insert(struct vma **root, struct vma *v);
/* Unlink v from *root. */
void vmatree_remove(struct vma **root, struct vma *v);
/* n, the area next above v (v->end == n->start), leaves *root and v grows
 * to n->end in its place: a merge of two neighbours. */
void vmatree_absorb(struct vma **root, struct vma *v, struct vma *n);
/* The area with the highest start <= addr, or NULL. */
struct vma *vmatree_floor(struct vma *root, u64 addr);
/* The highest address a with [a, a + len) overlapping no area, low <= a and
 * a + len <= high; 0 if there is none (low must be above 0). */
u64 vmatree_hole(struct vma *root, u64 len, u64 low, u64 high);
