/* tests/kernel/vmatree_test.c — the VMA index (mm/vma.c over mm/vmatree.c)
 * against a model simple enough to be obviously right: one flag per page of
 * a window ("mapped", "an area starts here", "writable"). Thousands of
 * random maps, unmaps, changes of rights and merges; after each, lookups, gap checks and the top-down free
 * area search must agree with the model. Every 64 steps, and at the end, the
 * whole tree is checked: in-order it is the list, AVL-balanced, and every
 * node's summary (height, lo, hi, largest gap) matches a recount. */
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "mm/vma.h"

#define WINDOW 4096 /* pages */
#define BASE 0x10000000000ul
#define STEPS 6000
#define PAGE(i) (BASE + (u64)(i) * PAGE_SIZE)

static bool mapped[WINDOW + 1], starts[WINDOW + 1], rw[WINDOW + 1]; /* the model */
static const struct vma *areas[WINDOW];             /* the list, for the tree check */
static int nareas;
static u64 seed = 0x9e3779b97f4a7c15ul;

static u64 rnd(u64 n)
{
	seed ^= seed << 13; /* xorshift64 */
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed % n;
}

/* The model's cut: if page p is mapped, an area starts there. */
static void model_cut(u64 p)
{
	starts[p] = starts[p] || mapped[p];
}

/* vma_merge over [s, e]: touching areas with the same rights become one
 * (all are anonymous, with no pages yet). */
static void model_merge(u64 s, u64 e)
{
	for (u64 p = MAX(s, 1ul); p <= e; p++)
		starts[p] = starts[p] && !(mapped[p - 1] && rw[p - 1] == rw[p]);
}

/* vma_protect: ENOMEM over a hole; else each area part whose rights change
 * is cut out, changed and merged with its neighbours (vma_modify). */
static int model_protect(u64 s, u64 e, bool write)
{
	for (u64 p = s; p < e; p++)
		if (!mapped[p])
			return -ENOMEM;
	for (u64 at = s, pe; at < e; at = pe) {
		for (pe = at + 1; pe < e && !starts[pe]; pe++)
			;
		if (rw[at] == write)
			continue;
		model_cut(at);
		model_cut(pe);
		for (u64 p = at; p < pe; p++)
			rw[p] = write;
		model_merge(at, pe);
	}
	return 0;
}

static void model_unmap(u64 s, u64 e)
{
	model_cut(s);
	model_cut(e);
	for (u64 p = s; p < e; p++)
		mapped[p] = starts[p] = false;
}

/* One random step, done to both the mm and the model. */
static void step(struct mm *mm)
{
	u64 s = rnd(WINDOW), op = rnd(5), len = 1 + rnd(op == 2 ? 8 : 4);
	u64 e = MIN(s + len, (u64)WINDOW); /* rnd outside MIN, which evaluates it twice */
	if (op < 2) {
		KEXPECT_EQ(vma_map(mm, PAGE(s), PAGE(e) - PAGE(s), PROT_READ, VMA_ANON), 0);
		model_unmap(s, e);
		for (u64 p = s; p < e; p++) {
			mapped[p] = true;
			rw[p] = false;
		}
		starts[s] = true;
	} else if (op == 2) {
		KEXPECT_EQ(vma_unmap(mm, PAGE(s), PAGE(e) - PAGE(s)), 0);
		model_unmap(s, e);
	} else if (op == 3) {
		bool write = rnd(2);
		u32 prot = write ? PROT_READ | PROT_WRITE : PROT_READ;
		KEXPECT_EQ(vma_protect(mm, PAGE(s), PAGE(e) - PAGE(s), prot), model_protect(s, e, write));
	} else {
		vma_merge(mm, PAGE(s), PAGE(e));
		model_merge(s, e);
	}
}

/* The highest free run of len pages below the window's top, as the model
 * sees it; below the window everything is free. */
static u64 model_free_area(u64 len)
{
	u64 run = 0;
	for (u64 p = WINDOW; p-- > 0;) {
		run = mapped[p] ? 0 : run + 1;
		if (run == len)
			return PAGE(p);
	}
	return PAGE(run) - len * PAGE_SIZE;
}

static bool model_free(u64 s, u64 e)
{
	for (u64 p = s; p < e; p++)
		if (mapped[p])
			return false;
	return true;
}

/* Lookups at random places must agree with the model. */
static bool lookups_agree(struct mm *mm)
{
	bool ok = true;
	for (int i = 0; i < 4; i++) {
		u64 p = rnd(WINDOW), run = 1 + rnd(8), e = MIN(p + run, (u64)WINDOW), len = 1 + rnd(16);
		struct vma *v = vma_find_hinted(mm, PAGE(p) + rnd(PAGE_SIZE));
		u64 first = p, last = p + 1; /* the model's area around p */
		while (mapped[p] && !starts[first])
			first--;
		while (mapped[p] && last < WINDOW && mapped[last] && !starts[last])
			last++;
		ok = ok && (mapped[p] ? v && v->start == PAGE(first) && v->end == PAGE(last) : !v);
		ok = ok && vma_free_gap(mm, PAGE(p), PAGE(e)) == model_free(p, e);
		ok = ok && vma_free_area(mm, len * PAGE_SIZE) == model_free_area(len);
	}
	return ok;
}

