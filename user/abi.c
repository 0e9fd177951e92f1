/* user/abi.c — argument widths as Linux reads them, and what uname says.
 *
 * The system call number is the low 32 bits of RAX, unsigned (Linux's
 * do_syscall_64 takes an int): (1 << 32) | 39 is getpid, 0xffffffff is no
 * call at all. Legacy clone takes the low 32 bits of its flags (the high
 * ones belong to clone3), so flags with bit 32 or 63 set still mean fork.
 * uname must satisfy what programs and libcs gate on: sysname "Linux", a
 * release of at least 3.2 (glibc's minimum), machine "x86_64".
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "child.h"

#define ENOSYS_RET (-38L)

static long raw_syscall0(unsigned long rax)
{
	long r;

	asm volatile("syscall" : "=a"(r) : "a"(rax) : "rcx", "r11", "memory");
	return r;
}

static void numbers(void)
{
	static const struct {
		unsigned long rax;
		const char *name;
	} getpids[] = {
		{ (1ul << 32) | SYS_getpid, "(1 << 32) | 39" },
		{ 0xffffffff00000000ul | SYS_getpid, "0xffffffff00000027" },
		{ (1ul << 63) | SYS_getpid, "(1 << 63) | 39" },
	}, nosys[] = {
		{ 0xfffffffful, "0xffffffff" },
		{ ~0ul, "-1" },
		{ (1ul << 32) | 500, "(1 << 32) | 500" },
	};

	for (size_t i = 0; i < sizeof getpids / sizeof getpids[0]; i++)
		tap_eq(raw_syscall0(getpids[i].rax), getpid(), "RAX = %s is getpid", getpids[i].name);
	for (size_t i = 0; i < sizeof nosys / sizeof nosys[0]; i++)
		tap_eq(raw_syscall0(nosys[i].rax), ENOSYS_RET, "RAX = %s -> -ENOSYS", nosys[i].name);
}

static void clone_flags(void)
{
	static const unsigned long high[] = { 1ul << 32, 1ul << 63, 0xffffffff00000000ul };

	for (size_t i = 0; i < sizeof high / sizeof high[0]; i++) {
		fflush(stdout);
		long pid = syscall(SYS_clone, high[i] | SIGCHLD, 0, 0, 0, 0);
		if (pid == 0)
			_exit(7);
		tap_status(reap(pid), EXITED(7), "clone(%#lx | SIGCHLD) forks", high[i]);
	}
}

static void names(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u))
		bail("uname");
	tap_diag("uname: %s %s %s %s", u.sysname, u.release, u.version, u.machine);
	tap_ok(!strcmp(u.sysname, "Linux"), "uname sysname is \"Linux\"");
	tap_ok(sscanf(u.release, "%d.%d", &major, &minor) == 2 && (major > 3 || (major == 3 && minor >= 2)),
	       "uname release is a Linux version >= 3.2");
	tap_ok(!strcmp(u.machine, "x86_64"), "uname machine is \"x86_64\"");
}

int main(void)
{
	numbers();
	clone_flags();
	names();
	return done_testing();
}
