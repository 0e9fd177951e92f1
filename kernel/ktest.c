/* kernel/ktest.c — the self-test runner. Prints TAP (one `ok`/`not ok` line
 * per test), then the marker `faultline: tests done`, then leaves QEMU
 * through the isa-debug-exit port with a distinct success code, because a
 * triple fault under -no-reboot also ends QEMU "successfully"; on a real
 * machine, where there is nothing to exit, a summary line and "faultline:
 * it is now safe to power off" instead. Tests that
 * provoke an exception on purpose use ktest_catch, which resumes after the
 * oops with kjmp_restore instead of halting. */
#include "kernel/ktest.h"
#include "arch/context.h"
#include "arch/x86.h"
#include "kernel/drivers/screen.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/string.h"

#define DEBUG_EXIT_PORT 0xf4
#define EXIT_SUCCESS_CODE 0x10 /* QEMU exits with (code << 1) | 1 = 33 */
#define EXIT_FAILURE_CODE 0x11 /* 35 */

extern const struct ktest __start_ktests[], __stop_ktests[];

static bool running, failed;
static struct jmpbuf *catcher;
static struct caught *caught;

/* Under QEMU this ends the machine; on real hardware there is no such port
 * and it returns. */
static void qemu_try_exit(bool success)
{
	screen_flush(true); /* the last lines, on a machine that stays on */
	outl(DEBUG_EXIT_PORT, success ? EXIT_SUCCESS_CODE : EXIT_FAILURE_CODE);
}

/* Not under QEMU: nothing to exit, so stop here, and say so. */
static NORETURN void stop(void)
{
	printk("faultline: it is now safe to power off\n");
	screen_flush(true);
	for (;;)
		hlt();
}

void qemu_exit(bool success)
{
	qemu_try_exit(success);
	stop();
}

void ktest_check(bool ok, const char *expr, const char *file, int line)
{
	if (!ok) {
		printk("# FAIL %s:%d: %s\n", file, line, expr);
		failed = true;
	}
}

void ktest_check_eq(u64 a, u64 b, const char *ea, const char *eb, const char *file, int line)
{
	if (a != b) {
		printk("# FAIL %s:%d: %s == %s (%lx != %lx)\n", file, line, ea, eb, a, b);
		failed = true;
	}
}

struct caught ktest_catch(void (*fn)(void *), void *arg)
{
	struct jmpbuf buf;
	struct caught c = { 0 };
	catcher = &buf;
	caught = &c;
	if (kjmp_save(&buf) == 0)
		fn(arg);
	catcher = NULL;
	caught = NULL;
	return c;
}

void ktest_expected(const char *what)
{
	printk("# (fault expected by the test: %s)\n", what);
}

static void resume(void)
{
	struct jmpbuf *b = catcher;
	catcher = NULL;
	ktest_expected("resuming");
	kjmp_restore(b, 1);
}

void ktest_fault(struct trapframe *tf, u64 addr)
{
	if (!catcher)
		return;
	*caught = (struct caught){ .faulted = true, .vector = tf->vector, .error = tf->error,
				   .addr = addr, .rip = tf->rip };
	resume();
}

void ktest_panic(const char *msg)
{
	if (catcher) {
		caught->faulted = caught->panicked = true;
		size_t n = strnlen(msg, sizeof(caught->msg) - 1);
		memcpy(caught->msg, msg, n);
		caught->msg[n] = 0;
		resume();
	}
	if (running) {
		printk("not ok - kernel panic during the self-tests\nfaultline: tests done\n");
		qemu_exit(false);
	}
}

/* Every test when none is named, except the fatal ones; else the one named. */
static bool chosen(const struct ktest *t, const char *only)
{
	return *only ? strcmp(only, t->name) == 0 : !t->fatal;
}

void ktest_run(const char *only)
{
	int total = 0, nfailed = 0, n = 0;
	for (const struct ktest *t = __start_ktests; t < __stop_ktests; t++)
		total += chosen(t, only);
	/* Pid 1 is init's, whose signals take no default action
	 * (kernel/signal.c act): taken here, before any test makes a process,
	 * it never falls to whichever test happens to run first, and every
	 * test sees the ordinary processes it makes alike, alone or in the
	 * suite. A self-test boot runs no init. */
	struct proc *init = proc_alloc("ktest-init");
	if (init)
		proc_free(init);
	running = true;
	printk("TAP version 13\n1..%d\n", total ? total : 1);
	for (const struct ktest *t = __start_ktests; t < __stop_ktests; t++) {
		if (!chosen(t, only))
			continue;
		failed = false;
		printk("# %s\n", t->name);
		t->fn();
		printk("%s %d - %s\n", failed ? "not ok" : "ok", ++n, t->name);
		nfailed += failed;
	}
	if (!total) {
		printk("not ok 1 - %s # no such test\n", only);
		nfailed = 1;
	}
	printk("faultline: tests done\n");
	qemu_try_exit(nfailed == 0);
	/* Still running: a real machine, where the student reads the screen
	 * (the TAP lines have scrolled by) and must know when to switch off. */
	printk("faultline: %d passed, %d failed\n", n - nfailed, nfailed);
	stop();
}
