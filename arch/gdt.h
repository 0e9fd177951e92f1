/* arch/gdt.h — segment selectors and the TSS. The layout is Linux's, because
 * SYSCALL/SYSRET derive the selectors from fixed offsets in STAR and musl
 * programs may look at CS/SS. */
#pragma once
#include "kernel/types.h"

#define KERNEL_CS 0x10
#define KERNEL_DS 0x18
#define USER32_CS 0x23 /* never used, but SYSRET's STAR base points at it */
#define USER_DS 0x2b
#define USER_CS 0x33
#define TSS_SEL 0x40

enum { IST_NMI = 1, IST_DF = 2, IST_MC = 3 }; /* TSS interrupt stack table slots */

void gdt_init(void);
void tss_set_rsp0(u64 rsp0); /* kernel stack used when ring 3 is interrupted */
