/* mm/pte.c — the one rule for a user page-table entry.
 *
 * The hardware's W bit is the only thing standing between a process and a
 * frame it must not change. faultline used to keep extra state in the entry
 * (a software COW bit) and every place that rebuilt an entry from the VMA's
 * protection (mprotect, swap-in, fork) had to remember it; one that forgot
 * let a child see its parent's writes. Now no entry carries state of its
 * own: whether a page may be written in place is derived, every time, from
 * the area and the frame:
 *
 *   writable  <=>  the area allows writing, and
 *                  the area is shared (MAP_SHARED: writing in place is the point), or
 *                  the frame is this page's alone: one reference, not the
 *                  zero page, and not in the swap cache
 *
 * Anything else is mapped read-only, and the first write faults into
 * mm/fault.c's wp_fault(), which copies (copy-on-write), replaces the zero
 * page, or drops the swap-cache link (the copy on disk is about to be
 * stale) before making the entry writable. So a frame in the swap cache is
 * never writable, and a clean copy on disk can be trusted without looking at
 * the Dirty bit that some rebuild might have lost.
 *
 * Device memory mapped into user space (mm/pfnmap.c) follows the same rule,
 * with the device's frames in place of RAM frames: such a frame has no
 * reference count, so a shared area writes it in place and a private area
 * never does (its first write makes a RAM copy, which the rule above then
 * covers). Its entries also carry PTE_SPECIAL, so that code freeing frames
 * from the tables alone leaves it out, and the cache bits device memory
 * needs (pfn_cache_bits: write-combining where the CPU has PAT). */
#include "mm/pte.h"
#include "arch/x86.h"
#include "mm/frame.h"
#include "mm/pfnmap.h"

u64 prot_to_pte(u32 prot)
{
	if (!(prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
		return 0; /* PROT_NONE: never present */
	return PTE_P | PTE_U | ((prot & PROT_WRITE) ? PTE_W : 0) | ((prot & PROT_EXEC) ? 0 : PTE_NX);
}

static bool write_in_place(const struct vma *v, u64 pa, bool device)
{
	if (v->shared)
		return true;
	if (device)
		return false; /* a private copy is made on the first write */
	return frame_exclusive(pa);
}

u64 user_pte(const struct vma *v, u64 pa)
{
	u64 flags = prot_to_pte(v->prot);
	bool device = pfn_device(v, pa);
	if (device)
		flags |= PTE_SPECIAL | (v->pfn->ram ? 0 : pfn_cache_bits()); /* kept under PROT_NONE too */
	if ((flags & PTE_W) && !write_in_place(v, pa, device))
		flags &= ~PTE_W;
	return pa | flags;
}

void pte_update(struct mm *mm, const struct vma *v, u64 va, pte_t *pte, u64 pa)
{
	pte_t old = *pte;
	u64 kept = (old & PTE_P) && PTE_ADDR(old) == pa ? old & (PTE_A | PTE_D) : 0;
	u64 e = user_pte(v, pa);
	*pte = (e & PTE_P) ? e | kept : e;
	/* The TLB never holds a translation whose entry was not present
	 * (Intel SDM 4.10.2.3), so filling an empty or PROT_NONE entry — every
	 * first touch of a page — has nothing stale to flush. */
	if (old & PTE_P)
		mm_flush(mm, va);
}

void mm_flush(struct mm *mm, u64 va)
{
	mm_flush_tlb(mm, va, va + PAGE_SIZE);
}

#define FLUSH_ALL_PAGES 32 /* past this many pages, one CR3 reload is cheaper */

/* The one place a user address space's stale translations go. With one
 * CPU, only this CPU's TLB can hold them, and only if mm is loaded: a
 * thread of mm that runs later gets there through the scheduler's CR3
 * load, which drops every non-global entry (user entries never are). A
 * large range costs one reload, not a loop over its pages. With SMP the
 * other CPUs running a thread of mm would have to be told too (a TLB
 * shootdown: an IPI to each CPU in the mm's CPU mask, each flushing the
 * range before the caller frees the frames or relies on the new
 * protection), and that would go here. */
void mm_flush_tlb(struct mm *mm, u64 start, u64 end)
{
	if ((read_cr3() & PTE_ADDR_MASK) != virt_to_phys(mm->pml4))
		return;
	if ((end - start) / PAGE_SIZE > FLUSH_ALL_PAGES) {
		write_cr3(read_cr3());
		return;
	}
	for (u64 va = start; va < end; va += PAGE_SIZE)
		invlpg(va);
}
