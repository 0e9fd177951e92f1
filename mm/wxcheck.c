/* mm/wxcheck.c — a boot-time audit of the kernel's page tables. Every rule
 * the kernel's mappings are built to keep is checked once, on the finished
 * tables, by reading them as the MMU does, instead of trusting each place
 * that maps something:
 *   W^X: no kernel page is both writable and executable (a writable text
 *        page, or an executable data page, turns any write bug into code
 *        execution);
 *   no page in the kernel half is user-accessible (ring 3 would read or
 *        write kernel memory directly).
 * Rights are what the hardware grants (SDM vol. 3 §4.6): writable only if
 * every level has R/W (CR0.WP is on), user-accessible only if every level
 * has U/S, executable unless some level has XD. Only the kernel half is
 * checked: a user mapping may be writable and executable (Linux allows
 * mmap(PROT_WRITE|PROT_EXEC)), and at boot the user half is empty. */
#include "mm/wxcheck.h"
#include "kernel/printk.h"

#define KERNEL_HALF 256 /* the first PML4 index of the upper half */

static u64 sign_extend(u64 va)
{
	return (va & (1ul << 47)) ? va | 0xffff000000000000ul : va;
}

static void note(u64 *count, u64 *first, u64 va)
{
	if (!(*count)++)
		*first = va;
}

/* One table at 'level' (4 = PML4 ... 1 = PT) covering from 'base', with the
 * rights the levels above grant: 'rights' holds W and U if all of them have
 * those bits, NX if any has it. */
static void scan_table(const pte_t *table, int level, u64 base, u64 rights, struct wx_report *r)
{
	u64 span = 1ul << (PAGE_SHIFT + 9 * (level - 1));
	for (int i = level == 4 ? KERNEL_HALF : 0; i < 512; i++) {
		pte_t e = table[i];
		if (!(e & PTE_P))
			continue;
		u64 va = sign_extend(base + i * span);
		u64 here = (rights & e & (PTE_W | PTE_U)) | ((rights | e) & PTE_NX);
		if (level > 1 && !(e & PTE_PS)) {
			scan_table(phys_to_virt(PTE_ADDR(e)), level - 1, va, here, r);
			continue;
		}
		r->mappings++;
		if ((here & PTE_W) && !(here & PTE_NX))
			note(&r->wx, &r->first_wx, va);
		if (here & PTE_U)
			note(&r->user, &r->first_user, va);
	}
}

void wx_scan(const pte_t *pml4, struct wx_report *r)
{
	*r = (struct wx_report){ 0 };
	scan_table(pml4, 4, 0, PTE_W | PTE_U, r);
}

void wx_check(void)
{
	struct wx_report r;
	wx_scan(kernel_pml4, &r);
	if (r.wx)
		panic("wx: %lx is writable and executable (%lu such mappings)", r.first_wx, r.wx);
	if (r.user)
		panic("wx: kernel address %lx is user-accessible (%lu such mappings)", r.first_user,
		      r.user);
	pr_info("wx: checked %lu mappings, 0 writable+executable, 0 user-accessible kernel pages\n",
		r.mappings);
}
