/* user/sigaltstack.c — the alternate signal stack: the errors of
 * sigaltstack(2), a handler with SA_ONSTACK running on it (and seeing
 * SS_ONSTACK, and EPERM if it tries to change it), SS_AUTODISARM, the
 * classic use (catching the SIGSEGV of a stack overflow), and the deaths:
 * an alternate stack that overflows with nested frames, one on a PROT_NONE
 * page. Deaths are checked in forked children.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "child.h"
#include "sig.h"

#define ALT 65536

static char *alt;
static volatile uintptr_t where;
static volatile int in_flags, change_err, depth;
static sigjmp_buf env;

/* The raw call: musl's wrapper checks the size and SS_ONSTACK itself. */
static int sigaltstack_errno(const stack_t *ss, stack_t *old)
{
	errno = 0;
	return syscall(SYS_sigaltstack, ss, old) ? errno : 0;
}

static void where_am_i(int sig)
{
	stack_t now, again = { .ss_sp = alt, .ss_size = ALT };
	(void)sig;
	where = (uintptr_t)&now;
	sigaltstack(NULL, &now);
	in_flags = now.ss_flags;
	change_err = sigaltstack_errno(&again, NULL);
}

static void errors(void)
{
	stack_t ss = { .ss_sp = alt, .ss_size = MINSIGSTKSZ - 1 }, old;
	tap_eq(sigaltstack_errno(&ss, NULL), ENOMEM, "a stack smaller than MINSIGSTKSZ: ENOMEM");
	ss.ss_size = ALT;
	ss.ss_flags = 5;
	tap_eq(sigaltstack_errno(&ss, NULL), EINVAL, "an unknown mode: EINVAL");
	ss.ss_flags = SS_ONSTACK;
	tap_eq(sigaltstack_errno(&ss, NULL), 0, "SS_ONSTACK as a mode is accepted (means 0)");
	ss.ss_flags = SS_DISABLE;
	ss.ss_size = 1;
	tap_eq(sigaltstack_errno(&ss, NULL), 0, "SS_DISABLE ignores the size");
	tap_eq(sigaltstack_errno(NULL, &old), 0, "no stack yet: query works");
	tap_eq(old.ss_flags, SS_DISABLE, "and says SS_DISABLE");
	tap_eq(sigaltstack_errno((stack_t *)8, NULL), EFAULT, "a bad ss pointer: EFAULT");
	ss.ss_flags = 0;
	ss.ss_size = ALT;
	tap_eq(sigaltstack_errno(&ss, NULL), 0, "a 64 KiB stack is set");
	sigaltstack(NULL, &old);
	tap_ok(old.ss_sp == alt && old.ss_size == ALT && old.ss_flags == 0, "and reported back");
}

static void runs_on_it(void)
{
	set_handler(SIGUSR1, where_am_i, SA_ONSTACK);
	raise(SIGUSR1);
	tap_ok(where > (uintptr_t)alt && where < (uintptr_t)alt + ALT, "an SA_ONSTACK handler runs on it");
	tap_eq(in_flags, SS_ONSTACK, "sigaltstack in the handler says SS_ONSTACK");
	tap_eq(change_err, EPERM, "changing it while on it: EPERM");
	set_handler(SIGUSR1, where_am_i, 0);
	raise(SIGUSR1);
	tap_ok(!(where > (uintptr_t)alt && where < (uintptr_t)alt + ALT), "without SA_ONSTACK: the normal stack");

	stack_t ss = { .ss_sp = alt, .ss_size = ALT, .ss_flags = SS_AUTODISARM }, old;
	sigaltstack(&ss, NULL);
	set_handler(SIGUSR1, where_am_i, SA_ONSTACK);
	raise(SIGUSR1);
	tap_ok(where > (uintptr_t)alt && where < (uintptr_t)alt + ALT && in_flags == SS_DISABLE && change_err == 0,
	       "SS_AUTODISARM: on it, but disarmed inside (SS_DISABLE, may be changed)");
	sigaltstack(NULL, &old);
	/* uc_stack keeps only SS_ONSTACK/SS_DISABLE (Linux's __save_altstack),
	 * so rt_sigreturn restores the stack armed, without SS_AUTODISARM. */
	if (!tap_ok(old.ss_sp == alt && old.ss_size == ALT && old.ss_flags == 0,
		    "rt_sigreturn restores it from uc_stack, without SS_AUTODISARM"))
		tap_diag("sp %p size %zu flags %#x", old.ss_sp, old.ss_size, old.ss_flags);
	ss.ss_flags = 0;
	sigaltstack(&ss, NULL);
}

static void caught(int sig)
{
	(void)sig;
	where = (uintptr_t)&sig;
	siglongjmp(env, 1);
}

/* Until the stack runs out (the stop condition never holds). */
static int recurse(int n)
{
	volatile char pad[1024];
	pad[0] = (char)n;
	return n < 0 ? 0 : recurse(n + 1) + pad[0];
}

static int overflow_caught(void *arg)
{
	(void)arg;
	set_handler(SIGSEGV, caught, SA_ONSTACK);
	if (!sigsetjmp(env, 1))
		recurse(0);
	return where > (uintptr_t)alt && where < (uintptr_t)alt + ALT ? 0 : 1;
}

static void deeper(int sig)
{
	(void)sig;
	depth++;
	raise(SIGUSR1);
}

static int alt_overflows(void *arg)
{
	(void)arg;
	set_handler(SIGUSR1, deeper, SA_ONSTACK | SA_NODEFER);
	raise(SIGUSR1);
	return 0;
}

static int alt_prot_none(void *arg)
{
	(void)arg;
	stack_t ss = { .ss_size = ALT };
	ss.ss_sp = mmap(NULL, ALT, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sigaltstack(&ss, NULL);
	set_handler(SIGUSR1, deeper, SA_ONSTACK);
	raise(SIGUSR1);
	return 0;
}

int main(void)
{
	alt = mmap(NULL, ALT, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (alt == MAP_FAILED)
		bail("mmap");
	errors();
	runs_on_it();
	child_case(overflow_caught, NULL, EXITED(0), "a stack overflow's SIGSEGV is caught on the alternate stack");
	child_case(alt_overflows, NULL, KILLED(SIGSEGV), "nested frames overflowing the alternate stack");
	child_case(alt_prot_none, NULL, KILLED(SIGSEGV), "an alternate stack on a PROT_NONE mapping");
	return done_testing();
}
