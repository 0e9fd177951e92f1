/* mm/shmem.c — pages held by an object: shared anonymous memory, and the
 * data of every ramfs regular file (as on Linux's tmpfs, a file IS such an
 * object, so read(2), write(2) and every mapping of the file meet in the
 * same frames: the page cache).
 *
 * The object maps a page index to its page through a small radix tree of
 * 512-entry nodes, each node one frame, as deep as the highest page needs
 * (one level covers 2 MiB, two 1 GiB, ...; the tree grows a level on top
 * when a page beyond it is asked for). Only the nodes on the path to a page
 * that exists are allocated, so a hole or a huge area never touched costs
 * nothing. A slot holds 0 (a hole), a frame, or a swap entry (the page was
 * paged out: mm/reclaim.c).
 *
 * Every frame in the tree holds one reference for the object; each
 * page-table entry that maps it holds another (mm/fault.c). The object also
 * keeps the list of areas that map it: the reverse map from one of its
 * pages to the page-table entries holding it (mm/rmap.c), which reclaim and
 * truncate walk. */
#include "mm/shmem.h"
#include "kernel/accounting.h"
#include "kernel/errno.h"
#include "kernel/string.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/layout.h"
#include "mm/reclaim.h"
#include "mm/swap.h"

#define FANOUT_SHIFT 9
#define FANOUT (1u << FANOUT_SHIFT)
#define MAX_HEIGHT 6 /* 54 bits of page index: more than a file's largest offset needs */

struct shmem {
	u32 ref;
	int height;          /* levels of nodes: the tree covers FANOUT^height pages */
	u64 root;            /* physical address of the top node, 0 while empty */
	u64 frames;          /* frames held: resident pages and tree nodes */
	u64 pages;           /* pages it holds, resident or paged out */
	u64 swapped;         /* ... of them paged out: a swap slot each */
	u64 *account;        /* ... also counted there (the ramfs's blocks in use), or NULL */
	struct vma *vmas;    /* the areas mapping it, linked by shm_next */
	struct shmem *next;  /* every object (swapoff looks for its pages in each) */
	struct shmem **pprev;
};

static u64 pages_total;
static struct shmem *objects;

static bool slot_swapped(u64 e) { return pte_is_swap(e); }

static void count_pages(struct shmem *s, long n)
{
	s->pages += n;
	if (s->account)
		*s->account += n;
}

struct shmem *shmem_new(u64 *account)
{
	struct shmem *s = kmalloc(sizeof(*s));
	if (!s)
		return NULL;
	acct_add(ACCT_SHMEM, 1);
	*s = (struct shmem){ .ref = 1, .height = 1, .account = account, .next = objects,
			     .pprev = &objects };
	if (objects)
		objects->pprev = &s->next;
	objects = s;
	return s;
}

void shmem_get(struct shmem *s)
{
	s->ref++;
}

/* What a slot holds goes: the frame's reference, or the swap slot. */
static void drop_entry(struct shmem *s, u64 *slot)
{
	if (slot_swapped(*slot)) {
		swap_free(pte_to_swp(*slot));
		s->swapped--;
	} else {
		frame_free(*slot);
		pages_total--;
		s->frames--;
	}
	count_pages(s, -1);
	*slot = 0;
}

/* Drop every page at index >= from under the node in *slot, which covers
 * FANOUT^level pages from base; the node itself goes if nothing in it stays. */
static void drop_from(struct shmem *s, u64 *slot, int level, u64 base, u64 from)
{
	u64 *node = phys_to_virt(*slot), span = 1ul << (FANOUT_SHIFT * (level - 1));
	for (unsigned i = 0; i < FANOUT; i++) {
		u64 first = base + i * span;
		if (!node[i] || first + span <= from)
			continue;
		if (level > 1)
			drop_from(s, &node[i], level - 1, first, from);
		else
			drop_entry(s, &node[i]);
	}
	if (base >= from) {
		frame_free(*slot);
		s->frames--;
		*slot = 0;
	}
}

void shmem_put(struct shmem *s)
{
	if (--s->ref)
		return;
	if (s->root)
		drop_from(s, &s->root, s->height, 0, 0);
	*s->pprev = s->next;
	if (s->next)
		s->next->pprev = s->pprev;
	kfree(s);
	acct_add(ACCT_SHMEM, -1);
}

void shmem_truncate(struct shmem *s, u64 pages)
{
	if (s->root)
		drop_from(s, &s->root, s->height, 0, pages);
}

/* A new level on top, the old tree becoming its first child. */
static bool grow(struct shmem *s)
{
	if (s->height == MAX_HEIGHT)
		return false;
	if (s->root) {
		u64 top = frame_alloc();
		if (!top)
			return false;
		s->frames++;
		*(u64 *)phys_to_virt(top) = s->root;
		s->root = top;
	}
	s->height++;
	return true;
}

