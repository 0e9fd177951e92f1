/* kernel/fs/procfs.h — /proc/meminfo, /proc/swaps and /proc/vmstat, so tests
 * and demos can watch pages move between RAM and swap with `cat`. They are
 * character devices in the ramfs whose driver writes the text afresh on
 * every read: there is no second filesystem to mount. */
#pragma once
#include "kernel/fs/dev.h"

#define PROC_MAJOR 240 /* the first of Linux's majors for local use: no real driver's */
#define PROC_MEMINFO MKDEV(PROC_MAJOR, 0)
#define PROC_SWAPS MKDEV(PROC_MAJOR, 1)
#define PROC_VMSTAT MKDEV(PROC_MAJOR, 2)

extern const struct devops procfs_ops; /* all three: dev.c finds it by their numbers */

void procfs_init(void); /* the files, and /proc itself if the initramfs did not make it */
