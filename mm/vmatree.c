/* mm/vmatree.c — the search tree over a process's VMAs (mm/vmatree.h).
 *
 * The tree. Each VMA is one node, ordered by start address. Areas never
 * overlap, so the order by start is also the order by end. The AVL rule
 * keeps the tree balanced: at every node the heights of the two subtrees
 * differ by at most one. That bounds the height by about 1.44 log2(n), which
 * is 23 levels for Linux's limit of 65,530 areas. Insert and remove walk
 * down once, remembering the path, then climb it back: at each node they
 * restore the rule with at most two rotations (balance), and they stop as
 * soon as a node comes out as it was (fix_up), usually after a level or two.
 *
 * The augmentation. Each node also records three facts about its subtree.
 * They are computed from the node's own area and its two children only
 * (pull):
 *   lo, hi  the start of the subtree's first area and the end of its last;
 *   gap     the largest hole between two areas that are neighbours within the
 *           subtree: the larger of the children's gaps and of the holes on
 *           either side of the node's own area (start - left.hi and
 *           right.lo - end).
 * None of these depends on anything outside the subtree. So an insert, a
 * removal or a rotation only has to recompute the nodes it touched and their
 * ancestors, and only up to the first ancestor whose summary and height stay
 * the same: those above it see nothing new.
 * The hole between a subtree and its neighbours outside it is counted higher
 * up, at the node where both sides meet. Linux's augmented rbtree stored the
 * hole *below* each area instead. That value also changes when the area's
 * predecessor changes, so every insert there needed a second fix-up.
 *
 * The search. vmatree_hole wants the highest fitting hole, so it looks
 * above every area first, then at the holes inside the tree from right to
 * left, then below every area. It skips a subtree at once when the subtree's
 * gap is smaller than len or the subtree lies outside [low, high). A subtree
 * that lies wholly inside [low, high) and has a big enough gap always holds
 * an answer. So the search only enters a subtree in vain when the subtree is
 * cut by low or by high, and those subtrees lie on two root-to-leaf paths:
 * O(log n) steps.
 */
#include "mm/vmatree.h"
#include "mm/vma.h"

static int height(const struct vma *v)
{
	return v ? v->tree.height : 0;
}

/* Recompute v's summary of its subtree from its area and its children's. */
static void pull(struct vma *v)
{
	struct vma *l = v->tree.left, *r = v->tree.right;
	v->tree.height = 1 + MAX(height(l), height(r));
	v->tree.lo = l ? l->tree.lo : v->start;
	v->tree.hi = r ? r->tree.hi : v->end;
	v->tree.gap = 0;
	if (l)
		v->tree.gap = MAX(l->tree.gap, v->start - l->tree.hi);
	if (r)
		v->tree.gap = MAX(v->tree.gap, MAX(r->tree.gap, r->tree.lo - v->end));
}

/* A rotation lifts one child c of v into v's place, with v as c's child
 * and c's inner subtree handed to v. The order is unchanged. */
static struct vma *rotate_right(struct vma *v)
{
	struct vma *c = v->tree.left;
	v->tree.left = c->tree.right;
	c->tree.right = v;
	pull(v);
	pull(c);
	return c;
}

static struct vma *rotate_left(struct vma *v)
{
	struct vma *c = v->tree.right;
	v->tree.right = c->tree.left;
	c->tree.left = v;
	pull(v);
	pull(c);
	return c;
}

/* v's subtrees are AVL trees whose heights differ by at most two (one insert
 * or removal below v). Restore the rule at v and return the subtree's root.
 * A child leaning the other way is first rotated so that it leans outward. */
static struct vma *balance(struct vma *v)
{
	struct vma *l = v->tree.left, *r = v->tree.right;
	if (height(l) > height(r) + 1) {
		if (height(l->tree.left) < height(l->tree.right))
			v->tree.left = rotate_left(l);
		return rotate_right(v);
	}
	if (height(r) > height(l) + 1) {
		if (height(r->tree.right) < height(r->tree.left))
			v->tree.right = rotate_right(r);
		return rotate_left(v);
	}
	pull(v);
	return v;
}

/* The links from the root down to one place in the tree: path[0] is the
 * root pointer and path[d + 1] a child field of the node *path[d] at depth
 * d. Working from such a path, instead of recursing, lets the way back up
 * stop early (fix_up) and lets one walk serve two nodes that lie on the same
 * path (vmatree_absorb). An AVL tree of height 64 would hold at least
 * 10^13 areas, far more than memory does. */
#define MAX_DEPTH 64

/* Do two records summarise their subtrees alike (links aside)? */
static bool same_summary(const struct vmatree_node *a, const struct vmatree_node *b)
{
	return a->height == b->height && a->lo == b->lo && a->hi == b->hi && a->gap == b->gap;
}

/* Something changed below depth 'depth' of path: restore the AVL rule and
 * the summaries of the nodes above it, bottom up. Why it may stop early: a
 * node's balance and summary depend only on its own area and on its
 * children's identity, height and summary. So once a subtree keeps its root
 * and its summary, nothing above it changes. Most inserts and removals stop
 * after a level or two; pulling every level up to the root was what made a
 * deep tree cost more than a shallow one. A node not yet reached still holds
 * its summary from before the change, which is what the comparison needs. */
