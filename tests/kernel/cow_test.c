/* tests/kernel/cow_test.c — copy-on-write at the page-table level: after
 * mm_fork both address spaces map the same frames read-only with two
 * references; a write breaks the sharing for the writer only; a page that
 * lost its partner is taken back without a copy; an mprotect that adds
 * write permission to a shared page keeps it read-only; everything is freed. */
#include "kernel/ktest.h"
#include "kernel/string.h"
#include "mm/cow.h"
#include "mm/fault.h"
#include "mm/frame.h"
#include "mm/kheap.h"

#define VA 0x500000ul

static u64 frame_of(struct mm *mm, u64 va, u64 *flags)
{
	u64 pa;
	return translate(mm->pml4, va, &pa, flags) ? pa : 0;
}

KTEST(cow_fork_share_and_break)
{
	size_t baseline = frames_free() + kheap_frames(); /* the heap keeps frames it grows by */
	struct mm parent, child;
	KEXPECT_EQ(mm_init(&parent), 0);
	KEXPECT_EQ(vma_map(&parent, VA, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, VMA_ANON), 0);
	KEXPECT_EQ(mm_write(&parent, VA, "parent", 7), 0);
	KEXPECT_EQ(mm_write(&parent, VA + PAGE_SIZE, "second", 7), 0);
	KEXPECT_EQ(mm_init(&child), 0);
	KEXPECT_EQ(mm_fork(&child, &parent), 0);

	u64 pf, cf, pa = frame_of(&parent, VA, &pf), ca = frame_of(&child, VA, &cf);
	KEXPECT(pa && pa == ca && frame_refs(pa) == 2);
	KEXPECT(!(pf & PTE_W) && !(cf & PTE_W));
	/* Made writable again while shared: still read-only (the frame decides). */
	KEXPECT_EQ(vma_protect(&parent, VA, PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	KEXPECT(frame_of(&parent, VA, &pf) == pa && !(pf & PTE_W));

	/* the child writes first: it gets a copy */
	KEXPECT_EQ(handle_mm_fault(&child, vma_find(&child, VA), VA, true), 0);
	ca = frame_of(&child, VA, &cf);
	KEXPECT(ca != pa && (cf & PTE_W) && frame_refs(pa) == 1);
	KEXPECT(memcmp(phys_to_virt(ca), "parent", 7) == 0);
	/* last sharer: same frame, writable again */
	KEXPECT_EQ(handle_mm_fault(&parent, vma_find(&parent, VA), VA, true), 0);
	KEXPECT_EQ(frame_of(&parent, VA, &pf), pa);
	KEXPECT(pf & PTE_W);

	mm_free(&child); /* drops the child's references; the parent's pages survive */
	KEXPECT_EQ(frame_refs(frame_of(&parent, VA + PAGE_SIZE, &pf)), 1);
	mm_free(&parent);
	KEXPECT_EQ(frames_free() + kheap_frames(), baseline);
}
