/* arch/cpu.h — what this CPU can do, and the protections turned on from it. */
#pragma once
#include "kernel/types.h"

struct cpu_features {
	bool nx, smep, smap, erms, fsrm, pcid, rdrand, pge, pat;
	char vendor[13];
};

extern struct cpu_features cpu;

void cpu_init(void);       /* detect; enable NX, WP, PGE, PAT's WC entry (before the kernel page tables) */
void cpu_protect(void);    /* enable SMEP and SMAP unless nosmep / nosmap */
void cpu_print(void);             /* the boot log's cpu: line */
void cpu_print_protections(void); /* NX, SMEP, SMAP, on the screen */