/* The list must be the model's areas, in order. */
static bool list_agrees(struct mm *mm)
{
	const struct vma *v = mm->vmas;
	nareas = 0;
	for (u64 p = 0; p < WINDOW; p++) {
		if (!starts[p])
			continue;
		u64 e = p + 1;
		while (e < WINDOW && mapped[e] && !starts[e])
			e++;
		if (!v || v->start != PAGE(p) || v->end != PAGE(e))
			return false;
		areas[nareas++] = v;
		v = v->next;
	}
	return !v && mm->map_count == (u32)nareas;
}

/* Check the subtree t, whose areas in order must be areas[*i...]: returns
 * its height, or -1 if it is out of order, unbalanced or misdescribed. */
static int check(const struct vma *t, int *i)
{
	if (!t)
		return 0;
	int first = *i, hl = check(t->tree.left, i);
	if (hl < 0 || *i >= nareas || areas[*i] != t)
		return -1;
	++*i;
	int hr = check(t->tree.right, i), last = *i - 1;
	if (hr < 0 || hl > hr + 1 || hr > hl + 1)
		return -1;
	u64 gap = 0;
	for (int k = first; k < last; k++)
		gap = MAX(gap, areas[k + 1]->start - areas[k]->end);
	int h = 1 + MAX(hl, hr);
	bool right = t->tree.height == h && t->tree.lo == areas[first]->start &&
		     t->tree.hi == areas[last]->end && t->tree.gap == gap;
	return right ? h : -1;
}

static bool tree_agrees(struct mm *mm)
{
	int i = 0;
	return list_agrees(mm) && check(mm->vma_tree, &i) >= 0 && i == nareas;
}

/* vma_find_hinted's hint is NULL or an area in the list: one freed, or cut out of
 * the tree, would be offered to the next lookup it seemed to hold. */
static bool hint_listed(const struct mm *mm)
{
	const struct vma *v = mm->vmas;
	while (v && v != mm->vma_hint)
		v = v->next;
	return !mm->vma_hint || v;
}

KTEST(vmatree_random_against_model)
{
	struct mm mm;
	KEXPECT_EQ(mm_init(&mm), 0);
	mm.mmap_base = PAGE(WINDOW);
	int most = 0, bad = -1;
	for (int n = 0; n < STEPS && bad < 0; n++) {
		step(&mm);
		bool hint_ok = hint_listed(&mm); /* as the step left it */
		if (!hint_ok || !lookups_agree(&mm) || (n % 64 == 0 && !tree_agrees(&mm)))
			bad = n;
		most = MAX(most, (int)mm.map_count);
	}
	if (bad >= 0)
		printk("# the index and the model disagree after step %d\n", bad);
	KEXPECT_EQ(bad, -1);
	KEXPECT(tree_agrees(&mm));
	KEXPECT(most > 500); /* the steps did build a big tree */
	printk("# %d steps, up to %d areas\n", STEPS, most);
	mm_free(&mm);
}

/* The hint after each way an area can leave the tree: a lookup right after
 * must give the area that holds the address now, never the one that did. */
KTEST(vma_find_hint_follows_edits)
{
	struct mm mm;
	KEXPECT_EQ(mm_init(&mm), 0);
	KEXPECT_EQ(vma_map(&mm, PAGE(0), PAGE(4) - PAGE(0), PROT_READ, VMA_ANON), 0);
	struct vma *low = vma_find_hinted(&mm, PAGE(3));
	KEXPECT(low && low->start == PAGE(0) && mm.vma_hint == low);
	KEXPECT_EQ(vma_unmap(&mm, PAGE(2), PAGE(4) - PAGE(2)), 0); /* low cut, its top gone */
	KEXPECT(vma_find_hinted(&mm, PAGE(3)) == NULL);
	KEXPECT(vma_find_hinted(&mm, PAGE(1)) == low && low->end == PAGE(2));
	KEXPECT_EQ(vma_map(&mm, PAGE(2), PAGE(4) - PAGE(2), PROT_READ, VMA_ANON), 0);
	struct vma *high = vma_find_hinted(&mm, PAGE(3));
	KEXPECT(high && high != low && mm.vma_hint == high);
	vma_merge(&mm, PAGE(0), PAGE(4)); /* high is absorbed into low and freed */
	KEXPECT(hint_listed(&mm));
	KEXPECT(vma_find_hinted(&mm, PAGE(3)) == low && low->end == PAGE(4));
	KEXPECT_EQ(vma_unmap(&mm, PAGE(0), PAGE(4) - PAGE(0)), 0);
	KEXPECT(mm.vma_hint == NULL && vma_find_hinted(&mm, PAGE(1)) == NULL);
	mm_free(&mm);
}
