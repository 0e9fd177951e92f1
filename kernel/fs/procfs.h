/* kernel/fs/procfs.h — /proc/meminfo, /proc/swaps and /proc/vmstat, so tests
 * and demos can watch pages move between RAM and swap with `cat`. They are
 * character devices in the ramfs whose driver writes the text afresh on
 * every read: there is no second filesystem to mount. /proc/PID/mem and
 * /proc/self/mem, a process's memory as a file, are kernel/fs/procmem.c's. */
#pragma once
#include "kernel/fs/dev.h"

#define PROC_MAJOR 240 /* the first of Linux's majors for local use: no real driver's */
#define PROC_MEMINFO MKDEV(PROC_MAJOR, 0)
#define PROC_SWAPS MKDEV(PROC_MAJOR, 1)
#define PROC_VMSTAT MKDEV(PROC_MAJOR, 2)
#define PROC_PID_MEM MKDEV(PROC_MAJOR, 3)  /* /proc/PID/mem (kernel/fs/procmem.c) */
#define PROC_SELF_MEM MKDEV(PROC_MAJOR, 4) /* /proc/self/mem: the opener's own */

extern const struct devops procfs_ops; /* all three: dev.c finds it by their numbers */
extern const struct devops procmem_ops; /* both mem files */

struct inode;
/* path_step's question about a name it did not find in dir: if dir is /proc
 * and name a process's pid, its directory /proc/PID (made now, holding
 * "mem"); else NULL. */
struct inode *procfs_lookup(struct inode *dir, const char *name, size_t len);
void procfs_forget(int pid); /* the process is reaped: /proc/PID goes */
/* Remember /proc, and give self its mem: 0 or -ENOMEM. */
int procmem_init(struct inode *proc, struct inode *self);

void procfs_init(void); /* the files, and /proc itself if the initramfs did not make it */
