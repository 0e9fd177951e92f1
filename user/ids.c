/* user/ids.c — user and group ids, and what hangs on them: the
 * getresuid/setuid families with Linux's rules for root and for everyone
 * else, the capabilities that follow the uids (commoncap's rules),
 * kill's permission check, RLIMIT_NPROC, capget/capset (the version probe,
 * pids), and the limit calls that act before they fail on a bad pointer.
 *
 * Everything that changes an id runs in a forked child, which reports
 * through its exit status: 0, or the number of the first check that
 * failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child.h"

#define CHECK(n, cond) do { if (!(cond)) return (n); } while (0)
#define FAILS(call, err) ((call) == -1 && errno == (err))
#define CAP_V3 0x20080522
/* What fsuid 0 grants: CHOWN, DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, FSETID,
 * LINUX_IMMUTABLE, MKNOD, MAC_OVERRIDE. */
#define CAP_FS_SET ((uint64_t)0x1f | 1ul << 9 | 1ul << 27 | 1ul << 32)

struct cap_header {
	uint32_t version;
	int pid;
};

struct cap_data {
	uint32_t effective, permitted, inheritable;
};

/* The caller's effective and permitted capability sets. */
static void caps(uint64_t *eff, uint64_t *perm)
{
	struct cap_header h = { CAP_V3, 0 };
	struct cap_data d[2];

	if (syscall(SYS_capget, &h, d))
		*eff = *perm = ~0ul;
	else
		*eff = d[0].effective | (uint64_t)d[1].effective << 32,
		*perm = d[0].permitted | (uint64_t)d[1].permitted << 32;
}

static int uids_are(uid_t r, uid_t e, uid_t s)
{
	uid_t a = 9, b = 9, c = 9;

	return getresuid(&a, &b, &c) == 0 && a == r && b == e && c == s &&
	       getuid() == r && geteuid() == e;
}

static int gids_are(gid_t r, gid_t e, gid_t s)
{
	gid_t a = 9, b = 9, c = 9;

	return getresgid(&a, &b, &c) == 0 && a == r && b == e && c == s &&
	       getgid() == r && getegid() == e;
}

/* ---- scenarios ------------------------------------------------------------- */

/* Root sets any three; dropped from root in all of them, every capability
 * goes, and the ids may only move among themselves. */
static int drop_root(void *unused)
{
	(void)unused;
	uint64_t eff, perm;

	CHECK(1, setresuid(1000, 1001, 1002) == 0 && uids_are(1000, 1001, 1002));
	caps(&eff, &perm);
	CHECK(2, eff == 0 && perm == 0);
	CHECK(3, setuid(1002) == 0 && uids_are(1000, 1002, 1002));
	CHECK(4, FAILS(setuid(5), EPERM) && FAILS(setuid(0), EPERM));
	CHECK(5, setresuid(-1, 1000, -1) == 0 && uids_are(1000, 1000, 1002));
	CHECK(6, FAILS(setresuid(7, -1, -1), EPERM) && FAILS(setresuid(-1, -1, 0), EPERM));
	CHECK(7, FAILS(setreuid(1002, -1), EPERM));
	CHECK(8, setreuid(-1, 1002) == 0 && uids_are(1000, 1002, 1002));
	CHECK(9, setreuid(1002, 1000) == 0 && uids_are(1002, 1000, 1000));
	CHECK(10, setfsuid(1234) == 1000 && setfsuid(-1) == 1000);
	CHECK(11, setfsuid(1002) == 1000 && setfsuid(-1) == 1002);
	return 0;
}

/* setuid from root sets all three; then there is no way back, and the
 * parent (root) may not be signalled. */
static int setuid_all(void *unused)
{
	(void)unused;
	CHECK(1, setuid(1000) == 0 && uids_are(1000, 1000, 1000));
	CHECK(2, FAILS(setuid(0), EPERM) && FAILS(setresuid(0, 0, 0), EPERM));
	CHECK(3, FAILS(kill(getppid(), 0), EPERM));
	CHECK(4, kill(getpid(), 0) == 0);
	CHECK(5, FAILS(setgid(5), EPERM));
	return 0;
}

/* Effective uid 0 -> 1000 clears the effective set and keeps the permitted
 * one (the real uid is still 0); back to 0 restores it. */
