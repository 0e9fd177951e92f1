/* arch/vdso/vdso.c — the vDSO: code the kernel maps into every process
 * (kernel/vdso.c) so that reading the clock needs no system call. It runs
 * in ring 3, as part of the process, and reads the vvar page the kernel
 * keeps one page below it (kernel/vvar.h): the same numbers and the same
 * formula the clock_gettime system call uses, so both give the same time.
 *
 * It is a shared object (arch/vdso/vdso.lds) that needs no loader: all its
 * references are relative to the instruction pointer, so it runs wherever
 * it is mapped; musl finds its functions by name and version (LINUX_2.6)
 * in its dynamic symbol table, as it would in Linux's. Built with the
 * host's compiler, without a C library: nothing here may call anything
 * outside this file but the kernel itself.
 *
 * Clocks it cannot serve (CPU time, alarm clocks, unknown ids) it hands
 * to the system call, as Linux's vDSO does: the caller cannot tell. */
#include "kernel/time.h"
#include "kernel/vvar.h"

#define SYS_gettimeofday 96
#define SYS_time 201
#define SYS_clock_gettime 228

/* The vvar page, placed by the linker script one page below the image:
 * hidden, so the compiler reaches it relative to %rip (no relocation).
 * Not volatile: the kernel wrote it before any process existed, and it
 * never changes (kernel/vvar.h), so the compiler may take its fields as
 * operands of the multiplication and the addition. */
extern const struct vvar vvar_page __attribute__((visibility("hidden")));

static long syscall2(long nr, long a, long b)
{
	long ret;
	asm volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return ret;
}

/* clock_gettime(id, ts): 0, or what the system call returns. */
int __vdso_clock_gettime(int id, struct timespec *ts)
{
	/* CLOCK_MONOTONIC and CLOCK_REALTIME, what programs read nearly
	 * always, take one compare each; the compiler then also knows that
	 * neither is a coarse clock and leaves that test out. Each call of
	 * the reader is inlined: a call would add to every reading (issue 13
	 * counts the instructions). */
	if (__builtin_expect(id == CLOCK_MONOTONIC, 1))
		vvar_clock_ts(&vvar_page, CLOCK_MONOTONIC, ts);
	else if (id == CLOCK_REALTIME)
		vvar_clock_ts(&vvar_page, CLOCK_REALTIME, ts);
	else if (tsc_clock(id))
		vvar_clock_ts(&vvar_page, id, ts);
	else
		return (int)syscall2(SYS_clock_gettime, id, (long)ts);
	return 0;
}

/* gettimeofday(tv, tz): the wall clock in microseconds; the time zone is
 * UTC (0 minutes west, no DST), as the system call says. */
int __vdso_gettimeofday(struct timeval *tv, u32 *tz)
{
	if (tv) {
		struct timespec ts;
		vvar_clock_ts(&vvar_page, CLOCK_REALTIME, &ts);
		tv->tv_sec = ts.tv_sec;
		tv->tv_usec = ts.tv_nsec / NSEC_PER_USEC;
	}
	if (tz)
		tz[0] = tz[1] = 0;
	return 0;
}

/* time(t): seconds since 1970, also stored in *t if t is not NULL. */
i64 __vdso_time(i64 *t)
{
	i64 now = (i64)(vvar_time_at(&vvar_page, CLOCK_REALTIME, rdtsc()) >> 64);
	if (t)
		*t = now;
	return now;
}

/* getcpu(cpu, node, cache): faultline runs on one CPU, 0, of one NUMA
 * node, 0; the cache argument is unused, as in Linux since 2.6.24. */
long __vdso_getcpu(u32 *cpu, u32 *node, void *cache)
{
	(void)cache;
	if (cpu)
		*cpu = 0;
	if (node)
		*node = 0;
	return 0;
}

/* Linux's vDSO offers the names without the prefix as well. */
int clock_gettime(int, struct timespec *) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct timeval *, u32 *) __attribute__((weak, alias("__vdso_gettimeofday")));
i64 time(i64 *) __attribute__((weak, alias("__vdso_time")));
long getcpu(u32 *, u32 *, void *) __attribute__((weak, alias("__vdso_getcpu")));
