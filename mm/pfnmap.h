/* mm/pfnmap.h — device memory mapped into user space (Linux's VM_PFNMAP |
 * VM_IO | VM_DONTEXPAND areas, made by remap_pfn_range / vm_iomap_memory).
 * The rules such an area follows are in mm/pfnmap.c and docs/ipc.md. */
#pragma once
#include "mm/vma.h"

/* A software bit of a user entry (Linux's _PAGE_SPECIAL, also bit 9): the
 * entry maps a device frame, not RAM. user_pte() derives it from the area
 * and the frame like every other bit; it is kept in the entry only because
 * freevm() and unmappages() free frames from the tables alone, without the
 * areas, and must leave device frames out. */
#define PTE_SPECIAL (1ul << 9)

/* Memory a driver lets user space map: physical pages that are no RAM
 * frame of mm/frame.c, so nothing here counts references to them. */
struct pfn_region {
	u64 phys, size;            /* page aligned */
	const char *name;          /* what /proc/PID/maps calls its areas ("[vdso]"), or NULL */
	bool ram;                  /* the kernel's own memory (kernel/vdso.c), cached as RAM is */
	void *kva;                 /* the kernel's own mapping of it */
	unsigned maps;             /* user areas mapping some of it now */
	void (*mapped)(bool any);  /* told when the first area appears and the last goes */
};

/* Map bytes [off, off + len) of r at addr in mm, replacing what was there:
 * Linux's vm_iomap_memory. len and off are page multiples; off or len past
 * the region is -EINVAL (nothing changes), else 0 or -ENOMEM. shared:
 * MAP_SHARED, writes reach the device; otherwise MAP_PRIVATE, where a write
 * gives the page a private RAM copy (copy-on-write from the device). */
int pfn_map(struct mm *mm, u64 addr, u64 len, u32 prot, bool shared, struct pfn_region *r, u64 off);
u64 pfn_frame(const struct vma *v, u64 va);  /* the device frame behind va in PFN area v */
bool pfn_device(const struct vma *v, u64 pa); /* pa is one of PFN area v's device frames */
u64 pfn_cache_bits(void);  /* PTE bits for device memory: write-combining (PAT) or uncached */
void pfn_copy(const struct vma *v, u64 pa, void *dst); /* a page of the device, for a private copy */
void pfn_hold(struct pfn_region *r);  /* one more area maps r (mmap, split, fork) */
void pfn_put(struct pfn_region *r);   /* one fewer (munmap, exit) */
