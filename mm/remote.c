/* mm/remote.c — copying between address spaces: the kernel walks another
 * process's VMAs and page tables, as the article's uaccess routines walk
 * the caller's own, and copies through the direct map.
 *
 * Each piece goes through a small buffer on this kernel stack, never
 * straight between the caller's memory and the target's frame: the copy to
 * or from the caller may fault and sleep (in reclaim, waiting for the OOM
 * killer's victim), and while it sleeps the target's page may be evicted or
 * the target may exit. So the caller's side is copied first (a write) or
 * last (a read), and the target's frame is looked up and touched in between
 * with nothing that sleeps; no frame reference has to be held across a
 * sleep, and a write cannot land in a frame the target has just lost.
 *
 * What keeps the target alive: faultline has one CPU and a kernel that is
 * not preempted, so the target runs, and can exit, only while this process
 * sleeps. Its address space is therefore looked up again by pid (pids are
 * never reused) for every piece, after the caller's copy that may have
 * slept; one that has become a zombie ends the transfer. Within a piece
 * nothing sleeps: bringing the target's page in could wait for the OOM
 * killer's victim to die (mm/reclaim.c), and the target might be that
 * victim, so reclaim_nowait makes such a wait fail the piece instead. */
#include "mm/remote.h"
#include "kernel/fs/file.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "mm/reclaim.h"
#include "mm/vma.h"

#define PIECE 256 /* bytes per copy through the kernel stack */

struct mm *remote_mm(int pid)
{
	struct proc *p = proc_find(pid);
	return p && p->state != P_ZOMBIE ? p->mm : NULL;
}

static bool same_ids(u32 id, const struct idset *t)
{
	return id == t->real && id == t->eff && id == t->saved;
}

bool remote_may_access(const struct proc *caller, const struct proc *target, bool fscreds)
{
	const struct ids *c = &caller->ids;
	if (caller == target || capable(caller, CAP_SYS_PTRACE))
		return true;
	return same_ids(fscreds ? c->u.fs : c->u.real, &target->ids.u) &&
	       same_ids(fscreds ? c->g.fs : c->g.real, &target->ids.g);
}

/* n bytes between buf and the target's va (inside one page); false if the
 * page cannot be reached or the target is gone. Does not sleep. */
static bool remote_piece(int pid, u64 va, char *buf, size_t n, bool write, bool force)
{
	struct mm *mm = remote_mm(pid);
	if (!mm)
		return false;
	reclaim_nowait = true;
	u64 pa = mm_frame(mm, va, write, force);
	reclaim_nowait = false;
	if (!pa)
		return false;
	char *page = (char *)phys_to_virt(pa) + va % PAGE_SIZE;
	memcpy(write ? page : buf, write ? buf : page, n);
	return true;
}

size_t remote_rw(int pid, u64 addr, struct uio *u, size_t len, bool write, bool force)
{
	char buf[PIECE];
	size_t done = 0;
	while (done < len) {
		u64 va = addr + done;
		size_t n = MIN(MIN(len - done, sizeof(buf)), PAGE_SIZE - va % PAGE_SIZE);
		if (write && !(n = uio_copy_in(u, buf, n)))
			break;
		if (!remote_piece(pid, va, buf, n, write, force))
			break;
		if (!write)
			n = uio_copy_out(u, buf, n);
		done += n;
		if (u->fault)
			break;
	}
	return done;
}
