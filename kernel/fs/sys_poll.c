/* kernel/fs/sys_poll.c — poll, ppoll, select and pselect6 (Linux x86-64
 * numbers 7, 271, 23, 270), with the rules of Linux's fs/select.c.
 *
 * A poller asks every file of its set for its readiness (file_poll); if
 * none is ready and time is left, it sleeps and asks them all again. It
 * cannot sleep on each file's own channel (sleep_on takes one), so every
 * poller sleeps on one global channel, poll_chan, and whatever may make a
 * file ready — a pipe read, write or close, a message sent or received —
 * calls poll_wake() besides its own wakeup. A wakeup meant for another
 * poller costs it one useless scan; with one CPU and few pollers that is
 * simpler than Linux's wait queue entry per polled file, and no wakeup can
 * be lost (nothing runs between the scan and the sleep). The console's
 * UART raises no interrupt, so a poller of the console looks every tick.
 *
 * A timeout is a deadline on the monotonic clock: the tick sleeps only
 * approach it and the clock decides, so a wait never ends early. ppoll,
 * pselect6 and select write the time left back, as Linux does.
 *
 * The user's arrays are copied in once, before the first scan, and only
 * the results go back: a scan never reads user memory again. The work is
 * bounded by nfds, which poll bounds by RLIMIT_NOFILE (EINVAL above it) and
 * select by the descriptor table. */
#include "kernel/fs/file.h"
#include "kernel/fs/poll.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "kernel/time.h"
#include "kernel/wait.h"
#include "mm/kheap.h"

#define USEC_PER_SEC 1000000l
#define NSEC_PER_MSEC 1000000l
#define FD_WORDS ((NOFILE + 63) / 64)

static struct waitq poll_chan; /* every sleeping poller waits on it */

/* A pipe's every read and write calls this: it costs a scan only while
 * someone polls. */
void poll_wake(void)
{
	waitq_wake(&poll_chan);
}

/* When a wait ends: Linux's end_time. */
struct timeout {
	bool forever;
	u64 end; /* monotonic ns; 0 for a zero timeout (one scan, nothing written back) */
};

/* poll_select_set_timeout: -EINVAL unless sec >= 0 and 0 <= nsec < 1 s. */
static long timeout_set(struct timeout *t, i64 sec, i64 nsec)
{
	if (sec < 0 || nsec < 0 || nsec >= NSEC_PER_SEC)
		return -EINVAL;
	*t = (struct timeout){ .forever = false };
	if (sec || nsec) {
		u64 now = time_uptime_ns();
		t->end = (u64)sec >= (UINT64_MAX - now) / NSEC_PER_SEC
				 ? UINT64_MAX
				 : now + (u64)sec * NSEC_PER_SEC + (u64)nsec;
	}
	return 0;
}

/* ppoll's and pselect6's timeout: NULL waits for ever; else EFAULT, EINVAL. */
static long read_timespec(const struct timespec64 __user *uts, struct timeout *t)
{
	struct timespec64 ts;
	*t = (struct timeout){ .forever = true };
	if (!uts)
		return 0;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	return timeout_set(t, ts.tv_sec, ts.tv_nsec);
}

/* poll_select_finish: the time left (0 once passed) goes back to the
 * caller's timeout unless it was zero; a fault there is ignored (the call
 * succeeded; Linux only refuses to restart it then). Returns ret. */
static long write_back_left(const struct timeout *t, void __user *ut, bool timeval, long ret)
{
	if (!ut || t->forever || !t->end)
		return ret;
	u64 now = time_uptime_ns(), left = t->end > now ? t->end - now : 0;
	struct timespec64 ts = { (i64)(left / NSEC_PER_SEC), (i64)(left % NSEC_PER_SEC) };
	struct timeval tv = { ts.tv_sec, ts.tv_nsec / NSEC_PER_USEC };
	if (timeval)
		(void)copy_to_user(ut, &tv, sizeof(tv));
	else
		(void)copy_to_user(ut, &ts, sizeof(ts));
	return ret;
}

/* set_user_sigmask: ppoll's and pselect6's mask replaces the caller's for
 * the wait (SIGKILL and SIGSTOP stay unblocked), so a signal it unblocks
 * acts now; NULL keeps the mask. 0, -EINVAL for a size other than 8
 * bytes, -EFAULT; *saved is the mask to restore afterwards. */
static long mask_swap(const u64 __user *umask, size_t size, u64 *saved)
{
	struct proc *p = myproc();
	u64 mask;
	*saved = p->sigmask;
	if (!umask)
		return 0;
	if (size != sizeof(mask))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	p->sigmask = mask & ~UNBLOCKABLE;
	signal_unblocked(p);
	return 0;
}

/* The wait is over: the caller's own mask again; what it does not block
 * of what came meanwhile acts now. But if a signal interrupted the wait,
 * its handler runs with the call's mask, and the caller's comes back after
 * it (Linux's restore_saved_sigmask_unless(ret == -EINTR)). */
