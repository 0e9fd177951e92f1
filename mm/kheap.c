/* mm/kheap.c — kmalloc/kfree on top of frames. Small requests are served from
 * power-of-two size classes (32 B .. 2 KiB) carved out of whole frames and
 * kept on per-class free lists; larger ones take contiguous frames directly.
 * Every block carries a header with a magic word that kfree checks and
 * flips, so a double free or a pointer kmalloc never returned is caught. */
#include "mm/kheap.h"
#include "kernel/failinject.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/frame.h"
#include "mm/layout.h"

#define MAGIC_USED 0x6b6d616c6c6f6321ul /* "kmalloc!" */
#define MAGIC_FREE 0x667265656472616bul
#define MIN_SHIFT 5
#define MAX_SHIFT 11
#define NCLASSES (MAX_SHIFT - MIN_SHIFT + 1)

struct header {
	u64 magic;
	u32 shift;  /* size class, or 0 for a large block */
	u32 pages;  /* large blocks: frames behind it */
};

struct freeblock {
	struct header h;
	struct freeblock *next;
};

static struct freeblock *freelist[NCLASSES];
static size_t in_use, frames_held;

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
		b->next = freelist[shift - MIN_SHIFT];
		freelist[shift - MIN_SHIFT] = b;
	}
	return true;
}

static void *alloc_small(size_t total)
{
	unsigned shift = MIN_SHIFT;
	while ((1ul << shift) < total)
		shift++;
	struct freeblock **list = &freelist[shift - MIN_SHIFT];
	if (!*list && !refill(shift))
		return NULL;
	struct freeblock *b = *list;
	*list = b->next;
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
	b->h.magic = MAGIC_FREE;
	in_use -= 1ul << h->shift;
	b->next = freelist[h->shift - MIN_SHIFT];
	freelist[h->shift - MIN_SHIFT] = b;
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
