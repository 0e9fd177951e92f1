/* mm/vm.h — four-level page tables: the kernel's own, and the API every
 * address space uses (walk, mappages, unmappages, protect, translate, freevm). */
#pragma once
#include "kernel/types.h"
#include "mm/layout.h"

typedef u64 pte_t;

#define PTE_P (1ul << 0)   /* present */
#define PTE_W (1ul << 1)   /* writable */
#define PTE_U (1ul << 2)   /* user accessible */
#define PTE_PWT (1ul << 3) /* write-through */
#define PTE_PCD (1ul << 4) /* cache disable */
#define PTE_A (1ul << 5)   /* accessed: set by the CPU, read by page replacement */
#define PTE_D (1ul << 6)   /* dirty */
#define PTE_PS (1ul << 7)  /* large page (2 MiB in a PD entry) */
#define PTE_G (1ul << 8)   /* global: survives CR3 reloads */
#define PTE_NX (1ul << 63) /* no execute (needs EFER.NXE) */
#define PTE_ADDR_MASK 0x000ffffffffff000ul
#define PTE_FLAGS_MASK (~PTE_ADDR_MASK)

#define PTE_ADDR(pte) ((pte) & PTE_ADDR_MASK)

extern pte_t *kernel_pml4;

void vm_init(void);                                        /* build and load the kernel tables */
pte_t *walk(pte_t *pml4, u64 va, bool alloc);              /* the 4 KiB PTE for va, or NULL */
/* The page table (the last level: 512 entries, 2 MiB) that holds va's
 * entry, or NULL. Loops over many pages walk once per table with it and
 * index the table for the rest, instead of walking from the root for every
 * page. User tables are only freed with the address space, so the pointer
 * stays good while the mm lives. */
pte_t *walk_pt(pte_t *pml4, u64 va, bool alloc);
static inline u64 pt_end(u64 va) { return (va | (HUGE_PAGE_SIZE - 1)) + 1; } /* where va's table ends */
/* The first used (nonzero) entry of table[i..n), or n (n <= 512). */
int next_used(const pte_t *table, int i, int n);

/* Where a page-by-page scan of user memory goes after va: the next page if
 * va's page table exists, else the end of the region that the missing table
 * would have covered (2 MiB, 1 GiB or 512 GiB). A scan over a range costs
 * what is mapped there, not the size of the range. ~0 past the top. */
u64 walk_next(pte_t *pml4, u64 va);
/* 0 or -ENOMEM. In kernel_pml4 after vm_init, only below the top-level
 * entries of the kernel's areas (mm/layout.h): anywhere else it panics. */
int mappages(pte_t *pml4, u64 va, u64 pa, u64 size, u64 flags);
/* Clears the entries; the TLB is flushed here only for the kernel's own
 * tables: for a user address space the caller calls mm_flush_tlb. */
void unmappages(pte_t *pml4, u64 va, u64 size, bool free_frames);
/* New flags for mapped pages, keeping their frames; flags without PTE_P
 * leave the frame in a non-present entry (PROT_NONE keeps the data). 0, or
 * -EFAULT where nothing is mapped. */
int protect(pte_t *pml4, u64 va, u64 size, u64 flags);
bool translate(pte_t *pml4, u64 va, u64 *pa, u64 *flags);  /* follows 2 MiB pages too */
pte_t *vm_new(void);                                       /* user PML4 sharing the kernel half */
void freevm(pte_t *pml4);                                  /* free user half and the PML4 */
void *ioremap(u64 phys, u64 size);                         /* device memory, uncached */
