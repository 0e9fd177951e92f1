/* mm/vmatree.c — the search tree over a process's VMAs (mm/vmatree.h).
 *
 * The tree. Each VMA is one node, ordered by start address. Areas never
 * overlap, so the order by start is also the order by end. The AVL rule
 * keeps the tree balanced: at every node the heights of the two subtrees
 * differ by at most one. That bounds the height by about 1.44 log2(n), which
 * is 23 levels for Linux's limit of 65,530 areas. Insert and remove are
 * recursive. On the way back up they restore the rule at each node with
 * at most two rotations (balance).
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
 * ancestors, and the recursion passes through all of them on its way back up.
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

static struct vma *insert(struct vma *t, struct vma *v)
{
	if (!t) {
		v->tree = (struct vmatree_node){ 0 };
		pull(v);
		return v;
	}
	if (v->start < t->start)
		t->tree.left = insert(t->tree.left, v);
	else
		t->tree.right = insert(t->tree.right, v);
	return balance(t);
}

void vmatree_insert(struct vma **root, struct vma *v)
{
	*root = insert(*root, v);
}

/* Detach the first area of t into *first; returns what remains of t. */
static struct vma *remove_first(struct vma *t, struct vma **first)
{
	if (!t->tree.left) {
		*first = t;
		return t->tree.right;
	}
	t->tree.left = remove_first(t->tree.left, first);
	return balance(t);
}

/* v is in t. Its successor (the first area of its right subtree) takes its
 * place, so the order stays intact. */
static struct vma *remove(struct vma *t, struct vma *v)
{
	if (v->start < t->start) {
		t->tree.left = remove(t->tree.left, v);
		return balance(t);
	}
	if (v->start > t->start) {
		t->tree.right = remove(t->tree.right, v);
		return balance(t);
	}
	if (!v->tree.right)
		return v->tree.left;
	struct vma *next;
	struct vma *right = remove_first(v->tree.right, &next);
	next->tree.left = v->tree.left;
	next->tree.right = right;
	return balance(next);
}

void vmatree_remove(struct vma **root, struct vma *v)
{
	*root = remove(*root, v);
}

/* Every summary on the path from t down to v, bottom up; the shape stays. */
static void refresh(struct vma *t, const struct vma *v)
{
	if (t != v)
		refresh(v->start < t->start ? t->tree.left : t->tree.right, v);
	pull(t);
}

void vmatree_resize(struct vma *root, struct vma *v)
{
	refresh(root, v);
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