static void fix_up(struct vma **path[], int depth)
{
	while (depth-- > 0) {
		struct vma *t = *path[depth];
		struct vmatree_node was = t->tree;
		*path[depth] = balance(t);
		if (*path[depth] == t && same_summary(&was, &t->tree))
			return;
	}
}

/* Fill path from root down to v, which is in the tree; returns v's depth. */
static int path_to(struct vma **root, const struct vma *v, struct vma **path[])
{
	int d = 0;
	path[0] = root;
	for (struct vma *t; (t = *path[d]) != v;)
		path[++d] = v->start < t->start ? &t->tree.left : &t->tree.right;
	return d;
}

/* Extend path from depth d down the 'side' edge of that node's subtree
 * (side 0: always left, to its first area; 1: right, to its last); returns
 * the depth of the node reached. */
static int path_edge(struct vma **path[], int d, int side)
{
	for (struct vma *t; (t = *path[d]) && (side ? t->tree.right : t->tree.left);)
		path[++d] = side ? &t->tree.right : &t->tree.left;
	return d;
}

/* The node at depth d of path (now out of the tree) gives its place to s,
 * just unlinked from deeper down. s takes over the old record too: it
 * holds the summary the place had, which fix_up compares with. The link
 * below that pointed into the old node's field 'side' now points into s's. */
static void take_place(struct vma **path[], int d, struct vma *s, int side)
{
	struct vma *old = *path[d];
	s->tree = old->tree;
	*path[d] = s;
	path[d + 1] = side ? &s->tree.right : &s->tree.left;
}

struct vma *vmatree_insert(struct vma **root, struct vma *v)
{
	struct vma **path[MAX_DEPTH];
	struct vma *below = NULL;
	int d = 0;
	path[0] = root;
	for (struct vma *t; (t = *path[d]);) {
		if (v->start < t->start) {
			path[++d] = &t->tree.left;
		} else {
			below = t;
			path[++d] = &t->tree.right;
		}
	}
	v->tree = (struct vmatree_node){ 0 };
	pull(v);
	*path[d] = v;
	fix_up(path, d);
	return below;
}

/* v's successor (the first area of its right subtree) takes its place, so
 * the order stays intact. */
void vmatree_remove(struct vma **root, struct vma *v)
{
	struct vma **path[MAX_DEPTH];
	int top = path_to(root, v, path);
	if (!v->tree.right) {
		*path[top] = v->tree.left;
		fix_up(path, top);
		return;
	}
	path[top + 1] = &v->tree.right;
	int d = path_edge(path, top + 1, 0);
	struct vma *next = *path[d];
	*path[d] = next->tree.right;
	take_place(path, top, next, 1);
	fix_up(path, d);
}

/* Why this is one walk and not a removal plus a resize: v and its successor
 * n together cover the same addresses before and after, so every subtree
 * holding both keeps its summary. Separately, the removal would first open
 * a hole where n was (a gap that may reach the root) and the resize close
 * it again. Of two neighbours in the order, one is always the other's
 * ancestor: the node that stays in the tree's upper place is the one that
 * survives, and only the nodes between the two change. */
void vmatree_absorb(struct vma **root, struct vma *v, struct vma *n)
{
	struct vma **path[MAX_DEPTH];
	if (v->tree.right) {
		/* n is the first area of v's right subtree, so v is on n's path:
		 * v grows, n (no left child) is replaced by its right subtree. */
		int d = path_to(root, n, path);
		v->end = n->end;
		*path[d] = n->tree.right;
		fix_up(path, d);
		return;
	}
	/* v has no right subtree: it is the last area of n's left subtree.
	 * v leaves its place to its left subtree and takes n's. */
	int top = path_to(root, n, path);
	path[top + 1] = &n->tree.left;
	int d = path_edge(path, top + 1, 1);
	*path[d] = v->tree.left;
	take_place(path, top, v, 0);
	v->end = n->end;
	fix_up(path, d);
}

struct vma *vmatree_floor(struct vma *root, u64 addr)
{
	struct vma *best = NULL;
	for (struct vma *t = root; t;) {
		if (t->start <= addr) {
			best = t;
			t = t->tree.right;
		} else {
			t = t->tree.left;
		}
	}
	return best;
}

/* The highest a with [a, a + len) inside the hole [lo, hi) and in [low, high); 0 if none. */
static u64 fit(u64 lo, u64 hi, u64 len, u64 low, u64 high)
{
	lo = MAX(lo, low);
	hi = MIN(hi, high);
	return hi >= lo && hi - lo >= len ? hi - len : 0;
}

/* The same over the holes between neighbouring areas of t, highest first. */
static u64 search(const struct vma *t, u64 len, u64 low, u64 high)
{
	if (!t || t->tree.gap < len || t->tree.lo > high - len || t->tree.hi < low + len)
		return 0;
	const struct vma *l = t->tree.left, *r = t->tree.right;
	u64 a = search(r, len, low, high);
	if (!a && r)
		a = fit(t->end, r->tree.lo, len, low, high);
	if (!a && l)
		a = fit(l->tree.hi, t->start, len, low, high);
	return a ? a : search(l, len, low, high);
}

u64 vmatree_hole(struct vma *root, u64 len, u64 low, u64 high)
{
	if (high < low || len > high - low)
		return 0;
	if (!root)
		return high - len;
	u64 a = fit(root->tree.hi, high, len, low, high); /* above every area */
	if (!a)
		a = search(root, len, low, high);
	return a ? a : fit(low, root->tree.lo, len, low, high); /* below every area */
}
