/* user/clone.c — clone's and clone3's checks, as Linux makes them: the
 * flag combinations that cannot go together, a TLS base outside user
 * space, clone3's size rules (E2BIG, EINVAL, EFAULT) and argument checks,
 * and the tid stores (CLONE_PARENT_SETTID, CLONE_CHILD_SETTID). A call
 * that unexpectedly succeeds leaves a child that exits at once. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>

#include "child.h"

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x1000
#endif

struct clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	uint64_t set_tid, set_tid_size, cgroup;
};

/* A fork-like raw clone (no CLONE_VM: the child runs on its copy of our
 * stack): -1 with errno, or the child's pid, which is reaped. */
static long raw_clone(unsigned long flags, void *ptid, void *ctid, unsigned long tls)
{
	fflush(stdout);
	long r = syscall(SYS_clone, flags, 0, ptid, ctid, tls);
	if (r == 0)
		_exit(0);
	if (r > 0)
		reap((pid_t)r);
	return r;
}

static long raw_clone3(void *args, size_t size)
{
	fflush(stdout);
	long r = syscall(SYS_clone3, args, size);
	if (r == 0)
		_exit(7);
	return r;
}

#define CLONE_CASE(err, name, ...) do {                                    \
	errno = 0;                                                         \
	long r_ = raw_clone(__VA_ARGS__);                                  \
	tap_syscall(r_ > 0 ? 1 : r_, errno, -1, err, NULL, "%s", name);    \
} while (0)

#define CLONE3_CASE(err, name, args, size) do {                            \
	errno = 0;                                                         \
	long r_ = raw_clone3(args, size);                                  \
	if (r_ > 0)                                                        \
		reap((pid_t)r_);                                           \
	tap_syscall(r_ > 0 ? 1 : r_, errno, -1, err, NULL, "%s", name);    \
} while (0)

static void clone_cases(void)
{
	CLONE_CASE(EINVAL, "clone: CLONE_THREAD without CLONE_SIGHAND -> EINVAL", CLONE_THREAD | CLONE_VM, 0, 0, 0);
	CLONE_CASE(EINVAL, "clone: CLONE_SIGHAND without CLONE_VM -> EINVAL", CLONE_SIGHAND | SIGCHLD, 0, 0, 0);
	CLONE_CASE(EINVAL, "clone: CLONE_FS with CLONE_NEWNS -> EINVAL", CLONE_FS | CLONE_NEWNS | SIGCHLD, 0, 0, 0);
	CLONE_CASE(EINVAL, "clone: CLONE_FS with CLONE_NEWUSER -> EINVAL", CLONE_FS | CLONE_NEWUSER | SIGCHLD, 0, 0, 0);
	CLONE_CASE(EINVAL, "clone: CLONE_THREAD with CLONE_NEWPID -> EINVAL",
		   CLONE_THREAD | CLONE_SIGHAND | CLONE_VM | CLONE_NEWPID, 0, 0, 0);
	int fd;
	CLONE_CASE(EINVAL, "clone: CLONE_PIDFD and CLONE_PARENT_SETTID on one pointer -> EINVAL",
		   CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, &fd, 0, 0);
	CLONE_CASE(EPERM, "clone: CLONE_SETTLS with a kernel address -> EPERM", CLONE_SETTLS | SIGCHLD, 0, 0,
		   0xffff800000000000ul);
	CLONE_CASE(EPERM, "clone: CLONE_SETTLS with a non-canonical address -> EPERM", CLONE_SETTLS | SIGCHLD, 0,
		   0, 0x0000800000000000ul);

	int ptid = 0;
	long pid = raw_clone(CLONE_PARENT_SETTID | SIGCHLD, &ptid, 0, 0);
	tap_ok(pid > 0 && ptid == pid, "clone: CLONE_PARENT_SETTID stores the child's tid in the parent");
	static int ctid;
	fflush(stdout);
	pid = syscall(SYS_clone, CLONE_CHILD_SETTID | SIGCHLD, 0, 0, &ctid, 0);
	if (pid == 0)
		_exit(ctid == syscall(SYS_gettid) ? 0 : 1);
	tap_status(reap((pid_t)pid), EXITED(0), "clone: CLONE_CHILD_SETTID stores its tid in the child's memory");
	tap_eq(ctid, 0, "... not in the parent's");
}

