/* kernel/syscall.c — the system call table, by Linux x86-64 number
 * (arch/x86/entry/syscalls/syscall_64.tbl). Numbers not listed return
 * -ENOSYS, which is what Linux returns for an unknown one. */
#include "kernel/syscall.h"

#define SYSCALLS(X) \
	X(0, read) \
	X(1, write) \
	X(2, open) \
	X(3, close) \
	X(4, stat) \
	X(5, fstat) \
	X(6, lstat) \
	X(7, poll) \
	X(8, lseek) \
	X(9, mmap) \
	X(10, mprotect) \
	X(11, munmap) \
	X(12, brk) \
	X(13, rt_sigaction) \
	X(14, rt_sigprocmask) \
	X(15, rt_sigreturn) \
	X(16, ioctl) \
	X(17, pread64) \
	X(18, pwrite64) \
	X(19, readv) \
	X(20, writev) \
	X(21, access) \
	X(22, pipe) \
	X(23, select) \
	X(24, sched_yield) \
	X(26, msync) \
	X(27, mincore) \
	X(28, madvise) \
	X(32, dup) \
	X(33, dup2) \
	X(34, pause) \
	X(35, nanosleep) \
	X(36, getitimer) \
	X(37, alarm) \
	X(38, setitimer) \
	X(39, getpid) \
	X(56, clone) \
	X(57, fork) \
	X(58, vfork) \
	X(59, execve) \
	X(60, exit) \
	X(61, wait4) \
	X(62, kill) \
	X(63, uname) \
	X(72, fcntl) \
	X(74, fsync) \
	X(75, fdatasync) \
	X(77, ftruncate) \
	X(79, getcwd) \
	X(80, chdir) \
	X(81, fchdir) \
	X(82, rename) \
	X(83, mkdir) \
	X(84, rmdir) \
	X(86, link) \
	X(87, unlink) \
	X(88, symlink) \
	X(89, readlink) \
	X(90, chmod) \
	X(91, fchmod) \
	X(92, chown) \
	X(93, fchown) \
	X(94, lchown) \
	X(95, umask) \
	X(96, gettimeofday) \
	X(97, getrlimit) \
	X(98, getrusage) \
	X(99, sysinfo) \
	X(100, times) \
	X(102, getuid) \
	X(104, getgid) \
	X(105, setuid) \
	X(106, setgid) \
	X(107, geteuid) \
	X(108, getegid) \
	X(109, setpgid) \
	X(110, getppid) \
	X(111, getpgrp) \
	X(112, setsid) \
	X(113, setreuid) \
	X(114, setregid) \
	X(117, setresuid) \
	X(118, getresuid) \
	X(119, setresgid) \
	X(120, getresgid) \
	X(121, getpgid) \
	X(122, setfsuid) \
	X(123, setfsgid) \
	X(124, getsid) \
	X(125, capget) \
	X(126, capset) \
	X(127, rt_sigpending) \
	X(128, rt_sigtimedwait) \
	X(129, rt_sigqueueinfo) \
	X(130, rt_sigsuspend) \
	X(131, sigaltstack) \
	X(137, statfs) \
	X(138, fstatfs) \
	X(149, mlock) \
	X(150, munlock) \
	X(151, mlockall) \
	X(152, munlockall) \
	X(157, prctl) \
	X(158, arch_prctl) \
	X(160, setrlimit) \
	X(167, swapon) \
	X(168, swapoff) \
	X(186, gettid) \
	X(201, time) \
	X(202, futex) \
	X(200, tkill) \
	X(217, getdents64) \
	X(218, set_tid_address) \
	X(228, clock_gettime) \
	X(229, clock_getres) \
	X(230, clock_nanosleep) \
	X(231, exit_group) \
	X(234, tgkill) \
	X(240, mq_open) \
	X(241, mq_unlink) \
	X(242, mq_timedsend) \
	X(243, mq_timedreceive) \
	X(244, mq_notify) \
	X(245, mq_getsetattr) \
	X(247, waitid) \
	X(257, openat) \
	X(258, mkdirat) \
	X(260, fchownat) \
	X(262, newfstatat) \
	X(263, unlinkat) \
	X(264, renameat) \
	X(265, linkat) \
	X(266, symlinkat) \
	X(267, readlinkat) \
	X(268, fchmodat) \
	X(269, faccessat) \
	X(270, pselect6) \
	X(271, ppoll) \
	X(273, set_robust_list) \
	X(274, get_robust_list) \
	X(292, dup3) \
	X(293, pipe2) \
	X(295, preadv) \
	X(296, pwritev) \
	X(297, rt_tgsigqueueinfo) \
	X(302, prlimit64) \
	X(309, getcpu) \
	X(310, process_vm_readv) \
	X(311, process_vm_writev) \
	X(316, renameat2) \
	X(318, getrandom) \
	X(325, mlock2) \
	X(327, preadv2) \
	X(328, pwritev2) \
	X(435, clone3)

#define DECLARE(nr, name) SYSCALL_ENTRY(name);
SYSCALLS(DECLARE)

/* What a number with no system call runs: Linux's sys_ni_syscall. */
static SYSCALL_ENTRY(ni_syscall)
{
	return -ENOSYS;
}

/* Every number up to the highest holds a function, sys_ni_syscall where
 * there is no call, so the entry (arch/syscall_entry.asm) checks only
 * the bound, not the entry too. The range initialiser comes first and the
 * calls override it, which is what -Woverride-init would warn about. */
#define NUMBER(nr, name) nr_##name = nr,
enum { SYSCALLS(NUMBER) nr_after_last };
#define ENTRY(nr, name) [nr] = sys_##name,
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
const syscall_fn syscall_table[] = {
	[0 ... nr_after_last - 1] = sys_ni_syscall,
	SYSCALLS(ENTRY)
};
#pragma GCC diagnostic pop
const u64 syscall_count = ARRAY_SIZE(syscall_table);

#define NAME(nr, name) [nr] = #name,
static const char *const names[] = { SYSCALLS(NAME) };

const char *syscall_name(long nr)
{
	return nr >= 0 && (u64)nr < ARRAY_SIZE(names) && names[nr] ? names[nr] : "(no syscall)";
}
