/* mm/pte.h — what a user page-table entry may say, decided in one place.
 * The table of every bit and the rule behind it is in docs/memory.md. */
#pragma once
#include "mm/vma.h"

u64 prot_to_pte(u32 prot);                       /* PTE flags a VMA's PROT_* allows */
/* The entry for frame pa in area v: the area's rights, minus write unless
 * the frame may be written in place (see mm/pte.c). PROT_NONE: not present,
 * the frame kept. */
u64 user_pte(const struct vma *v, u64 pa);
/* Point *pte (for va in mm) at pa by the rule above, keeping the Accessed and
 * Dirty bits the CPU set if the frame stays, and flush the stale TLB entry. */
void pte_update(struct mm *mm, const struct vma *v, u64 va, pte_t *pte, u64 pa);
void mm_flush(struct mm *mm, u64 va);            /* mm_flush_tlb of va's page */
/* Drop the TLB's translations of [start, end) in mm after its entries
 * changed (munmap, mprotect, madvise, eviction, truncation): the one place
 * for it (mm/pte.c says what SMP would add). */
void mm_flush_tlb(struct mm *mm, u64 start, u64 end);
