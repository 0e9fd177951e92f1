/* mm/kheap.c — kmalloc/kfree on top of frames. Small requests are served from
 * power-of-two size classes (32 B .. 2 KiB) carved out of whole frames and
 * kept on per-class free lists; larger ones take contiguous frames directly.
 * Every block carries a header with a magic word that kfree checks and
 * flips, so a double free or a pointer kmalloc never returned is caught.
 *
 * A frame whose blocks are all free again goes back to the frame allocator
 * (as Linux's slab frees an empty slab), once its class has a frame's worth
 * of other free blocks to serve the next requests: otherwise a burst of
 * kernel objects (a fork bomb's 2,000 processes) would keep its megabytes
 * from user memory for good. Each frame counts its blocks in use in the
 * header of its first block, which every block has, free or not. */
#include "mm/kheap.h"
#include "kernel/failinject.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/frame.h"
#include "mm/layout.h"
#include "mm/poison.h"

#define MAGIC_USED 0x6b6d616c6c6f6321ul /* "kmalloc!" */
#define MAGIC_FREE 0x667265656472616bul
#define MIN_SHIFT 5
#define MAX_SHIFT 11
#define NCLASSES (MAX_SHIFT - MIN_SHIFT + 1)

struct header {
	u64 magic;
	u32 shift;  /* size class, or 0 for a large block */
	u32 pages;  /* large block: frames behind it; a frame's first small
		     * block: the blocks of the frame in use */
};

struct freeblock {
	struct header h;
	struct freeblock *next, *prev; /* the class's free list: 32 bytes in all */
};

static struct freeblock *freelist[NCLASSES];
static size_t nfree[NCLASSES]; /* blocks on each list */
static size_t in_use, frames_held;

static u32 *frame_in_use(void *block)
{
	return &((struct header *)ALIGN_DOWN((u64)block, PAGE_SIZE))->pages;
}

static void push(struct freeblock *b, unsigned shift)
{
	struct freeblock **list = &freelist[shift - MIN_SHIFT];
	b->prev = NULL;
	b->next = *list;
	if (*list)
		(*list)->prev = b;
	*list = b;
	nfree[shift - MIN_SHIFT]++;
}

static void unlink(struct freeblock *b, unsigned shift)
{
	if (b->prev)
		b->prev->next = b->next;
	else
		freelist[shift - MIN_SHIFT] = b->next;
	if (b->next)
		b->next->prev = b->prev;
	nfree[shift - MIN_SHIFT]--;
}

/* A free block, past its header and link, holds the heap's canary (SANITIZE=1). */
static void poison_block(struct freeblock *b, unsigned shift)
{
	poison_fill(b + 1, (1ul << shift) - sizeof(*b), POISON_HEAP);
}

/* Split a fresh frame into blocks of 1 << shift and queue them. */
static bool refill(unsigned shift)
{
	u64 pa = frame_alloc();
	if (!pa)
		return false;
	frames_held++;
	char *page = phys_to_virt(pa);
	for (size_t off = 0; off < PAGE_SIZE; off += 1ul << shift) {
		struct freeblock *b = (struct freeblock *)(page + off);
		b->h = (struct header){ MAGIC_FREE, shift, 0 };
		push(b, shift);
		poison_block(b, shift);
	}
	return true;
}

/* Every block of b's frame is free: unless its class would be left without
 * a frame's worth of free blocks, the frame goes back. */
static void release_if_spare(struct freeblock *b, unsigned shift)
{
	size_t per_frame = PAGE_SIZE >> shift;
	if (nfree[shift - MIN_SHIFT] < 2 * per_frame)
		return;
	char *page = (char *)ALIGN_DOWN((u64)b, PAGE_SIZE);
	for (size_t off = 0; off < PAGE_SIZE; off += 1ul << shift)
		unlink((struct freeblock *)(page + off), shift);
	frames_held--;
	frame_free(virt_to_phys(page));
}

static void *alloc_small(size_t total)
{
	unsigned shift = MIN_SHIFT;
	while ((1ul << shift) < total)
		shift++;
	if (!freelist[shift - MIN_SHIFT] && !refill(shift))
		return NULL;
	struct freeblock *b = freelist[shift - MIN_SHIFT];
	unlink(b, shift);
	++*frame_in_use(b);
	b->h.magic = MAGIC_USED;
	in_use += 1ul << shift;
	memset(&b->next, 0, (1ul << shift) - sizeof(struct header));
	return &b->h + 1;
}

static void *alloc_large(size_t total)
{
	size_t pages = ALIGN_UP(total, PAGE_SIZE) / PAGE_SIZE;
	u64 pa = frame_alloc_contig(pages);
	if (!pa)
		return NULL;
	struct header *h = phys_to_virt(pa);
	*h = (struct header){ MAGIC_USED, 0, (u32)pages };
	in_use += pages * PAGE_SIZE;
	frames_held += pages;
	return h + 1;
}

void *kmalloc(size_t size)
{
	size_t total = size + sizeof(struct header);
	if (size > (1ul << 40) || should_fail(FAIL_SLAB))
		return NULL;
	return total <= (1ul << MAX_SHIFT) ? alloc_small(total) : alloc_large(total);
}

void kfree(void *p)
{
	if (!p)
		return;
	struct header *h = (struct header *)p - 1;
	if (h->magic != MAGIC_USED)
		panic("kfree: %p is not an allocated block (double free?)", p);
	if (h->shift == 0) {
		h->magic = MAGIC_FREE;
		in_use -= (size_t)h->pages * PAGE_SIZE;
		frames_held -= h->pages;
		frame_free_contig(virt_to_phys(h), h->pages);
		return;
	}
	struct freeblock *b = (struct freeblock *)h;
	unsigned shift = h->shift;
	b->h.magic = MAGIC_FREE;
	in_use -= 1ul << shift;
	push(b, shift);
	poison_block(b, shift);
	if (--*frame_in_use(b) == 0)
		release_if_spare(b, shift);
}

size_t kheap_size(const void *p)
{
	if (!p)
		return 0;
	const struct header *h = (const struct header *)p - 1;
	return h->shift ? 1ul << h->shift : (size_t)h->pages * PAGE_SIZE;
}

size_t kheap_in_use(void) { return in_use; }
size_t kheap_frames(void) { return frames_held; }
