/* tests/kernel/wxcheck_test.c — the boot-time page-table audit finds what it
 * is there to find: a scratch PML4 gets a writable+executable page and a
 * user-accessible page in the kernel half, and one that a table above makes
 * harmless (XD on its PD entry), and wx_scan must name exactly the two. */
#include "kernel/ktest.h"
#include "mm/frame.h"
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