static void mask_restore(u64 saved, long ret)
{
	struct proc *p = myproc();
	if (ret == -EINTR && signal_pending(p)) {
		p->saved_sigmask = saved;
		p->restore_sigmask = true;
		return;
	}
	p->sigmask = saved;
	signal_unblocked(p);
}

/* Scans until something is ready (the count), the time is up (0), a scan
 * fails (its error) or the caller is killed (-EINTR), as Linux's do_poll
 * and do_select loop: a last scan comes after the deadline. */
static long wait_ready(long (*scan)(void *set, struct poll_table *pt), void *set,
		       const struct timeout *t)
{
	for (;;) {
		struct poll_table pt = { .every_tick = false };
		long n = scan(set, &pt);
		u64 now = time_uptime_ns();
		if (n || (!t->forever && now >= t->end))
			return n;
		u64 ticks = pt.every_tick ? 1
			    : t->forever  ? 0
					  : MIN((t->end - now + TICK_NS - 1) / TICK_NS, MAX_SLEEP_TICKS);
		if (waitq_sleep(&poll_chan, ticks))
			return -EINTR;
	}
}

/* ---- poll and ppoll ---- */

struct pollfd {
	int fd;
	i16 events, revents;
};

struct poll_set {
	struct pollfd *fds; /* the caller's array, copied in */
	u32 nfds;
};

/* do_pollfd: nothing for a negative fd, POLLNVAL for one not open, else
 * the file's bits among those asked for, POLLERR and POLLHUP always. */
static u16 revents_of(const struct pollfd *p, struct poll_table *pt)
{
	if (p->fd < 0)
		return 0;
	struct file *f = fd_get((unsigned)p->fd);
	if (!f)
		return POLLNVAL;
	return (u16)(file_poll(f, pt) & ((u16)p->events | POLLERR | POLLHUP));
}

/* The entries with revents: how many. Each pollfd's revents is set in the
 * kernel's copy, which the caller writes back once the wait is over. */
static long poll_scan(void *set, struct poll_table *pt)
{
	const struct poll_set *s = set;
	long count = 0;
	for (u32 i = 0; i < s->nfds; i++) {
		s->fds[i].revents = (i16)revents_of(&s->fds[i], pt);
		count += s->fds[i].revents != 0;
	}
	return count;
}

/* Only revents goes back: fd and events stay as the caller has them now. */
static long store_revents(struct pollfd __user *ufds, const struct poll_set *s)
{
	for (u32 i = 0; i < s->nfds; i++)
		if (put_user(s->fds[i].revents, ufield(ufds + i, revents)))
			return -EFAULT;
	return 0;
}

/* do_sys_poll: EINVAL for nfds over RLIMIT_NOFILE, EFAULT if the array
 * cannot be read. The array is read once, before the first scan, and every
 * scan works on that copy: the caller's changes during the wait are not
 * seen (no double fetch, docs/uaccess.md). Every revents of the last scan
 * is written at the end (EFAULT if it cannot be), after an interrupted
 * wait too. */
static long poll_fds(struct pollfd __user *ufds, u32 nfds, const struct timeout *t)
{
	if (nfds > myproc()->rlim[RLIMIT_NOFILE].cur)
		return -EINVAL;
	size_t bytes = (size_t)nfds * sizeof(struct pollfd);
	struct poll_set s = { nfds ? kmalloc(bytes) : NULL, nfds };
	if (nfds && !s.fds)
		return -ENOMEM;
	long n = copy_from_user(s.fds, ufds, bytes) ? -EFAULT : wait_ready(poll_scan, &s, t);
	if (n != -EFAULT && store_revents(ufds, &s))
		n = -EFAULT; /* EFAULT wins over EINTR */
	kfree(s.fds);
	return n;
}

/* poll(fds, nfds, timeout): timeout in ms, negative for none. The count
 * of entries with revents; 0 when the time ran out. */
SYSCALL3(poll, struct pollfd __user *, ufds, u32, nfds, int, timeout_ms)
{
	struct timeout t = { .forever = true };
	if (timeout_ms >= 0)
		timeout_set(&t, timeout_ms / 1000, timeout_ms % 1000 * NSEC_PER_MSEC);
	return poll_fds(ufds, nfds, &t);
}

/* ppoll(fds, nfds, tsp, sigmask, sigsetsize): the timeout first (EFAULT,
 * EINVAL), then the mask (EINVAL unless sigsetsize is 8, EFAULT), then as
 * poll; the time left goes back to tsp. */
SYSCALL5(ppoll, struct pollfd __user *, ufds, u32, nfds, struct timespec64 __user *, tsp,
	 const u64 __user *, umask, size_t, sigsetsize)
{
	struct timeout t;
	u64 saved;
	long err = read_timespec(tsp, &t);
	if (err || (err = mask_swap(umask, sigsetsize, &saved)))
		return err;
	long ret = poll_fds(ufds, nfds, &t);
	mask_restore(saved, ret);
	return write_back_left(&t, tsp, false, ret);
}

