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

#define MAX_FREE_SLOTS 256

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

u64 kstack_alloc(void)
{
	u64 base = take_slot() + PAGE_SIZE; /* first page of the slot stays unmapped */
	for (u64 va = base; va < base + KSTACK_SIZE; va += PAGE_SIZE) {
		u64 pa = frame_alloc();
		if (!pa || mappages(kernel_pml4, va, pa, PAGE_SIZE, PTE_W | PTE_NX | PTE_G) < 0)
			panic("kstack_alloc: out of memory");
	}
	return base + KSTACK_SIZE;
}

void kstack_free(u64 top)
{
	unmappages(kernel_pml4, top - KSTACK_SIZE, KSTACK_SIZE, true);
	if (nfree_slots < MAX_FREE_SLOTS)
		free_slots[nfree_slots++] = top - KSTACK_SIZE - PAGE_SIZE;
}

bool kstack_guard_hit(u64 va)
{
	return va >= KSTACK_AREA && va < next_slot && (va - KSTACK_AREA) % SLOT_SIZE < PAGE_SIZE;
}
