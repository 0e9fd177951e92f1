/* kernel/sys_limits.c — resource limits and capabilities, as far as
 * faultline has a use for them: RLIMIT_MEMLOCK (how much a process may pin
 * with mlock) and CAP_IPC_LOCK (which lifts that limit); RLIMIT_DATA and
 * RLIMIT_AS (how far brk and mmap may grow, kernel/sys_mm.c). Every process is
 * root and starts with every capability, as a Linux init does; a process
 * that drops CAP_IPC_LOCK with capset is held to RLIMIT_MEMLOCK exactly as
 * Linux holds an unprivileged one. RLIMIT_NOFILE's soft limit bounds new
 * descriptors (kernel/fd.c, up to the NOFILE slots a table has); the other
 * limits are stored and reported but not enforced. */
#include "kernel/sched.h"
#include "kernel/syscall.h"

#define LINUX_CAPABILITY_VERSION_1 0x19980330
#define LINUX_CAPABILITY_VERSION_2 0x20071026
#define LINUX_CAPABILITY_VERSION_3 0x20080522

struct rlimit64 {
	u64 cur, max;
};

struct cap_header {
	u32 version;
	int pid;
};

struct cap_data {
	u32 effective, permitted, inheritable;
};

/* Linux's defaults for init (include/asm-generic/resource.h). */
void limits_init(struct proc *p)
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		p->rlim[i] = (struct rlim){ RLIM_INFINITY, RLIM_INFINITY };
	p->rlim[RLIMIT_STACK].cur = 8ul << 20;
	p->rlim[RLIMIT_NOFILE] = (struct rlim){ NOFILE, NOFILE };
	p->rlim[RLIMIT_MEMLOCK] = (struct rlim){ 8ul << 20, 8ul << 20 };
	p->caps = CAP_ALL;
}

static long check_target(int pid)
{
	return pid == 0 || pid == myproc()->pid ? 0 : -ESRCH;
}

SYSCALL4(prlimit64, int, pid, unsigned, resource, const struct rlimit64 __user *, new,
	 struct rlimit64 __user *, old)
{
	struct proc *p = myproc();
	struct rlimit64 n;
	if (resource >= RLIM_NLIMITS)
		return -EINVAL;
	long err = check_target(pid);
	if (!err && new && copy_from_user(&n, new, sizeof(n)))
		err = -EFAULT;
	if (!err && new && n.cur > n.max)
		err = -EINVAL;
	struct rlimit64 o = { p->rlim[resource].cur, p->rlim[resource].max };
	if (!err && old)
		err = copy_out(old, &o, sizeof(o));
	if (!err && new)
		p->rlim[resource] = (struct rlim){ n.cur, n.max };
	return err;
}

SYSCALL2(getrlimit, unsigned, resource, struct rlimit64 __user *, old)
{
	return sys_prlimit64(0, resource, 0, uaddr(old), 0, 0);
}

SYSCALL2(setrlimit, unsigned, resource, const struct rlimit64 __user *, new)
{
	return sys_prlimit64(0, resource, uaddr(new), 0, 0, 0);
}

/* A header Linux does not know: EINVAL, and it writes back the version it
 * prefers (libcap probes this way). */
static long check_header(struct cap_header __user *hdr, struct cap_header *h)
{
	if (copy_from_user(h, hdr, sizeof(*h)))
		return -EFAULT;
	if (h->version != LINUX_CAPABILITY_VERSION_1 && h->version != LINUX_CAPABILITY_VERSION_2 &&
	    h->version != LINUX_CAPABILITY_VERSION_3) {
		u32 v = LINUX_CAPABILITY_VERSION_3;
		return put_user(v, &hdr->version) ? -EFAULT : -EINVAL;
	}
	return check_target(h->pid);
}

static int cap_words(const struct cap_header *h)
{
	return h->version == LINUX_CAPABILITY_VERSION_1 ? 1 : 2;
}

SYSCALL2(capget, struct cap_header __user *, hdr, struct cap_data __user *, data)
{
	struct cap_header h;
	long err = check_header(hdr, &h);
	u64 caps = myproc()->caps;
	struct cap_data d[2] = { { (u32)caps, (u32)caps, 0 }, { (u32)(caps >> 32), (u32)(caps >> 32), 0 } };
	if (err || !data)
		return err;
	return copy_out(data, d, cap_words(&h) * sizeof(d[0]));
}

/* Only dropping is possible: permitted may shrink, effective must stay
 * within it, and nothing may be gained (EPERM), as for any process. */
SYSCALL2(capset, struct cap_header __user *, hdr, const struct cap_data __user *, data)
{
	struct cap_header h;
	struct cap_data d[2] = { 0 };
	struct proc *p = myproc();
	long err = check_header(hdr, &h);
	if (!err && copy_from_user(d, data, cap_words(&h) * sizeof(d[0])))
		err = -EFAULT;
	if (err)
		return err;
	u64 eff = d[0].effective | (u64)d[1].effective << 32;
	u64 perm = d[0].permitted | (u64)d[1].permitted << 32;
	if ((perm & ~p->caps) || (eff & ~perm))
		return -EPERM;
	p->caps = eff;
	return 0;
}
