/* kernel/vdso.h — the vDSO and the vvar page in every address space
 * (kernel/vdso.c, docs/memory.md). */
#pragma once
#include "mm/vma.h"

void vdso_init(void); /* at boot, before the first exec */
/* Map the vvar page and, just above it, the vDSO into mm (exec's new
 * address space), below the other mappings as mmap would place them:
 * 0 and *ehdr the vDSO's address (AT_SYSINFO_EHDR), or -ENOMEM. */
int vdso_map(struct mm *mm, u64 *ehdr);
