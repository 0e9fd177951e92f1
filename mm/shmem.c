/* mm/shmem.c — the pages of shared anonymous memory, held by an object.
 *
 * The object maps a page index to a frame through a small radix tree of
 * 512-entry nodes, each node one frame, as deep as the object's size needs
 * (one level covers 2 MiB, two 1 GiB, ...). Only the nodes on the path to a
 * page that exists are allocated, so a huge shared area that is never
 * touched costs one object and nothing else. Every frame in the tree holds
 * one reference for the object; each page-table entry that maps it holds
 * another (mm/fault.c), which is why shared pages are never evicted by the
 * clock (mm/reclaim.c evicts only frames with one reference). */
#include "mm/shmem.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/layout.h"
#include "mm/reclaim.h"

#define FANOUT_SHIFT 9
#define FANOUT (1u << FANOUT_SHIFT)

struct shmem {
	u32 ref;
	int height;  /* levels of nodes: the tree covers FANOUT^height pages */
	u64 root;    /* physical address of the top node, 0 while empty */
};

static u64 pages_total;

struct shmem *shmem_new(u64 pages)
{
	struct shmem *s = kmalloc(sizeof(*s));
	if (!s)
		return NULL;
	s->ref = 1;
	s->height = 1;
	while (s->height < 5 && (pages - 1) >> (FANOUT_SHIFT * s->height))
		s->height++;
	return s;
}

void shmem_get(struct shmem *s)
{
	s->ref++;
}

static void free_node(u64 node, int level)
{
	u64 *slot = phys_to_virt(node);
	for (unsigned i = 0; i < FANOUT; i++) {
		if (!slot[i])
			continue;
		if (level > 1) {
			free_node(slot[i], level - 1);
		} else {
			frame_free(slot[i]);
			pages_total--;
		}
	}
	frame_free(node);
}

void shmem_put(struct shmem *s)
{
	if (--s->ref)
		return;
	if (s->root)
		free_node(s->root, s->height);
	kfree(s);
}

u64 shmem_page(struct shmem *s, u64 index, bool alloc)
{
	u64 *slot = &s->root;
	for (int level = s->height; level > 0; level--) {
		if (!*slot && (!alloc || !(*slot = frame_alloc())))
			return 0;
		u64 *node = phys_to_virt(*slot);
		slot = &node[(index >> (FANOUT_SHIFT * (level - 1))) & (FANOUT - 1)];
	}
	if (*slot || !alloc)
		return *slot;
	u64 pa = user_frame_alloc(); /* may reclaim and sleep: look at the slot again after */
	if (pa && *slot) {
		frame_free(pa);
	} else if (pa) {
		*slot = pa;
		pages_total++;
	}
	return *slot;
}

u64 shmem_pages_total(void)
{
	return pages_total;
}
