/* kernel/vvar.h — the vvar page: the clock's state, kept by the kernel
 * (kernel/time.c) and mapped read-only into every process beside the vDSO
 * (kernel/vdso.c), whose code reads it (arch/vdso/vdso.c). This header is
 * compiled into both, so the one formula that turns a TSC reading into
 * time is the same code on both sides of the line: a reading through the
 * vDSO and one through the system call are the same clock, to the
 * nanosecond (docs/memory.md, "The vDSO and the vvar page").
 *
 * The page is kernel memory that user space may read but never write, and
 * the kernel may change it while a process is in the middle of reading
 * it. A reader must not mix old and new fields (an old TSC base with a
 * new multiplier is a time far off), so the fields that change together
 * sit behind a sequence counter, as Linux's vdso_data does: the writer
 * makes seq odd, changes them, makes seq even again; a reader notes seq,
 * reads, and starts over if seq was odd or has moved since. last_ns is
 * one aligned 64-bit word, which x86 reads and writes whole, so it needs
 * no counter. */
#pragma once
#include "arch/x86.h"
#include "kernel/types.h"

/* What turns a TSC reading into the time: ns since boot =
 * (tsc - tsc_boot) * mult / 2^32; CLOCK_REALTIME adds epoch_ns. */
struct vvar_clock {
	u64 tsc_boot, mult, epoch_ns;
};

/* Page aligned, so a whole page of its own: nothing else of the kernel's
 * is ever shared with user space through it. */
struct vvar {
	u32 seq;                /* odd while the kernel changes clock */
	struct vvar_clock clock;
	u64 last_ns;            /* the latest time since boot the kernel has read: never less */
} __attribute__((aligned(4096)));

/* A consistent copy of the clock's fields (the reader's side of seq).
 * barrier: the compiler must read seq before and after the fields, not
 * move those reads (x86 itself keeps loads in order). */
static inline struct vvar_clock vvar_clock_read(const volatile struct vvar *v)
{
	struct vvar_clock c;
	u32 seq;
	do {
		while ((seq = v->seq) & 1)
			asm volatile("pause");
		asm volatile("" ::: "memory");
		c.tsc_boot = v->clock.tsc_boot;
		c.mult = v->clock.mult;
		c.epoch_ns = v->clock.epoch_ns;
		asm volatile("" ::: "memory");
	} while (v->seq != seq);
	return c;
}

/* A span of TSC cycles in ns: cycles * mult / 2^32, the product taken in
 * 128 bits so that no span the TSC can count overflows it. */
static inline u64 vvar_cycles_ns(const struct vvar_clock *c, u64 cycles)
{
	return (u64)(((unsigned __int128)cycles * c->mult) >> 32);
}

/* Nanoseconds since boot now, never less than any reading the kernel has
 * made (last_ns: the kernel stores each of its readings there; a reader
 * that cannot write takes the larger of the two). The TSC of one CPU does
 * not go backwards, so a later reading, by either path, is never less. */
static inline u64 vvar_uptime_ns(const volatile struct vvar *v, const struct vvar_clock *c)
{
	u64 ns = vvar_cycles_ns(c, rdtsc() - c->tsc_boot);
	u64 last = v->last_ns;
	return ns > last ? ns : last;
}