/* ---- select and pselect6 ---- */

/* The sets asked for and the sets found, in select's order (read,
 * write, except), one bit per descriptor below n. */
struct select_set {
	int n;
	u64 want[3][FD_WORDS], found[3][FD_WORDS];
};

/* What each set takes from a file's POLL* bits (Linux's POLLIN_SET ...). */
static const u32 set_bits[3] = {
	POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR,
	POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR,
	POLLPRI,
};

static bool in_set(const u64 *set, int fd) { return set[fd / 64] & (1ul << (fd % 64)); }

static bool wanted(const struct select_set *s, int fd)
{
	return in_set(s->want[0], fd) || in_set(s->want[1], fd) || in_set(s->want[2], fd);
}

/* Each descriptor asked about: the bits found, and their count. A file
 * closed meanwhile (by another thread, later) is ready for nothing. */
static long select_scan(void *set, struct poll_table *pt)
{
	struct select_set *s = set;
	long count = 0;
	memset(s->found, 0, sizeof(s->found));
	for (int fd = 0; fd < s->n; fd++) {
		struct file *f = wanted(s, fd) ? fd_get((unsigned)fd) : NULL;
		u32 mask = f ? file_poll(f, pt) : 0;
		for (int k = 0; k < 3; k++) {
			if (in_set(s->want[k], fd) && (mask & set_bits[k])) {
				s->found[k][fd / 64] |= 1ul << (fd % 64);
				count++;
			}
		}
	}
	return count;
}

/* core_sys_select: EINVAL for n < 0; n beyond the descriptor table is cut
 * to it; the sets are read (get_fd_set: NULL is empty, else EFAULT), every
 * descriptor in them must be open (EBADF), and the sets found replace them
 * (EFAULT) unless interrupted. The count of bits found, in all three. */
static long select_fds(int n, u64 __user *usets[3], const struct timeout *t)
{
	struct select_set s = { .n = MIN(n, NOFILE) };
	if (n < 0)
		return -EINVAL;
	size_t bytes = (size_t)(s.n + 63) / 64 * 8;
	for (int k = 0; k < 3; k++)
		if (usets[k] && copy_from_user(s.want[k], usets[k], bytes))
			return -EFAULT;
	for (int fd = 0; fd < s.n; fd++)
		if (wanted(&s, fd) && !fd_get((unsigned)fd))
			return -EBADF;
	long ret = wait_ready(select_scan, &s, t);
	if (ret < 0)
		return ret;
	for (int k = 0; k < 3; k++)
		if (usets[k] && copy_to_user(usets[k], s.found[k], bytes))
			return -EFAULT;
	return ret;
}

/* select(n, in, out, ex, tv): tv is normalised as Linux does (whole
 * seconds in tv_usec carried over), negative values are EINVAL; the time
 * left goes back to tv, whatever the result. */
SYSCALL5(select, int, n, u64 __user *, uin, u64 __user *, uout, u64 __user *, uex,
	 struct timeval __user *, utv)
{
	struct timeout t = { .forever = true };
	if (utv) {
		struct timeval tv;
		if (copy_from_user(&tv, utv, sizeof(tv)))
			return -EFAULT;
		i64 sec = (i64)((u64)tv.tv_sec + (u64)(tv.tv_usec / USEC_PER_SEC)); /* wraps as Linux's */
		long err = timeout_set(&t, sec, tv.tv_usec % USEC_PER_SEC * NSEC_PER_USEC);
		if (err)
			return err;
	}
	u64 __user *sets[3] = { uin, uout, uex };
	return write_back_left(&t, utv, true, select_fds(n, sets, &t));
}

/* pselect6's sixth argument: where the mask is and its size. */
struct sigset_argpack {
	const u64 __user *mask;
	size_t size;
};

/* pselect6(n, in, out, ex, tsp, sig): the mask and its size are read
 * first (EFAULT), then the timeout, then the mask as ppoll's. */
SYSCALL6(pselect6, int, n, u64 __user *, uin, u64 __user *, uout, u64 __user *, uex,
	 struct timespec64 __user *, tsp, const struct sigset_argpack __user *, usig)
{
	struct sigset_argpack x = { NULL, 0 };
	struct timeout t;
	u64 saved;
	if (usig && copy_from_user(&x, usig, sizeof(x)))
		return -EFAULT;
	long err = read_timespec(tsp, &t);
	if (err || (err = mask_swap(x.mask, x.size, &saved)))
		return err;
	u64 __user *sets[3] = { uin, uout, uex };
	long ret = select_fds(n, sets, &t);
	mask_restore(saved, ret);
	return write_back_left(&t, tsp, false, ret);
}
