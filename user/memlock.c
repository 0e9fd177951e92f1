/* user/memlock.c — RLIMIT_MEMLOCK, as Linux enforces it on a process without
 * CAP_IPC_LOCK. Root has that capability and no limit applies to it, so
 * each case runs in a child that first drops CAP_IPC_LOCK with capset (as
 * a daemon dropping privileges would), then lowers the limit: a limit of 0
 * forbids mlock and MAP_LOCKED (EPERM), locking more than the limit is
 * ENOMEM (EAGAIN for MAP_LOCKED), locking within it works, and
 * mlockall(MCL_CURRENT) over the limit is ENOMEM. */
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child.h"

#define CAP_IPC_LOCK 14

struct lock_case {
	const char *name;
	rlim_t limit;
	size_t pages;    /* lock this many fresh pages ... */
	enum { MLOCK, MAP_LOCKED_, MLOCKALL } how; /* ... so, or mlockall(MCL_CURRENT) */
	int want_errno;  /* 0: must succeed */
};

static int run_case(void *arg)
{
	const struct lock_case *c = arg;
	struct rlimit r = { c->limit, c->limit };
	if (drop_capability(CAP_IPC_LOCK) || setrlimit(RLIMIT_MEMLOCK, &r))
		return 100;
	int locked = c->how == MAP_LOCKED_ ? MAP_LOCKED : 0;
	/* raw: musl's mmap turns the kernel's EPERM into ENOMEM */
	long p = syscall(SYS_mmap, NULL, c->pages * 4096 + 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | locked, -1, 0);
	if (c->how == MAP_LOCKED_)
		return p == -1 ? errno : 0;
	errno = 0;
	int rc = c->how == MLOCKALL ? mlockall(MCL_CURRENT) : mlock((void *)p, c->pages * 4096);
	return rc == 0 ? 0 : errno;
}

static const struct lock_case cases[] = {
	{ "limit 0: mlock of one page", 0, 1, MLOCK, EPERM },
	{ "limit 64 KiB: mlock of 32 KiB", 64 << 10, 8, MLOCK, 0 },
	{ "limit 64 KiB: mlock of 128 KiB", 64 << 10, 32, MLOCK, ENOMEM },
	{ "limit 0: mmap MAP_LOCKED of one page", 0, 0, MAP_LOCKED_, EPERM },
	{ "limit 64 KiB: mmap MAP_LOCKED of 36 KiB", 64 << 10, 8, MAP_LOCKED_, 0 },
	{ "limit 64 KiB: mmap MAP_LOCKED of 132 KiB", 64 << 10, 32, MAP_LOCKED_, EAGAIN },
	{ "limit 0: mlockall(MCL_CURRENT)", 0, 1, MLOCKALL, EPERM },
	{ "limit 64 KiB: mlockall(MCL_CURRENT) of a whole program", 64 << 10, 1, MLOCKALL, ENOMEM },
};

int main(void)
{
	struct rlimit r;
	tap_ok(getrlimit(RLIMIT_MEMLOCK, &r) == 0 && r.rlim_cur > 0, "getrlimit(RLIMIT_MEMLOCK) reports a limit");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		child_case(run_case, (void *)&cases[i], EXITED(cases[i].want_errno), cases[i].name);
	return done_testing();
}
