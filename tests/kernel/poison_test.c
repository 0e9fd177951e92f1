/* tests/kernel/poison_test.c — the leak canaries (SANITIZE=1 builds): a
 * freed heap block and a freed frame hold their allocator's pattern, the
 * search finds it at its offset and says whose it was, ordinary data is no
 * hit, memory handed out again is zeroed over the poison, and a frame
 * handed out unzeroed holds poison. */
#ifdef CONFIG_POISON
#include "kernel/ktest.h"
#include "kernel/string.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/layout.h"
#include "mm/poison.h"

KTEST(poison_freed_heap_block)
{
	/* Another block of p's frame stays in use, so that the frame is not
	 * given back (and poisoned as a frame) when p is freed. */
	enum { MAX = 40 };
	char *p = kmalloc(100), *others[MAX];
	int n = 0;
	do
		others[n] = kmalloc(100);
	while (ALIGN_DOWN((u64)others[n++], PAGE_SIZE) != ALIGN_DOWN((u64)p, PAGE_SIZE) && n < MAX);
	memset(p, 'x', 100);
	kfree(p);
	size_t off = 0;
	/* The block's first 16 bytes are the free list's links now. */
	KEXPECT(poison_find(p, 100, &off) && strcmp(poison_find(p, 100, &off), "freed-heap") == 0);
	KEXPECT_EQ(off, 16);
	char *q = kmalloc(100); /* the same class: the block just freed */
	KEXPECT_EQ(q, p);
	KEXPECT(!poison_find(q, 128 - 16, &off));
	kfree(q);
	while (n)
		kfree(others[--n]);
}

KTEST(poison_freed_frame)
{
	u64 pa = frame_alloc();
	u64 *w = phys_to_virt(pa);
	w[0] = 1;
	frame_free(pa);
	size_t off = 1;
	KEXPECT(poison_find(w, PAGE_SIZE, &off) &&
		strcmp(poison_find(w, PAGE_SIZE, &off), "freed-frame") == 0);
	KEXPECT_EQ(off, 0);
	KEXPECT_EQ(w[PAGE_SIZE / 8 - 1], POISON_FRAME);
}

/* A frame taken without zeroing (a copy-on-write copy, a swap-in read) is
 * handed out full of poison, not of whatever it held: a byte its caller
 * failed to overwrite would be a canary, never silent old data. */
KTEST(poison_unzeroed_frame)
{
	u64 pa = frame_alloc();
	u64 *w = phys_to_virt(pa);
	memset(w, 0x5a, PAGE_SIZE); /* old data a careless reuse could show */
	frame_free(pa);
	u64 again = frame_alloc_unzeroed(); /* the lowest free frame: the one just freed */
	KEXPECT_EQ(again, pa);
	size_t bad = 0;
	for (size_t i = 0; i < PAGE_SIZE / 8; i++)
		bad += w[i] != POISON_FRAME;
	KEXPECT_EQ(bad, 0);
	frame_free(again);
}

KTEST(poison_ordinary_data_no_hit)
{
	static const u64 data[] = { 0, ~0ul, 0xd15ea5ed00000000ul, POISON_FRAME ^ 1, 0x4141414141414141ul };
	size_t off;
	KEXPECT(!poison_find(data, sizeof(data), &off));
	/* A canary at an unaligned place is no freed memory's: not reported. */
	u64 buf[3] = { 0, 0, 0 };
	memcpy((char *)buf + 4, &(u64){ POISON_HEAP }, 8);
	KEXPECT(!poison_find(buf, sizeof(buf), &off));
}
#endif
