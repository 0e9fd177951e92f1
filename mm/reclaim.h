/* mm/reclaim.h — freeing memory by moving user pages to swap, and back. */
#pragma once
#include "kernel/types.h"
#include "mm/vma.h"

struct proc;

struct vmstat {
	u64 pgfault, pgmajfault, pswpin, pswpout, pgscan, pgsteal, pgactivate, oom_kill;
	u64 zero_page_maps; /* faultline's own: reads of untouched memory that mapped the zero page */
};
extern struct vmstat vmstat;

u64 user_frame_alloc(void);          /* reclaims when memory is low; 0 when even OOM could not help */
/* The same, not zeroed: for a frame written whole before it is mapped
 * (mm/frame.h's frame_alloc_unzeroed). */
u64 user_frame_alloc_unzeroed(void);
/* Whether user_frame_alloc hands out frames without reclaim now: after a
 * failed allocation, true means the failure was injected, not exhaustion. */
bool frames_to_spare(void);
/* While set, user_frame_alloc never yields to let the OOM killer's victim
 * die: it fails instead. Set while a page of *another* process is brought
 * in (mm/remote.c, swapoff's swapin_area): that process could run during
 * the yield, exit (or be the victim) and take its page tables with it in
 * the middle of the fault. */
extern bool reclaim_nowait;
/* Bring the swapped-out page at va (its entry *pte, in area v) back: 0,
 * -ENOMEM or -EIO. A write fault keeps no swap-cache link. */
int swap_in(struct mm *mm, struct vma *v, u64 va, pte_t *pte, bool write);
bool page_out(struct mm *mm, u64 va); /* MADV_PAGEOUT: evict this page now */
int swapin_area(int area);           /* swapoff: every page of the area back in, or -ENOMEM */
void reclaim_init(void);
u64 mm_resident_pages(struct mm *mm);
