/* kernel/syscall.c — the system call table, by Linux x86-64 number
 * (arch/x86/entry/syscalls/syscall_64.tbl). Numbers not listed return
 * -ENOSYS, which is what Linux returns for an unknown one. */
#include "kernel/syscall.h"

#define SYSCALLS(X)                                                              \
	X(0, read) X(1, write) X(2, open) X(3, close) X(5, fstat) X(8, lseek)    \
	X(9, mmap) X(10, mprotect) X(11, munmap) X(12, brk) X(16, ioctl)         \
	X(19, readv) X(20, writev) X(39, getpid) X(60, exit) X(63, uname)        \
	X(96, gettimeofday) X(99, sysinfo) X(158, arch_prctl) X(186, gettid)     \
	X(218, set_tid_address) X(228, clock_gettime) X(231, exit_group)         \
	X(257, openat) X(318, getrandom)

#define DECLARE(nr, name) SYSCALL_ENTRY(name);
SYSCALLS(DECLARE)

#define ENTRY(nr, name) [nr] = sys_##name,
const syscall_fn syscall_table[] = { SYSCALLS(ENTRY) };
const u64 syscall_count = ARRAY_SIZE(syscall_table);
