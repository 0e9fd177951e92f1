/* mm/wxcheck.h — the boot-time audit of the kernel half's page tables (mm/wxcheck.c). */
#pragma once
#include "mm/vm.h"

struct wx_report {
	u64 mappings;          /* present leaf entries (4 KiB, 2 MiB or 1 GiB pages) */
	u64 wx, first_wx;      /* writable and executable: how many, the lowest address */
	u64 user, first_user;  /* user-accessible: how many, the lowest address */
};

/* Read the kernel half of pml4 with the rights the MMU would grant. */
void wx_scan(const pte_t *pml4, struct wx_report *r);
/* wx_scan the kernel's tables: one pr_info line if they hold to the rules,
 * else panic naming the first address that breaks one. */
void wx_check(void);
