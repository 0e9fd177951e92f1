/* kernel/accounting.h — what the kernel holds on behalf of processes, counted
 * where it is allocated and freed, so that after a program and all its
 * children are gone a difference from before names the pool that leaked
 * (the runner's check, user/sbin/runner.c; the whole boot's, kernel/init.c).
 * Read as `name value` lines from /proc/sys/debug/accounting (docs/testing.md). */
#pragma once
#include "kernel/types.h"

enum acct_pool {
	ACCT_PAGE_TABLES, /* page-table pages of every address space, the kernel's too */
	ACCT_FD_TABLES,   /* struct files: descriptor tables */
	ACCT_FILES,       /* struct file: open files */
	ACCT_PIPES,
	ACCT_VMAS,
	ACCT_SHMEM,       /* shmem objects: file data, shared anonymous memory, SysV shm */
	ACCT_SIGHANDS,    /* signal-handler tables */
	NACCT
};

extern long acct_pools[NACCT];
static inline void acct_add(enum acct_pool pool, long n) { acct_pools[pool] += n; }

/* Frames and heap bytes held for processes: not free, not kept for reuse by
 * the heap or the kernel-stack area, not the ramfs tree's files nor the
 * named message queues' (those outlive processes on purpose). */
struct acct_mem {
	long frames, heap;
};
/* The figures now; with ino0, each file made since inode ino0 and each
 * named message queue is printed as a `faultline: leftover` line. */
struct acct_mem acct_mem(u64 ino0);
/* Frames free or kept for reuse (by the heap, and as the kernel-stack
 * area's page tables): the leak check's figure, with kheap_in_use(). */
size_t frames_back(void);

/* Every counter the accounting file shows, by name: frames and heap as
 * acct_mem has them, swap slots, processes, address spaces, inodes, then
 * the pools above. */
struct acct_counter {
	const char *name;
	long value;
};
#define NCOUNTERS (6 + NACCT)
void acct_counters(struct acct_counter c[NCOUNTERS]);

/* The accounting file's text: every counter as `name value`, then, if ino0,
 * one `leftover PATH BYTES` line per file made since inode ino0. The length. */
size_t acct_show(char *buf, size_t size, u64 ino0);
