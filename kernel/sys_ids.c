/* kernel/sys_ids.c — user and group ids: the get and set families.
 *
 * Each process has a real, an effective, a saved set- and a filesystem
 * user id, and the same four group ids (struct idset), inherited across
 * fork. Init is root: all zero. A process with CAP_SETUID (CAP_SETGID for
 * groups) may set any id; any other may only move among its own real,
 * effective and saved ids, else -EPERM. The id (u32)-1 means "leave it" to
 * the calls that take several, and is -EINVAL to setuid/setgid, whose ids
 * must be valid. The rules and their order are Linux's (kernel/sys.c).
 *
 * Changing user ids changes capabilities as Linux's commoncap does when no
 * securebits are set: a process that had root in one of its ids and has it
 * in none afterwards loses every capability; effective uid 0 -> non-zero
 * clears the effective set, non-zero -> 0 restores it from the permitted
 * one; fsuid 0 -> non-zero drops the filesystem capabilities. */
#include "kernel/sched.h"
#include "kernel/syscall.h"

#define NO_ID 0xffffffffu
/* Linux's CAP_FS_SET, what fsuid 0 grants: CAP_CHOWN .. CAP_FSETID (0-4),
 * CAP_LINUX_IMMUTABLE, CAP_MKNOD, CAP_MAC_OVERRIDE. */
#define CAP_FS_SET (0x1ful | (1ul << CAP_LINUX_IMMUTABLE) | (1ul << CAP_MKNOD) | (1ul << CAP_MAC_OVERRIDE))

static bool has_root(const struct idset *s)
{
	return s->real == 0 || s->eff == 0 || s->saved == 0;
}

/* Capabilities after the user ids went from old to p->ids.u. */
static void fix_caps(struct proc *p, const struct idset *old)
{
	const struct idset *new = &p->ids.u;
	if (has_root(old) && !has_root(new))
		p->caps = p->caps_permitted = 0;
	if (old->eff == 0 && new->eff != 0)
		p->caps = 0;
	if (old->eff != 0 && new->eff == 0)
		p->caps = p->caps_permitted;
	if (old->fs == 0 && new->fs != 0)
		p->caps &= ~CAP_FS_SET;
	if (old->fs != 0 && new->fs == 0)
		p->caps |= p->caps_permitted & CAP_FS_SET;
}

static struct idset *idset_of(struct proc *p, bool user)
{
	return user ? &p->ids.u : &p->ids.g;
}

/* Applies a change to the user ids (fixing capabilities) or group ids. */
static long commit(struct proc *p, bool user, const struct idset *new)
{
	struct idset old = *idset_of(p, user);
	*idset_of(p, user) = *new;
	if (user)
		fix_caps(p, &old);
	return 0;
}

static bool may_set(const struct proc *p, bool user)
{
	return capable(p, user ? CAP_SETUID : CAP_SETGID);
}

static bool one_of(u32 id, const struct idset *s)
{
	return id == s->real || id == s->eff || id == s->saved;
}

/* setuid/setgid: privileged, all of real, effective and saved; otherwise
 * the effective id only, and only to the real or saved one. */
static long set_one(bool user, u32 id)
{
	struct proc *p = myproc();
	struct idset new = *idset_of(p, user);
	if (id == NO_ID)
		return -EINVAL;
	if (may_set(p, user))
		new.real = new.saved = id;
	else if (id != new.real && id != new.saved)
		return -EPERM;
	new.eff = new.fs = id;
	return commit(p, user, &new);
}

/* setreuid/setregid: real may become the effective id, effective any of
 * the three; the saved id follows the effective one when the real id is
 * set or the effective one leaves the real one. */
static long set_re(bool user, u32 r, u32 e)
{
	struct proc *p = myproc();
	const struct idset *old = idset_of(p, user);
	struct idset new = *old;
	bool priv = may_set(p, user);
	if (r != NO_ID) {
		if (r != old->real && r != old->eff && !priv)
			return -EPERM;
		new.real = r;
	}
	if (e != NO_ID) {
		if (!one_of(e, old) && !priv)
			return -EPERM;
		new.eff = e;
	}
	if (r != NO_ID || (e != NO_ID && e != old->real))
		new.saved = new.eff;
	new.fs = new.eff;
	return commit(p, user, &new);
}

/* setresuid/setresgid: each id given must be one of the three old ones. */
static long set_res(bool user, u32 r, u32 e, u32 s)
{
	struct proc *p = myproc();
	const struct idset *old = idset_of(p, user);
	struct idset new = *old;
	u32 want[3] = { r, e, s }, *to[3] = { &new.real, &new.eff, &new.saved };
	if ((r == NO_ID || r == old->real) && (e == NO_ID || (e == old->eff && e == old->fs)) &&
	    (s == NO_ID || s == old->saved))
		return 0; /* nothing changes, not even the filesystem id */
	for (int i = 0; i < 3; i++) {
		if (want[i] == NO_ID)
			continue;
		if (!one_of(want[i], old) && !may_set(p, user))
			return -EPERM;
		*to[i] = want[i];
	}
	new.fs = new.eff;
	return commit(p, user, &new);
}

/* setfsuid/setfsgid never fail: they return the old filesystem id, and
 * change it only to one of the four ids, or to any with the capability. */
static long set_fs(bool user, u32 id)
{
	struct proc *p = myproc();
	struct idset new = *idset_of(p, user);
	u32 was = new.fs;
	if (id != NO_ID && (one_of(id, &new) || id == new.fs || may_set(p, user))) {
		new.fs = id;
		commit(p, user, &new);
	}
	return was;
}

/* getresuid/getresgid: three stores, stopping at the first that faults. */
static long get_res(bool user, u32 __user *r, u32 __user *e, u32 __user *s)
{
	const struct idset *ids = idset_of(myproc(), user);
	if (put_user(ids->real, r) || put_user(ids->eff, e) || put_user(ids->saved, s))
		return -EFAULT;
	return 0;
}

SYSCALL0(getuid) { return myproc()->ids.u.real; }
SYSCALL0(geteuid) { return myproc()->ids.u.eff; }
SYSCALL0(getgid) { return myproc()->ids.g.real; }
SYSCALL0(getegid) { return myproc()->ids.g.eff; }
SYSCALL1(setuid, u32, uid) { return set_one(true, uid); }
SYSCALL1(setgid, u32, gid) { return set_one(false, gid); }
SYSCALL2(setreuid, u32, r, u32, e) { return set_re(true, r, e); }
SYSCALL2(setregid, u32, r, u32, e) { return set_re(false, r, e); }
SYSCALL3(setresuid, u32, r, u32, e, u32, s) { return set_res(true, r, e, s); }
SYSCALL3(setresgid, u32, r, u32, e, u32, s) { return set_res(false, r, e, s); }
SYSCALL1(setfsuid, u32, uid) { return set_fs(true, uid); }
SYSCALL1(setfsgid, u32, gid) { return set_fs(false, gid); }
SYSCALL3(getresuid, u32 __user *, r, u32 __user *, e, u32 __user *, s) { return get_res(true, r, e, s); }
SYSCALL3(getresgid, u32 __user *, r, u32 __user *, e, u32 __user *, s) { return get_res(false, r, e, s); }
