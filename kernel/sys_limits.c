/* kernel/sys_limits.c — resource limits and capabilities, as far as
 * faultline has a use for them: RLIMIT_MEMLOCK (how much a process may pin
 * with mlock) and CAP_IPC_LOCK (which lifts that limit); RLIMIT_DATA and
 * RLIMIT_AS (how far brk and mmap may grow, kernel/sys_mm.c); RLIMIT_NPROC
 * (kernel/fork.c) and the capabilities that exempt from it; RLIMIT_NOFILE's
 * soft limit bounds new descriptors (kernel/fs/fd.c, up to the NOFILE slots a
 * table has); RLIMIT_MSGQUEUE bounds the bytes a user's message queues may
 * hold (kernel/ipc/mq.c); RLIMIT_SIGPENDING bounds the queued siginfo of a
 * user's real-time signals (kernel/signal.c). Init is root and starts with every capability, as a Linux
 * init does; a process that drops capabilities with capset or by leaving
 * uid 0 (kernel/sys_ids.c) is held to the limits exactly as Linux holds an
 * unprivileged one. The other limits are stored and reported but not
 * enforced. */
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
	p->rlim[RLIMIT_MSGQUEUE] = (struct rlim){ 819200, 819200 }; /* MQ_BYTES_MAX */
	/* Linux derives it from memory (max_threads / 2); a fixed 1024 is what
	 * a machine of faultline's size would get. */
	p->rlim[RLIMIT_SIGPENDING] = (struct rlim){ 1024, 1024 };
	p->caps = p->caps_permitted = CAP_ALL;
}

/* The process a limit or capability call names: 0 is the caller. */
static struct proc *target(int pid)
{
	return pid ? proc_find(pid) : myproc();
}

/* Linux's check_prlimit_permission: the caller's uids and gids all match
 * the target's real, effective and saved ones, or it has CAP_SYS_RESOURCE. */
static bool same_ids(const struct idset *a, const struct idset *b)
{
	return a->real == b->real && a->real == b->eff && a->real == b->saved;
}

static bool may_prlimit(const struct proc *p)
{
	const struct proc *me = myproc();
	return p == me || capable(me, CAP_SYS_RESOURCE) ||
	       (same_ids(&me->ids.u, &p->ids.u) && same_ids(&me->ids.g, &p->ids.g));
}

/* The new limit checked and stored; 0 or -EINVAL / -EPERM. Raising the
 * hard limit takes CAP_SYS_RESOURCE. RLIMIT_NOFILE cannot go past what a
 * descriptor table can hold, even for root: Linux's sysctl_nr_open, which
 * is NOFILE here (a limit that said 65536 of a 64-slot table would lie to
 * every program that sizes itself by it). */
static long set_limit(struct proc *p, unsigned resource, const struct rlimit64 *n)
{
	if (n->cur > n->max)
		return -EINVAL;
	if (resource == RLIMIT_NOFILE && n->max > NOFILE)
		return -EPERM;
	if (n->max > p->rlim[resource].max && !capable(myproc(), CAP_SYS_RESOURCE))
		return -EPERM;
	p->rlim[resource] = (struct rlim){ n->cur, n->max };
	return 0;
}

/* Linux's order: read the new limit (-EFAULT), find the process (-ESRCH),
 * may we (-EPERM), the resource (-EINVAL), apply; the old value is stored
 * last, so a bad old pointer is -EFAULT after the change is made. */
SYSCALL4(prlimit64, int, pid, unsigned, resource, const struct rlimit64 __user *, new,
	 struct rlimit64 __user *, old)
{
	struct rlimit64 n;
	if (new && copy_from_user(&n, new, sizeof(n)))
		return -EFAULT;
	struct proc *p = target(pid);
	if (!p)
		return -ESRCH;
	if (!may_prlimit(p))
		return -EPERM;
	if (resource >= RLIM_NLIMITS)
		return -EINVAL;
	struct rlimit64 o = { p->rlim[resource].cur, p->rlim[resource].max };
	long err = new ? set_limit(p, resource, &n) : 0;
	return !err && old ? copy_out(old, &o, sizeof(o)) : err;
}

/* getrlimit and setrlimit have no "don't" pointer: NULL is -EFAULT. */
SYSCALL2(getrlimit, unsigned, resource, struct rlimit64 __user *, old)
{
	struct proc *p = myproc();
	if (resource >= RLIM_NLIMITS)
		return -EINVAL;
	struct rlimit64 o = { p->rlim[resource].cur, p->rlim[resource].max };
	return copy_out(old, &o, sizeof(o));
}

SYSCALL2(setrlimit, unsigned, resource, const struct rlimit64 __user *, new)
{
	struct rlimit64 n;
	if (copy_from_user(&n, new, sizeof(n)))
		return -EFAULT;
	if (resource >= RLIM_NLIMITS)
		return -EINVAL;
	return set_limit(myproc(), resource, &n);
}

/* A version Linux does not know: -EINVAL, and the version it prefers
 * written back (libcap probes this way). */
static long check_version(struct cap_header __user *hdr, u32 *version)
{
	if (get_user(*version, ufield(hdr, version)))
		return -EFAULT;
	if (*version != LINUX_CAPABILITY_VERSION_1 && *version != LINUX_CAPABILITY_VERSION_2 &&
	    *version != LINUX_CAPABILITY_VERSION_3) {
		u32 v = LINUX_CAPABILITY_VERSION_3;
		return put_user(v, ufield(hdr, version)) ? -EFAULT : -EINVAL;
	}
	return 0;
}

static size_t cap_bytes(u32 version)
{
	return (version == LINUX_CAPABILITY_VERSION_1 ? 1 : 2) * sizeof(struct cap_data);
}

/* With a NULL data pointer capget only probes the version: 0 even for one
 * it does not know (the preferred one written back). Then the pid: < 0 is
 * -EINVAL, a missing one -ESRCH; any process's sets may be read. */
SYSCALL2(capget, struct cap_header __user *, hdr, struct cap_data __user *, data)
{
	u32 version;
	int pid;
	long err = check_version(hdr, &version);
	if (!data)
		return err == -EINVAL ? 0 : err;
	if (err)
		return err;
	if (get_user(pid, ufield(hdr, pid)))
		return -EFAULT;
	if (pid < 0)
		return -EINVAL;
	struct proc *p = target(pid);
	if (!p)
		return -ESRCH;
	u64 eff = p->caps, perm = p->caps_permitted;
	struct cap_data d[2] = { { (u32)eff, (u32)perm, 0 }, { (u32)(eff >> 32), (u32)(perm >> 32), 0 } };
	return copy_out(data, d, cap_bytes(version));
}

/* Only the caller's own sets (any other pid: -EPERM), and only dropping:
 * permitted may shrink, effective must stay within it (-EPERM). */
SYSCALL2(capset, struct cap_header __user *, hdr, const struct cap_data __user *, data)
{
	struct cap_data d[2] = { 0 };
	struct proc *p = myproc();
	u32 version;
	int pid;
	long err = check_version(hdr, &version);
	if (err)
		return err;
	if (get_user(pid, ufield(hdr, pid)))
		return -EFAULT;
	if (pid != 0 && pid != p->pid)
		return -EPERM;
	if (copy_from_user(d, data, cap_bytes(version)))
		return -EFAULT;
	u64 eff = d[0].effective | (u64)d[1].effective << 32;
	u64 perm = d[0].permitted | (u64)d[1].permitted << 32;
	if ((perm & ~p->caps_permitted) || (eff & ~perm))
		return -EPERM;
	p->caps = eff;
	p->caps_permitted = perm;
	return 0;
}