/* The slot of page index, building the path to it when alloc; NULL if it
 * is not there (or memory is out). Inlined where it is called, with alloc a
 * constant: a lookup (every read and write of a file asks one) then keeps
 * none of the building walk, nor the registers it saves. */
static inline __attribute__((always_inline)) u64 *slot_of(struct shmem *s, u64 index, bool alloc)
{
	while (index >> (FANOUT_SHIFT * s->height))
		if (!alloc || !grow(s))
			return NULL;
	u64 *slot = &s->root;
	for (int level = s->height; level > 0; level--) {
		if (!*slot) {
			if (!alloc || !(*slot = frame_alloc()))
				return NULL;
			s->frames++;
		}
		u64 *node = phys_to_virt(*slot);
		slot = &node[(index >> (FANOUT_SHIFT * (level - 1))) & (FANOUT - 1)];
	}
	return slot;
}

/* Put a frame into an empty slot, or read the paged-out page back into it. */
static int fill(struct shmem *s, u64 index, u64 *pa)
{
	/* Not zeroed yet: a page read back from swap is overwritten whole. */
	u64 frame = user_frame_alloc_unzeroed(); /* may reclaim and sleep: look at the slot again after */
	u64 *slot = slot_of(s, index, true);
	u64 was = slot ? *slot : 0;
	if (!frame || !slot) {
		if (frame)
			frame_free(frame);
		return -ENOMEM;
	}
	if (was && !slot_swapped(was)) { /* filled meanwhile */
		frame_free(frame);
		*pa = was;
		return 0;
	}
	if (was && swap_read(pte_to_swp(was), phys_to_virt(frame)) < 0) {
		frame_free(frame);
		return -EIO;
	}
	if (was) {
		swap_free(pte_to_swp(was));
		s->swapped--;
		vmstat.pswpin++;
		vmstat.pgmajfault++;
	} else {
		memset(phys_to_virt(frame), 0, PAGE_SIZE); /* a new page of the object reads as zeroes */
		count_pages(s, 1);
	}
	*slot = *pa = frame;
	pages_total++;
	s->frames++;
	return 0;
}

int shmem_page(struct shmem *s, u64 index, bool alloc, u64 *pa)
{
	u64 *slot = slot_of(s, index, false);
	*pa = slot && !slot_swapped(*slot) ? *slot : 0;
	if (*pa || (!alloc && !(slot && *slot)))
		return 0;
	return fill(s, index, pa);
}

u64 shmem_frame(struct shmem *s, u64 index)
{
	u64 *slot = slot_of(s, index, false);
	return slot && !slot_swapped(*slot) ? *slot : 0;
}

void shmem_swapped_out(struct shmem *s, u64 index, u64 e)
{
	u64 *slot = slot_of(s, index, false);
	frame_free(*slot);
	*slot = swp_to_pte(e);
	s->swapped++;
	pages_total--;
	s->frames--;
}

/* Every paged-out page in area 'area' of the tree under *slot, read back. */
static int swapin_node(struct shmem *s, u64 node_pa, int level, u64 base, int area)
{
	u64 *node = phys_to_virt(node_pa), span = 1ul << (FANOUT_SHIFT * (level - 1));
	for (unsigned i = 0; i < FANOUT; i++) {
		u64 pa;
		int err = 0;
		if (node[i] && level > 1)
			err = swapin_node(s, node[i], level - 1, base + i * span, area);
		else if (slot_swapped(node[i]) && pte_to_swp(node[i]) >> 32 == (u64)area)
			err = fill(s, base + i, &pa);
		if (err)
			return err;
	}
	return 0;
}

int shmem_swapin_area(int area)
{
	for (struct shmem *s = objects; s; s = s->next) {
		int err = s->root ? swapin_node(s, s->root, s->height, 0, area) : 0;
		if (err)
			return err;
	}
	return 0;
}

void shmem_link(struct shmem *s, struct vma *v)
{
	v->shm_next = s->vmas;
	s->vmas = v;
}

void shmem_unlink(struct shmem *s, struct vma *v)
{
	struct vma **pp = &s->vmas;
	while (*pp != v)
		pp = &(*pp)->shm_next;
	*pp = v->shm_next;
}

struct vma *shmem_vmas(struct shmem *s) { return s->vmas; }
u64 shmem_frames(const struct shmem *s) { return s->frames; }
u64 shmem_pages(const struct shmem *s) { return s->pages; }
u64 shmem_swapped(const struct shmem *s) { return s->swapped; }
u64 shmem_pages_total(void) { return pages_total; }
