/* kernel/bootsummary.h — the boot's summary on the screen. */
#pragma once
#include "kernel/types.h"

/* Boot path, CPU protections, RAM, disks and swap, on the screen only;
 * after the disks and swap are set up. */
void boot_summary(const char *version);
