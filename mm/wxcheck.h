/* mm/wxcheck.h — the audits of page tables (mm/wxcheck.c): the kernel half
 * at boot, a user address space when it goes (SANITIZE=1 builds). */
#pragma once
#include "mm/vm.h"

struct mm;

/* Each count with the lowest address that breaks the rule. */
struct wx_report {
	u64 mappings;          /* present leaf entries (4 KiB, 2 MiB or 1 GiB pages) */
	u64 wx, first_wx;      /* kernel: writable and executable; user: more rights than the VMA */
	u64 user, first_user;  /* kernel: user-accessible; user: mapping a kernel frame */
	u64 stray, first_stray; /* user: present outside any VMA that allows access */
};

/* Read the kernel half of pml4 with the rights the MMU would grant. */
void wx_scan(const pte_t *pml4, struct wx_report *r);
/* wx_scan the kernel's tables: one pr_info line if they hold to the rules,
 * else panic naming the first address that breaks one. */
void wx_check(void);

/* Read the user half of mm's tables against its VMAs. */
void wx_scan_user(struct mm *mm, struct wx_report *r);
/* wx_scan_user, and panic naming the first page that breaks a rule. */
void wx_check_user(struct mm *mm);
extern u64 wx_user_audits; /* address spaces wx_check_user has passed */