static int seteuid_round_trip(void *unused)
{
	(void)unused;
	uint64_t eff0, perm0, eff, perm;

	caps(&eff0, &perm0);
	CHECK(1, eff0 != 0 && eff0 == perm0);
	CHECK(2, setresuid(-1, 1000, -1) == 0 && uids_are(0, 1000, 0));
	caps(&eff, &perm);
	CHECK(3, eff == 0 && perm == perm0);
	CHECK(4, setresuid(-1, 0, -1) == 0 && uids_are(0, 0, 0));
	caps(&eff, &perm);
	CHECK(5, eff == eff0 && perm == perm0);
	/* fsuid 0 -> 1000 drops only the filesystem capabilities. */
	CHECK(6, setfsuid(1000) == 0);
	caps(&eff, &perm);
	CHECK(7, eff == (eff0 & ~CAP_FS_SET) && perm == perm0);
	CHECK(8, setfsuid(0) == 1000);
	caps(&eff, &perm);
	CHECK(9, eff == eff0);
	return 0;
}

static int group_ids(void *unused)
{
	(void)unused;
	CHECK(1, setresgid(10, 20, 30) == 0 && gids_are(10, 20, 30));
	CHECK(2, setregid(-1, 30) == 0 && gids_are(10, 30, 30));
	CHECK(3, setgid(40) == 0 && gids_are(40, 40, 40)); /* root: all three */
	CHECK(4, setresgid(10, 20, 30) == 0 && setuid(1000) == 0);
	CHECK(5, FAILS(setgid(99), EPERM) && FAILS(setgid(20), EPERM));
	CHECK(6, setgid(30) == 0 && gids_are(10, 30, 30));
	CHECK(7, FAILS(setresgid(-1, 99, -1), EPERM) && setresgid(30, 10, -1) == 0);
	CHECK(8, gids_are(30, 10, 30));
	CHECK(9, setfsgid(99) == 10 && setfsgid(-1) == 10);
	return 0;
}

/* A child that exits at once, reaped: 0 if fork worked. */
static int fork_probe(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	return pid > 0 && reap(pid) == EXITED(0) ? 0 : -1;
}

/* Children that exit at once, left as zombies: they still count. */
static int nproc_limit(void *unused)
{
	(void)unused;
	struct rlimit lim = { 3, 3 };
	siginfo_t si;
	pid_t kids[3];
	int n = 0;

	CHECK(1, setrlimit(RLIMIT_NPROC, &lim) == 0);
	CHECK(2, fork_probe() == 0); /* root is exempt */
	CHECK(3, setresuid(54321, 54321, 54321) == 0);
	for (n = 0; n < 3; n++) {
		kids[n] = fork();
		if (kids[n] == 0)
			_exit(0);
		if (kids[n] < 0)
			break;
		CHECK(4, waitid(P_PID, kids[n], &si, WEXITED | WNOWAIT) == 0);
	}
	CHECK(5, n == 2 && errno == EAGAIN); /* itself and two children make three */
	CHECK(6, reap(kids[0]) == EXITED(0));
	pid_t again = fork();
	if (again == 0)
		_exit(0);
	CHECK(7, again > 0 && reap(again) == EXITED(0) && reap(kids[1]) == EXITED(0));
	return 0;
}

/* ---- in the test process itself ----------------------------------------------- */

static void root_ids(void)
{
	uid_t r = 99, e = 99, s = 99;

	tap_ok(uids_are(0, 0, 0) && gids_are(0, 0, 0), "root: all user and group ids 0");
	SYSCALL_CASE(-1, EFAULT, "getresuid(ok, bad, ok) -> EFAULT", SYS_getresuid, &r, (void *)1, &s);
	tap_ok(r == 0 && s == 99, "... after storing the real uid, before the saved one");
	SYSCALL_CASE(-1, EFAULT, "getresgid(bad, ok, ok) -> EFAULT", SYS_getresgid, (void *)1, &e, &s);
	SYSCALL_CASE(-1, EINVAL, "setuid(-1) -> EINVAL", SYS_setuid, -1);
	SYSCALL_CASE(-1, EINVAL, "setgid(-1) -> EINVAL", SYS_setgid, -1);
	SYSCALL_CASE(0, 0, "setresuid(-1, -1, -1) -> 0", SYS_setresuid, -1, -1, -1);
	SYSCALL_CASE(0, 0, "setfsuid(-1) -> the fsuid, 0", SYS_setfsuid, -1);
}

