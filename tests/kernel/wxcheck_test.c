/* tests/kernel/wxcheck_test.c — the page-table audits find what they are
 * there to find. The kernel half: a scratch PML4 gets a writable+executable
 * page and a user-accessible page in the kernel half, and one that a table
 * above makes harmless (XD on its PD entry), and wx_scan must name exactly
 * the two. A user address space: pages with more rights than their area,
 * one outside any area and one mapping a page-table frame, beside a good
 * one; wx_scan_user names each and wx_check_user panics on them. */
#include "arch/cpu.h"
#include "kernel/ktest.h"
#include "kernel/string.h"
#include "mm/frame.h"
#include "mm/reclaim.h"
#include "mm/vma.h"
#include "mm/wxcheck.h"

#define SCRATCH_VA 0xffff900000000000ul /* kernel half, far from real mappings */

static pte_t *table_below(pte_t e) { return phys_to_virt(PTE_ADDR(e)); }

/* The three table entries above va's PTE, PML4 first. */
static void path(pte_t *pml4, u64 va, pte_t *entries[3])
{
	entries[0] = &pml4[(va >> 39) & 511];
	entries[1] = &table_below(*entries[0])[(va >> 30) & 511];
	entries[2] = &table_below(*entries[1])[(va >> 21) & 511];
}

static void free_path(pte_t *pml4, u64 va)
{
	pte_t *e[3];
	path(pml4, va, e);
	for (int i = 2; i >= 0; i--)
		frame_free(PTE_ADDR(*e[i]));
	frame_free(virt_to_phys(pml4));
}

KTEST(wxcheck_finds_bad_mappings)
{
	size_t baseline = frames_free();
	pte_t *pml4 = phys_to_virt(frame_alloc());
	u64 pa = virt_to_phys(pml4); /* any frame: the scan never touches it */
	u64 wx = SCRATCH_VA, user = SCRATCH_VA + PAGE_SIZE, other_pd = SCRATCH_VA + HUGE_PAGE_SIZE;
	KEXPECT_EQ(mappages(pml4, wx, pa, PAGE_SIZE, PTE_P | PTE_W), 0);
	KEXPECT_EQ(mappages(pml4, user, pa, PAGE_SIZE, PTE_P | PTE_U | PTE_NX), 0);
	KEXPECT_EQ(mappages(pml4, other_pd, pa, PAGE_SIZE, PTE_P | PTE_W), 0);
	pte_t *e[3];
	path(pml4, user, e);
	for (int i = 0; i < 3; i++)
		*e[i] |= PTE_U; /* mappages never sets U in the kernel half: make it reachable */
	path(pml4, other_pd, e);
	*e[2] |= PTE_NX; /* W at every level, but XD above: not executable */

	struct wx_report r;
	wx_scan(pml4, &r);
	KEXPECT_EQ(r.mappings, 3);
	KEXPECT_EQ(r.wx, 1);
	KEXPECT_EQ(r.first_wx, wx);
	KEXPECT_EQ(r.user, 1);
	KEXPECT_EQ(r.first_user, user);

	path(pml4, other_pd, e);
	frame_free(PTE_ADDR(*e[2]));
	free_path(pml4, wx);
	KEXPECT_EQ(frames_free(), baseline);
}

KTEST(wxcheck_kernel_tables_clean)
{
	struct wx_report r;
	wx_scan(kernel_pml4, &r);
	KEXPECT(r.mappings > 0);
	KEXPECT_EQ(r.wx, 0);
	KEXPECT_EQ(r.user, 0);
}

/* The audit reads every present entry, as the MMU does, not a list of the
 * slots the kernel uses: a writable+executable page below a top-level entry
 * the kernel never made (here in a copy of the real kernel half) is found,
 * and it is the only one. */
KTEST(wxcheck_finds_wx_in_an_unused_slot)
{
	size_t baseline = frames_free();
	struct wx_report kernel, r;
	wx_scan(kernel_pml4, &kernel);
	pte_t *pml4 = phys_to_virt(frame_alloc());
	memcpy(pml4 + 256, kernel_pml4 + 256, 256 * sizeof(pte_t));
	KEXPECT(!(pml4[(SCRATCH_VA >> 39) & 511] & PTE_P));
	KEXPECT_EQ(mappages(pml4, SCRATCH_VA, virt_to_phys(pml4), PAGE_SIZE, PTE_P | PTE_W), 0);
	wx_scan(pml4, &r);
	KEXPECT_EQ(r.mappings, kernel.mappings + 1);
	KEXPECT_EQ(r.wx, 1);
	KEXPECT_EQ(r.first_wx, SCRATCH_VA);
	KEXPECT_EQ(r.user, 0);
	free_path(pml4, SCRATCH_VA);
	KEXPECT_EQ(frames_free(), baseline);
}

#define USER_VA 0x40000000ul

static void check_user(void *mm)
{
	wx_check_user(mm);
}

KTEST(wxcheck_user_finds_bad_mappings)
{
	struct mm *mm = mm_alloc();
	KEXPECT_EQ(vma_map(mm, USER_VA, 4 * PAGE_SIZE, PROT_READ, VMA_ANON), 0);
	u64 frames[4] = { user_frame_alloc(), user_frame_alloc(), user_frame_alloc(),
			  user_frame_alloc() };
	u64 ro = PTE_P | PTE_U | PTE_NX, stray = USER_VA + 16 * PAGE_SIZE;
	KEXPECT_EQ(mappages(mm->pml4, USER_VA, frames[0], PAGE_SIZE, ro), 0); /* as the area says */
	KEXPECT_EQ(mappages(mm->pml4, USER_VA + PAGE_SIZE, frames[1], PAGE_SIZE, ro | PTE_W), 0);
	KEXPECT_EQ(mappages(mm->pml4, USER_VA + 2 * PAGE_SIZE, frames[2], PAGE_SIZE, ro & ~PTE_NX), 0);
	KEXPECT_EQ(mappages(mm->pml4, USER_VA + 3 * PAGE_SIZE, virt_to_phys(mm->pml4), PAGE_SIZE, ro), 0);
	KEXPECT_EQ(mappages(mm->pml4, stray, frames[3], PAGE_SIZE, ro), 0);

	struct wx_report r;
	wx_scan_user(mm, &r);
	KEXPECT_EQ(r.mappings, 5);
	KEXPECT_EQ(r.wx, cpu.nx ? 2 : 1); /* without NX every page executes: not the area's fault */
	KEXPECT_EQ(r.first_wx, USER_VA + PAGE_SIZE);
	KEXPECT_EQ(r.user, 1);
	KEXPECT_EQ(r.first_user, USER_VA + 3 * PAGE_SIZE);
	KEXPECT_EQ(r.stray, 1);
	KEXPECT_EQ(r.first_stray, stray);

	unmappages(mm->pml4, stray, PAGE_SIZE, false);
	unmappages(mm->pml4, USER_VA + PAGE_SIZE, 2 * PAGE_SIZE, false);
	struct caught c = ktest_catch(check_user, mm);
	KEXPECT(c.panicked);
	KEXPECT(str_starts_with(c.msg, "wx: user page 40003000 maps kernel memory"));

	unmappages(mm->pml4, USER_VA + 3 * PAGE_SIZE, PAGE_SIZE, false); /* not the frame: a table */
	c = ktest_catch(check_user, mm);
	KEXPECT(!c.faulted); /* the good page alone */
	unmappages(mm->pml4, USER_VA, PAGE_SIZE, false);
	for (int i = 0; i < 4; i++)
		frame_free(frames[i]);
	mm_put(mm);
}
