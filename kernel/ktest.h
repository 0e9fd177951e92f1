/* kernel/ktest.h — in-kernel self-tests, run when booted with `test` (all)
 * or `test=NAME` (one), reported as TAP on the consoles. A test is a
 * function declared with KTEST(name) anywhere in the kernel; the linker
 * gathers them into one table. */
#pragma once
#include "arch/trapframe.h"
#include "kernel/types.h"

struct ktest {
	const char *name;
	void (*fn)(void);
	bool fatal; /* ends the boot on purpose: runs only when named (test=NAME) */
};

#define KTEST_ENTRY(name, fatal)                                                       \
	static void ktest_##name(void);                                                \
	static const struct ktest ktest_entry_##name                                   \
		__attribute__((used, section(".ktests"), aligned(8))) = { #name, ktest_##name, \
									  fatal }; \
	static void ktest_##name(void)
#define KTEST(name) KTEST_ENTRY(name, false)
/* A test that must kill the kernel in one particular way (a report the
 * kernel cannot survive): never part of the `test` run; tests/run boots it
 * alone and judges how the boot died (DEATH_BOOTS there). */
#define KTEST_FATAL(name) KTEST_ENTRY(name, true)

void ktest_check(bool ok, const char *expr, const char *file, int line);
void ktest_check_eq(u64 a, u64 b, const char *ea, const char *eb, const char *file, int line);
#define KEXPECT(cond) ktest_check(!!(cond), #cond, __FILE__, __LINE__)
#define KEXPECT_EQ(a, b) ktest_check_eq((u64)(a), (u64)(b), #a, #b, __FILE__, __LINE__)

/* What a provoked fault looked like. */
struct caught {
	bool faulted;   /* an exception (or panic) interrupted fn */
	bool panicked;
	u64 vector, error, addr, rip;
	char msg[128];  /* a panic's message (cut to fit), so a test can tell which panic */
};

/* Run fn(arg); if it faults or panics, the oops is printed as usual and the
 * run resumes here instead of stopping the machine. */
struct caught ktest_catch(void (*fn)(void *), void *arg);

/* Say that the report just printed (an oops, a panic, a ubsan line) was the
 * test's doing: tests/run then does not count it as a kernel fault. */
void ktest_expected(const char *what);

void ktest_run(const char *only);   /* never returns: exits QEMU with the verdict */
void ktest_fault(struct trapframe *tf, u64 addr); /* from oops(): resumes a ktest_catch */
void ktest_panic(const char *msg);                /* from panic() */
NORETURN void qemu_exit(bool success);
