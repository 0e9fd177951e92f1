/* kernel/init.h — starting the first user process, and the leak check
 * after it. */
#pragma once
#include "kernel/types.h"

void run_init(void); /* never returns */

/* The TSC at kmain's entry and as run_init hands init to the scheduler, a
 * few hundred instructions before init's first one: the kernel's boot time,
 * read as /proc/sys/debug/boot_tsc (under QEMU's -icount, in instructions). */
extern u64 boot_tsc_kmain, boot_tsc_first_user;
