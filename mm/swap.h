/* mm/swap.h — swap areas and the pages that live in them.
 *
 * A swapped-out page is remembered in its page-table entry: not present,
 * PTE_SWAP set, and a swap entry (area, slot) where the frame address would
 * be. Slots are reference-counted like frames: fork copies swap entries, and
 * a slot is free again when nothing refers to it. */
#pragma once
#include "kernel/types.h"
#include "mm/vm.h"

#define MAX_SWAP_AREAS 8
#define SWAP_FLAG_PREFER 0x8000
#define SWAP_FLAG_PRIO_MASK 0x7fff
#define SWAP_FLAG_DISCARD 0x10000
#define SWAP_FLAGS_VALID (SWAP_FLAG_PREFER | SWAP_FLAG_PRIO_MASK | 0x70000) /* + discard flags */
#define PTE_SWAP (1ul << 10) /* software bit: this non-present entry holds a swap entry */

typedef u64 swp_entry_t; /* (area << 32) | slot; 0 is never a valid entry (slot 0 is the header) */

static inline bool pte_is_swap(pte_t e) { return !(e & PTE_P) && (e & PTE_SWAP); }
static inline swp_entry_t pte_to_swp(pte_t e) { return (e & ~PTE_SWAP) >> 12; }
static inline pte_t swp_to_pte(swp_entry_t s) { return (s << 12) | PTE_SWAP; }

struct swap_stats {
	u64 total_pages, free_pages;
};

struct blkdev;

int swap_on(struct blkdev *dev, const char *name, int flags); /* 0 or -EINVAL/-EBUSY/-EPERM/-ENOMEM */
int swap_off(struct blkdev *dev);                               /* brings every page back in */
swp_entry_t swap_alloc(void);           /* a free slot in the best area, or 0 when swap is full */
/* One more page table holds e: false, nothing changed, when the slot's
 * count is full (SWAP_MAX_REFS holders; Linux would chain a continuation
 * page, faultline keeps such a page resident instead). */
#define SWAP_MAX_REFS 0xfe
bool swap_dup(swp_entry_t e);
void swap_free(swp_entry_t e);          /* one fewer; the slot is free at zero */
unsigned swap_count(swp_entry_t e);
int swap_write(swp_entry_t e, const void *page); /* 0 or -EIO */
int swap_read(swp_entry_t e, void *page);
void swap_stats(struct swap_stats *s);
bool swap_half_full(void); /* then the swap cache gives slots back at once */
/* /proc/swaps and /proc/vmstat, written into buf; returns the length. */
size_t swap_show(char *buf, size_t size);
size_t swap_show_counters(char *buf, size_t size);
void swap_boot(void); /* the `swapon=vda,vdb` boot flag (kernel/sys_swap.c) */
