/* tests/kernel/pfnmap_test.c — device memory in an address space
 * (mm/pfnmap.c), at the page-table level. The "device" is two frames the
 * test allocates and keeps: the mapping code must never count or free
 * them, so each must still have exactly the test's one reference at the
 * end, whatever mapped, forked, copied and freed in between. (Nothing
 * touches them through the user mapping, so its write-combining type never
 * meets the direct map's write-back one.) */
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/string.h"
#include "mm/cow.h"
#include "mm/fault.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/pfnmap.h"

#define VA 0x600000ul

static int calls, last_any;

static void mapped(bool any)
{
	calls++;
	last_any = any;
}

static u64 entry(struct mm *mm, u64 va, u64 *pa)
{
	pte_t *pte = walk(mm->pml4, va, false);
	*pa = pte ? PTE_ADDR(*pte) : 0;
	return pte ? *pte : 0;
}

KTEST(pfnmap_share_copy_and_free)
{
	u64 dev = frame_alloc_contig(2);
	KEXPECT(dev);
	memcpy(phys_to_virt(dev), "device", 7);
	struct pfn_region r = { .phys = dev, .size = 2 * PAGE_SIZE, .kva = phys_to_virt(dev),
				.mapped = mapped };
	size_t baseline = frames_free() + kheap_frames();
	struct mm parent, child;
	KEXPECT_EQ(mm_init(&parent), 0);
	KEXPECT_EQ(pfn_map(&parent, VA, PAGE_SIZE, PROT_READ | PROT_WRITE, true, &r, 2 * PAGE_SIZE),
		   -EINVAL);
	KEXPECT_EQ(pfn_map(&parent, VA, 3 * PAGE_SIZE, PROT_READ, true, &r, 0), -EINVAL);
	KEXPECT_EQ(calls, 0);
	KEXPECT_EQ(pfn_map(&parent, VA, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, true, &r, 0), 0);
	KEXPECT(calls == 1 && last_any);
	KEXPECT_EQ(pfn_map(&parent, VA + 4 * PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE, false, &r,
			   PAGE_SIZE), 0);

	/* shared: the device's frame, writable in place, special, cache bits */
	u64 pa, e;
	KEXPECT_EQ(handle_mm_fault(&parent, vma_find(&parent, VA + PAGE_SIZE), VA + PAGE_SIZE, true), 0);
	e = entry(&parent, VA + PAGE_SIZE, &pa);
	KEXPECT_EQ(pa, dev + PAGE_SIZE);
	KEXPECT((e & PTE_W) && (e & PTE_SPECIAL) && (e & pfn_cache_bits()) == pfn_cache_bits());
	KEXPECT_EQ(frame_refs(dev + PAGE_SIZE), 1);
	/* mprotect rebuilds the entry by the same rule (and splits the area: 3 now) */
	KEXPECT_EQ(vma_protect(&parent, VA + PAGE_SIZE, PAGE_SIZE, PROT_NONE), 0);
	KEXPECT(r.maps == 3 && calls == 1);
	e = entry(&parent, VA + PAGE_SIZE, &pa);
	KEXPECT(!(e & PTE_P) && (e & PTE_SPECIAL) && pa == dev + PAGE_SIZE);

	/* private: read the device, never write it in place, copy on write */
	u64 priv = VA + 4 * PAGE_SIZE;
	KEXPECT_EQ(handle_mm_fault(&parent, vma_find(&parent, priv), priv, false), 0);
	e = entry(&parent, priv, &pa);
	KEXPECT(pa == dev + PAGE_SIZE && !(e & PTE_W) && (e & PTE_SPECIAL));

	/* fork: the areas are held again, the device entry copied uncounted */
	KEXPECT_EQ(mm_init(&child), 0);
	KEXPECT_EQ(mm_fork(&child, &parent), 0);
	KEXPECT_EQ(r.maps, 6);
	KEXPECT_EQ(entry(&child, priv, &pa), entry(&parent, priv, &pa));
	KEXPECT_EQ(frame_refs(dev + PAGE_SIZE), 1);

	KEXPECT_EQ(handle_mm_fault(&child, vma_find(&child, priv), priv, true), 0);
	e = entry(&child, priv, &pa);
	KEXPECT(pa != dev + PAGE_SIZE && (e & PTE_W) && !(e & PTE_SPECIAL) && frame_refs(pa) == 1);
	memcpy(phys_to_virt(dev + PAGE_SIZE), "later", 6);
	KEXPECT(memcmp(phys_to_virt(pa), "later", 6) != 0); /* a copy, taken at the write */

	mm_free(&child);
	KEXPECT(calls == 1 && r.maps == 3);
	mm_free(&parent);
	KEXPECT(calls == 2 && !last_any && r.maps == 0);
	KEXPECT_EQ(frames_free() + kheap_frames(), baseline);
	KEXPECT(frame_refs(dev) == 1 && frame_refs(dev + PAGE_SIZE) == 1);
	frame_free_contig(dev, 2);
}
