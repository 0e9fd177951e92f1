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
 * reads, and starts over if seq was odd or has moved since.
 *
 * A reading is never less than an earlier one without any clamp: one
 * CPU's TSC does not go back, faultline runs on one CPU, and a virtual
 * CPU's TSC does not go back either (QEMU's TCG derives it from a
 * monotonic clock; KVM offsets the host's TSC so that it does not go back
 * when the virtual CPU moves between host CPUs). A formula that only
 * multiplies a later count by the same factor cannot give less. */
#pragma once
#include "arch/x86.h"
#include "kernel/time.h"
#include "kernel/types.h"

/* The TSC clocks' ids run from CLOCK_REALTIME (0) to CLOCK_TAI (11). */
#define NCLOCK_IDS (CLOCK_TAI + 1)

/* What turns a TSC reading into the time: ns since boot =
 * (tsc - tsc_boot) * mult / 2^32, and clock id reads that plus
 * offset_ns[id]: the epoch (CLOCK_REALTIME at boot) for the wall clocks,
 * 0 for the others. A table indexed by the id, so that a reading adds one
 * load instead of testing which kind of clock it is (issue 13 counts the
 * vDSO's instructions). */
struct vvar_clock {
	u64 tsc_boot, mult;
	u64 offset_ns[NCLOCK_IDS];
};

/* Page aligned, so a whole page of its own: nothing else of the kernel's
 * is ever shared with user space through it. */
struct vvar {
	u32 seq;                /* odd while the kernel changes clock */
	struct vvar_clock clock;
} __attribute__((aligned(4096)));

/* A span of TSC cycles in ns: cycles * mult / 2^32, the product taken in
 * 128 bits so that no span the TSC can count overflows it. */
static inline u64 vvar_cycles_ns(u64 mult, u64 cycles)
{
	return (u64)(((unsigned __int128)cycles * mult) >> 32);
}

/* Clock id's reading now, in ns (tsc_clock(id) is true), from fields read
 * consistently (the reader's side of seq). barrier: the compiler must read
 * seq before and after the fields, not move those reads (x86 itself keeps
 * loads in order). Only seq is read as volatile: the barriers already
 * hold the fields' reads between those of seq, and plain reads let the
 * compiler take them as operands of the subtraction, the multiplication
 * and the addition instead of loading each into a register first. The
 * coarse clocks are cut down to the last tick since boot, as Linux's are;
 * they are the unlikely branch. */
static inline u64 vvar_clock_ns(const volatile struct vvar *v, int id)
{
	const struct vvar_clock *c = (const struct vvar_clock *)&v->clock;
	u64 uptime, offset;
	u32 seq;
	do {
		while ((seq = v->seq) & 1)
			asm volatile("pause");
		asm volatile("" ::: "memory");
		uptime = vvar_cycles_ns(c->mult, rdtsc() - c->tsc_boot);
		offset = c->offset_ns[(u32)id];
		asm("" : "+r"(uptime)); /* computed here, not after the loop: fewer registers live */
		asm volatile("" ::: "memory");
	} while (v->seq != seq);
	if (__builtin_expect(COARSE_CLOCKS & CLOCK_BIT(id), 0))
		uptime = uptime / TICK_NS * TICK_NS;
	return offset + uptime;
}
