/* mm/pfnmap.c — device memory in user space: a driver's physical range
 * (the framebuffer) mapped page for page into a process, as Linux's
 * remap_pfn_range / vm_iomap_memory do. The area (vma->pfn) says which
 * device; vma->file_off holds the physical address of the area's start,
 * as Linux keeps the first PFN in vm_pgoff, so a split keeps it right.
 *
 * The rules, each Linux's for a VM_PFNMAP | VM_IO | VM_DONTEXPAND area:
 *   - no frame reference counts: the frames are not RAM (frame.c never
 *     handed them out), so map, fork, munmap and exit neither take nor drop
 *     one. The entries say so with PTE_SPECIAL, set by mm/pte.c's user_pte()
 *     from the area and the frame, and release_leaf() skips them.
 *   - never reclaimed or swapped (reclaim skips special entries), not in
 *     the resident count (Linux counts no RSS for a page without a struct page);
 *   - MAP_SHARED areas are shared across fork, not copy-on-write: the child
 *     gets the area and faults in the same device frames;
 *   - MAP_PRIVATE (fbdev's fb_mmap accepts it): reads see the device; the
 *     first write to a page gives that page a private RAM copy, made from
 *     the device (Linux's wp_page_copy of a special PFN);
 *   - mprotect works as on any area; mlock and MAP_LOCKED succeed and lock
 *     nothing, and MADV_DONTNEED, MADV_PAGEOUT and MADV_DOFORK are EINVAL
 *     (Linux: VM_SPECIAL areas are never VM_LOCKED; can_madv_lru_vma; VM_IO).
 *
 * Caching: device memory must not be cached write-back (a write could sit
 * in the cache while the screen shows stale pixels). Where the CPU has PAT
 * (CPUID.1:EDX bit 16), arch/cpu.c makes PAT entry 1 write-combining, and an
 * entry with PWT alone selects it: writes are gathered into bursts, which is
 * what a framebuffer wants (Linux maps fbdev memory WC too). Without PAT the
 * entry gets PCD | PWT: uncached, correct but slow. */
#include "mm/pfnmap.h"
#include "arch/cpu.h"
#include "kernel/errno.h"
#include "kernel/string.h"

int pfn_map(struct mm *mm, u64 addr, u64 len, u32 prot, bool shared, struct pfn_region *r, u64 off)
{
	if (off > r->size || len > r->size - off)
		return -EINVAL;
	return vma_insert(mm, &(struct vma){ .start = addr, .end = addr + len, .prot = prot,
					     .kind = VMA_DEVICE, .shared = shared, .pfn = r,
					     .file_off = r->phys + off });
}

u64 pfn_frame(const struct vma *v, u64 va)
{
	return v->file_off + (va - v->start);
}

bool pfn_device(const struct vma *v, u64 pa)
{
	return v->pfn && pa >= v->pfn->phys && pa - v->pfn->phys < v->pfn->size;
}

u64 pfn_cache_bits(void)
{
	return cpu.pat ? PTE_PWT : PTE_PCD | PTE_PWT;
}

void pfn_copy(const struct vma *v, u64 pa, void *dst)
{
	memcpy(dst, (u8 *)v->pfn->kva + (pa - v->pfn->phys), PAGE_SIZE);
}

void pfn_hold(struct pfn_region *r)
{
	if (r->maps++ == 0 && r->mapped)
		r->mapped(true);
}

void pfn_put(struct pfn_region *r)
{
	if (--r->maps == 0 && r->mapped)
		r->mapped(false);
}