static void clone3_cases(void)
{
	struct clone_args a = { 0 };
	unsigned char big[4200] = { 0 };
	CLONE3_CASE(EINVAL, "clone3: size 0 -> EINVAL", &a, 0);
	CLONE3_CASE(EINVAL, "clone3: size 63 -> EINVAL", &a, 63);
	CLONE3_CASE(E2BIG, "clone3: size 4097 -> E2BIG", big, 4097);
	CLONE3_CASE(EFAULT, "clone3: args at a bad address -> EFAULT", (void *)8, 64);
	/* The bytes past the struct would lie past the top of the address
	 * space: the kernel must not even form that pointer (C's pointer
	 * overflow; the SANITIZE build reports it). */
	CLONE3_CASE(EFAULT, "clone3: size 200 at the last 64 bytes of the address space -> EFAULT",
		    (void *)-64l, 200);
	struct clone_args *b = (struct clone_args *)big;
	b->flags = CLONE_THREAD;
	big[100] = 1;
	CLONE3_CASE(E2BIG, "clone3: size 104, a non-zero byte past the known struct -> E2BIG", big, 104);
	big[100] = 0;
	CLONE3_CASE(EINVAL, "clone3: size 104, zeros past it: the flags are checked (THREAD without SIGHAND) -> EINVAL",
		    big, 104);
	a = (struct clone_args){ .exit_signal = 65 };
	CLONE3_CASE(EINVAL, "clone3: exit_signal 65 -> EINVAL", &a, 64);
	a = (struct clone_args){ .exit_signal = SIGCHLD | (1ul << 32) };
	CLONE3_CASE(EINVAL, "clone3: exit_signal with high bits -> EINVAL", &a, 64);
	a = (struct clone_args){ .exit_signal = SIGCHLD, .stack = (uintptr_t)big };
	CLONE3_CASE(EINVAL, "clone3: a stack without stack_size -> EINVAL", &a, 64);
	a = (struct clone_args){ .exit_signal = SIGCHLD, .stack_size = 4096 };
	CLONE3_CASE(EINVAL, "clone3: stack_size without a stack -> EINVAL", &a, 64);
	a = (struct clone_args){ .flags = CLONE_THREAD | CLONE_SIGHAND | CLONE_VM, .exit_signal = SIGCHLD };
	CLONE3_CASE(EINVAL, "clone3: CLONE_THREAD with an exit signal -> EINVAL", &a, 64);
	a = (struct clone_args){ .exit_signal = SIGCHLD, .set_tid_size = 1 };
	CLONE3_CASE(EINVAL, "clone3 (size 80): set_tid_size without set_tid -> EINVAL", &a, 80);
	a = (struct clone_args){ .flags = 1ul << 40, .exit_signal = SIGCHLD };
	CLONE3_CASE(EINVAL, "clone3: an unknown high flag -> EINVAL", &a, 64);
	a = (struct clone_args){ .flags = CLONE_SIGHAND, .exit_signal = SIGCHLD };
	CLONE3_CASE(EINVAL, "clone3: CLONE_SIGHAND without CLONE_VM -> EINVAL", &a, 64);

	int ptid = 0;
	a = (struct clone_args){ .flags = CLONE_PARENT_SETTID, .parent_tid = (uintptr_t)&ptid,
				 .exit_signal = SIGCHLD };
	long pid = raw_clone3(&a, 64);
	tap_ok(pid > 0 && ptid == pid, "clone3 (size 64, fork-like): the child's pid, stored at parent_tid");
	tap_status(reap((pid_t)pid), EXITED(7), "... the child ran and exited");
}

int main(void)
{
	clone_cases();
	clone3_cases();
	return done_testing();
}
