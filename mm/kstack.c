/* mm/kstack.c — kernel stacks live in their own region, KSTACK_AREA, one slot
 * per stack: a guard page that is never mapped, then KSTACK_PAGES mapped
 * pages. A kernel stack overflow therefore page-faults on the guard page
 * instead of silently overwriting whatever lies below (the #PF then cannot
 * push its frame and becomes a #DF, which runs on its own IST stack and
 * reports the overflow). */
#include "mm/kstack.h"
#include "kernel/printk.h"
#include "mm/frame.h"
#include "mm/vm.h"

#define SLOT_SIZE ((KSTACK_PAGES + 1) * PAGE_SIZE)

#define MAX_FREE_SLOTS 4096 /* as many stacks as processes exist at once, at the most */

u64 kstack_boot;

static u64 next_slot = KSTACK_AREA;
static u64 free_slots[MAX_FREE_SLOTS]; /* freed slots, reused first: no page tables pile up */
static int nfree_slots;

static u64 take_slot(void)
{
	if (nfree_slots)
		return free_slots[--nfree_slots];
	next_slot += SLOT_SIZE;
	return next_slot - SLOT_SIZE;
}

static void put_slot(u64 base)
{
	if (nfree_slots < MAX_FREE_SLOTS)
		free_slots[nfree_slots++] = base - PAGE_SIZE;
}

u64 kstack_alloc(void)
{
	u64 base = take_slot() + PAGE_SIZE; /* first page of the slot stays unmapped */
	for (u64 va = base; va < base + KSTACK_SIZE; va += PAGE_SIZE) {
		u64 pa = frame_alloc();
		if (!pa || mappages(kernel_pml4, va, pa, PAGE_SIZE, PTE_W | PTE_NX | PTE_G) < 0) {
			if (pa)
				frame_free(pa);
			unmappages(kernel_pml4, base, va - base, true);
			put_slot(base);
			return 0;
		}
	}
	return base + KSTACK_SIZE;
}

void kstack_free(u64 top)
{
	unmappages(kernel_pml4, top - KSTACK_SIZE, KSTACK_SIZE, true);
	put_slot(top - KSTACK_SIZE);
}

/* The page tables (PTs, and the PDs above them) that stacks up to next_slot
 * have needed: mappages creates them, nothing gives them back, and freed
 * slots reuse them. */
size_t kstack_table_frames(void)
{
	size_t n = 0;
	u64 last_gb = 0;
	for (u64 va = KSTACK_AREA; va < next_slot; va += HUGE_PAGE_SIZE) {
		if (!walk(kernel_pml4, va, false))
			continue;
		n += 1 + (va >> 30 != last_gb);
		last_gb = va >> 30;
	}
	return n;
}

u64 kstack_guard_top(u64 va)
{
	if (va < KSTACK_AREA || va >= next_slot || (va - KSTACK_AREA) % SLOT_SIZE >= PAGE_SIZE)
		return 0;
	return (va - KSTACK_AREA) / SLOT_SIZE * SLOT_SIZE + KSTACK_AREA + SLOT_SIZE;
}
