/* kernel/sys_pvm.c — process_vm_readv and process_vm_writev: copying
 * between the caller's memory and another process's without stopping it,
 * as a debugger or an MPI library does (mm/remote.c does the copying).
 *
 * The checks in the order Linux makes them (mm/process_vm_access.c), since
 * a call that breaks two rules gets the first one's errno: flags; the local
 * iovec (import_iovec: EINVAL past 1024, EFAULT for an unreadable array or a
 * segment that is not user memory), and a local total of 0 returns 0 before
 * anything else is looked at; the remote iovec (the array only: EINVAL past
 * 1024, EFAULT), and a remote total of 0 returns 0 before the pid is; the
 * pid (ESRCH, for a zombie too: it has no memory left); the ptrace rule
 * (EPERM). */
#include "kernel/fs/file.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "mm/kheap.h"
#include "mm/remote.h"

/* The remote segments in order while local room is left, each up to the
 * first byte that cannot be moved: what moved, EFAULT if nothing did. */
static long pvm_copy(int pid, struct uio *u, const struct iovec *r, u64 nr, bool write)
{
	size_t done = 0;
	for (u64 i = 0; i < nr && u->resid; i++) {
		size_t want = MIN(r[i].iov_len, u->resid);
		size_t n = remote_rw(pid, uaddr(r[i].iov_base), u, want, write, false);
		done += n;
		if (n < want)
			break;
	}
	return done ? (long)done : -EFAULT;
}

static long pvm_target(int pid, struct uio *u, const struct iovec *r, u64 nr, bool write)
{
	bool any = false;
	for (u64 i = 0; i < nr; i++)
		any |= r[i].iov_len != 0;
	if (!any)
		return 0;
	struct proc *t = proc_find(pid);
	if (!t || !remote_mm(pid))
		return -ESRCH;
	if (!remote_may_access(myproc(), t, false)) /* PTRACE_MODE_ATTACH_REALCREDS */
		return -EPERM; /* Linux turns mm_access's EACCES into EPERM here */
	return pvm_copy(pid, u, r, nr, write);
}

/* liovcnt reaches import_iovec as an unsigned int, as on Linux: 2^32 + 1
 * local iovecs are one. The remote count is checked whole. */
static long process_vm_rw(int pid, const struct iovec __user *lvec, u64 liovcnt,
			  const struct iovec __user *rvec, u64 riovcnt, u64 flags, bool write)
{
	if (flags)
		return -EINVAL;
	struct iovec *liov, *riov;
	struct uio u;
	long ret = import_iovec(lvec, (unsigned)liovcnt, &liov, &u);
	if (ret)
		return ret;
	if (u.resid && !(ret = iovec_from_user(rvec, riovcnt, &riov))) {
		ret = pvm_target(pid, &u, riov, riovcnt, write);
		kfree(riov);
	}
	kfree(liov);
	return ret;
}

/* Bytes copied from pid's memory (rvec) into ours (lvec). */
SYSCALL6(process_vm_readv, int, pid, const struct iovec __user *, lvec, u64, liovcnt,
	 const struct iovec __user *, rvec, u64, riovcnt, u64, flags)
{
	return process_vm_rw(pid, lvec, liovcnt, rvec, riovcnt, flags, false);
}

/* Bytes copied from ours (lvec) into pid's memory (rvec). */
SYSCALL6(process_vm_writev, int, pid, const struct iovec __user *, lvec, u64, liovcnt,
	 const struct iovec __user *, rvec, u64, riovcnt, u64, flags)
{
	return process_vm_rw(pid, lvec, liovcnt, rvec, riovcnt, flags, true);
}
