/* user/probe.h — may this process read or write a byte? A probe touches
 * it with a SIGSEGV handler armed (probe_arm) that jumps back: tests that
 * check page rights without /proc/PID/maps (user/bk13_vma, user/mapmerge). */
#pragma once
#include <setjmp.h>
#include <signal.h>

static sigjmp_buf probe_jb;
static void probe_segv(int s) { (void)s; siglongjmp(probe_jb, 1); }

/* Catch SIGSEGV for the probes; SA_NODEFER, as the handler never returns. */
static inline void probe_arm(void)
{
	struct sigaction sa = { .sa_handler = probe_segv, .sa_flags = SA_NODEFER };

	sigaction(SIGSEGV, &sa, NULL);
}

/* 1 if *p can be read, 0 if that faults. */
static inline int probe_read(volatile char *p)
{
	if (sigsetjmp(probe_jb, 1))
		return 0;
	(void)*p;
	return 1;
}

/* 1 if *p can be written (with its own value), 0 if that faults. */
static inline int probe_write(volatile char *p)
{
	if (sigsetjmp(probe_jb, 1))
		return 0;
	*p = *p;
	return 1;
}