static void cap_calls(void)
{
	struct cap_header h = { 0, 0 };
	struct cap_data d[2];

	SYSCALL_CASE(0, 0, "capget(unknown version, NULL data) -> 0 (the version probe)", SYS_capget, &h, NULL);
	tap_eq(h.version, CAP_V3, "... and the preferred version is written back");
	h = (struct cap_header){ 0, 0 };
	SYSCALL_CASE(-1, EINVAL, "capget(unknown version, data) -> EINVAL", SYS_capget, &h, d);
	h = (struct cap_header){ CAP_V3, 999999 };
	SYSCALL_CASE(0, 0, "capget(missing pid, NULL data) -> 0", SYS_capget, &h, NULL);
	SYSCALL_CASE(-1, ESRCH, "capget(missing pid) -> ESRCH", SYS_capget, &h, d);
	SYSCALL_CASE(-1, EPERM, "capset(missing pid) -> EPERM (only the caller's own)", SYS_capset, &h, d);
	h.pid = -1;
	SYSCALL_CASE(-1, EINVAL, "capget(pid -1) -> EINVAL", SYS_capget, &h, d);
	h.pid = getpid();
	SYSCALL_CASE(0, 0, "capget(own pid) -> 0", SYS_capget, &h, d);
	SYSCALL_CASE(0, 0, "capset(own pid, the same sets) -> 0", SYS_capset, &h, d);
	SYSCALL_CASE(-1, EFAULT, "capget(bad header) -> EFAULT", SYS_capget, (void *)1, d);
}

static void limit_calls(void)
{
	struct rlimit lim, was;

	getrlimit(RLIMIT_NOFILE, &was);
	SYSCALL_CASE(-1, EFAULT, "getrlimit(NULL) -> EFAULT", SYS_getrlimit, RLIMIT_NOFILE, NULL);
	SYSCALL_CASE(-1, EFAULT, "setrlimit(NULL) -> EFAULT", SYS_setrlimit, RLIMIT_NOFILE, NULL);
	SYSCALL_CASE(-1, EINVAL, "getrlimit(99, NULL) -> EINVAL (resource first)", SYS_getrlimit, 99, NULL);
	SYSCALL_CASE(-1, EFAULT, "setrlimit(99, NULL) -> EFAULT (pointer first)", SYS_setrlimit, 99, NULL);
	SYSCALL_CASE(-1, EFAULT, "prlimit64(99, bad new) -> EFAULT (pointer first)", SYS_prlimit64, 0, 99,
	     (void *)1, NULL);
	SYSCALL_CASE(-1, EINVAL, "prlimit64(99, NULL, NULL) -> EINVAL", SYS_prlimit64, 0, 99, NULL, NULL);
	SYSCALL_CASE(-1, ESRCH, "prlimit64(missing pid) -> ESRCH", SYS_prlimit64, 999999, RLIMIT_NOFILE, NULL,
	     NULL);
	lim = (struct rlimit){ was.rlim_cur / 2, was.rlim_max };
	SYSCALL_CASE(-1, EFAULT, "prlimit64(new, bad old) -> EFAULT", SYS_prlimit64, 0, RLIMIT_NOFILE, &lim,
	     (void *)1);
	getrlimit(RLIMIT_NOFILE, &lim);
	tap_ok(lim.rlim_cur == was.rlim_cur / 2, "... and the new limit is in force");
	setrlimit(RLIMIT_NOFILE, &was);
}

/* Lowering the hard limit is for anyone; raising it needs CAP_SYS_RESOURCE. */
static int raise_hard_limit(void *unused)
{
	(void)unused;
	struct rlimit lim = { 16, 32 };

	CHECK(1, setrlimit(RLIMIT_NOFILE, &lim) == 0 && setuid(1000) == 0);
	lim.rlim_max = 33;
	CHECK(2, FAILS(setrlimit(RLIMIT_NOFILE, &lim), EPERM));
	lim = (struct rlimit){ 8, 31 };
	CHECK(3, setrlimit(RLIMIT_NOFILE, &lim) == 0);
	return 0;
}

int main(void)
{
	root_ids();
	cap_calls();
	limit_calls();
	child_case(drop_root, NULL, EXITED(0), "setresuid from root: ids, capabilities gone, moves");
	child_case(setuid_all, NULL, EXITED(0), "setuid from root sets all three, no way back");
	child_case(seteuid_round_trip, NULL, EXITED(0),
		   "effective uid 0 -> 1000 -> 0: effective caps cleared, restored");
	child_case(group_ids, NULL, EXITED(0), "the group id family");
	child_case(nproc_limit, NULL, EXITED(0), "RLIMIT_NPROC: EAGAIN at the limit, zombies count");
	child_case(raise_hard_limit, NULL, EXITED(0), "raising a hard limit without root -> EPERM");
	return done_testing();
}
