/* tests/kernel/frame_test.c — the physical frame allocator: every free frame
 * can be taken exactly once, none of them is reserved memory, all come back,
 * and a double free is caught. */
#include "kernel/bootinfo.h"
#include "kernel/ktest.h"
#include "mm/frame.h"
#include "mm/layout.h"

extern char _kernel_start[], _kernel_end[];

/* Taken frames are chained through their own memory: word 0 links to the
 * previous frame, word 1 holds the frame's own address. A frame handed out
 * twice would have both words overwritten, breaking the chain. */
struct link {
	u64 prev, self;
};

static bool overlaps(u64 pa, u64 start, u64 end) { return pa < end && start < pa + PAGE_SIZE; }

static bool in_usable_ram(u64 pa)
{
	for (int i = 0; i < bootinfo.nmem; i++) {
		const struct memrange *m = &bootinfo.mem[i];
		if (m->type == MEM_USABLE && pa >= m->base && pa + PAGE_SIZE <= m->base + m->len)
			return true;
	}
	return false;
}

static bool forbidden(u64 pa)
{
	if (pa < (1ul << 20) || !in_usable_ram(pa))
		return true;
	if (overlaps(pa, virt_to_phys(_kernel_start), virt_to_phys(_kernel_end)))
		return true;
	if (overlaps(pa, bootinfo.info_phys, bootinfo.info_phys + bootinfo.info_size))
		return true;
	for (int i = 0; i < bootinfo.nmod; i++)
		if (overlaps(pa, bootinfo.mod[i].start, bootinfo.mod[i].end))
			return true;
	return false;
}

KTEST(frame_alloc_all)
{
	size_t baseline = frames_free(), n = 0, bad = 0;
	u64 head = 0, pa;
	while ((pa = frame_alloc()) != 0) {
		struct link *l = phys_to_virt(pa);
		bad += l->prev != 0 || l->self != 0 || forbidden(pa); /* zeroed, allowed */
		*l = (struct link){ head, pa };
		head = pa;
		n++;
	}
	KEXPECT_EQ(n, baseline);
	KEXPECT_EQ(frames_free(), 0);
	KEXPECT_EQ(bad, 0);
	size_t walked = 0;
	while (head) {
		struct link *l = phys_to_virt(head);
		if (l->self != head)
			break; /* a frame given out twice */
		u64 prev = l->prev;
		frame_free(head);
		head = prev;
		walked++;
	}
	KEXPECT_EQ(walked, n);
	KEXPECT_EQ(frames_free(), baseline);
}

KTEST(frame_contig)
{
	size_t baseline = frames_free();
	u64 pa = frame_alloc_contig(16);
	KEXPECT(pa != 0 && pa % PAGE_SIZE == 0);
	KEXPECT_EQ(frames_free(), baseline - 16);
	frame_free_contig(pa, 16);
	KEXPECT_EQ(frames_free(), baseline);
}

/* The search reads the bitmap a word at a time: a frame freed among frames
 * in use, in the middle of a word, is found again by the next allocation
 * (the lowest free frame at or after the hint, which a free moves back). */
KTEST(frame_freed_frame_found_in_its_word)
{
	u64 pa[3];
	for (int i = 0; i < 3; i++)
		pa[i] = frame_alloc();
	frame_free(pa[1]);
	u64 again = frame_alloc();
	KEXPECT_EQ(again, pa[1]);
	frame_free(again);
	frame_free(pa[0]);
	frame_free(pa[2]);
}

static void free_twice(void *arg)
{
	frame_free((u64)arg);
}

KTEST(frame_double_free)
{
	u64 pa = frame_alloc();
	frame_free(pa);
	size_t baseline = frames_free();
	struct caught c = ktest_catch(free_twice, (void *)pa);
	KEXPECT(c.panicked);
	KEXPECT_EQ(frames_free(), baseline);
}
