/* kernel/drivers/tty.c — the console as a terminal, the way Linux's tty
 * layer makes one: /dev/console and /dev/tty read and write through the
 * line discipline (kernel/drivers/ldisc.c), and the terminal belongs to at
 * most one session, whose foreground process group gets the signals typed
 * (^C, ^\, ^Z) and may read; a background group that reads gets SIGTTIN,
 * one that writes with TOSTOP or changes the settings gets SIGTTOU
 * (drivers/tty/tty_jobctrl.c's rules and errnos, in Linux's order).
 *
 * Which processes have it as controlling terminal: those of the session
 * it belongs to (sid == session), but one that let go of it with
 * TIOCNOTTY (no_ctty). A session leader takes it with
 * TIOCSCTTY; opening /dev/console never makes it one's controlling
 * terminal, as in Linux. When the leader's process ends, the foreground
 * group gets SIGHUP and the terminal is free again.
 *
 * Input comes without interrupts (the UART is polled, the keyboard's IRQ
 * only fills a queue): the scheduler calls tty_input once a tick, so
 * typed bytes are echoed and ^C is acted on within a tick, whether or not
 * anyone reads. */
#include "kernel/drivers/tty.h"
#include "arch/pit.h"
#include "kernel/drivers/console.h"
#include "kernel/drivers/ldisc.h"
#include "kernel/errno.h"
#include "kernel/fs/dev.h"
#include "kernel/fs/file.h"
#include "kernel/fs/poll.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/wait.h"

/* ioctl numbers (include/uapi/asm-generic/ioctls.h) */
#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TCSBRK 0x5409
#define TCXONC 0x540a
#define TCFLSH 0x540b
#define TIOCSCTTY 0x540e
#define TIOCGPGRP 0x540f
#define TIOCSPGRP 0x5410
#define TIOCOUTQ 0x5411
#define TIOCSTI 0x5412
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD 0x541b
#define TIOCNOTTY 0x5422
#define TCSBRKP 0x5425
#define TIOCGSID 0x5429
#define TCIFLUSH 0
#define TCIOFLUSH 2
#define TCION 3 /* TCXONC's largest argument */

#define TTY_WRITE_CHUNK 2048 /* Linux's default tty write buffer */
#define CONSOLE_ROWS 25
#define CONSOLE_COLS 80

struct winsize {
	u16 ws_row, ws_col, ws_xpixel, ws_ypixel;
};

static struct {
	struct ldisc ld;
	int session;       /* the session it is the controlling terminal of, 0: none */
	int pgrp;          /* its foreground process group, 0: none */
	struct winsize ws;
} tty;

void tty_init(void)
{
	ldisc_init(&tty.ld, console_put);
	tty.ws = (struct winsize){ .ws_row = CONSOLE_ROWS, .ws_col = CONSOLE_COLS };
}

/* Every process of group pgid, as the kernel sends (SI_KERNEL: Linux's
 * kill_pgrp with priv set); no group, nobody. */
static void signal_pgrp(int pgid, int sig)
{
	struct ksiginfo info = { .signo = sig, .code = SI_KERNEL };
	if (!pgid)
		return;
	for_each_proc(p)
		if (p->pgid == pgid && p == p->leader)
			send_sig_info(p, sig, &info, false);
}

/* Readiness changed: readers and pollers look again. */
static void input_changed(void)
{
	wakeup(&tty);
	poll_wake();
}

/* One byte as if typed: through the line discipline, which may answer
 * with a signal for the foreground group (^C, ^\\, ^Z). */
static void receive(u8 c)
{
	int sig = ldisc_receive(&tty.ld, c);
	if (sig)
		signal_pgrp(tty.pgrp, sig);
}

void tty_input(void)
{
	bool got = false;
	for (int c; (c = console_getc()) >= 0; got = true)
		receive((u8)c);
	if (got)
		input_changed();
}

static bool is_ctty(const struct proc *p)
{
	return tty.session && p->sid == tty.session && !p->no_ctty;
}

static bool session_leader(const struct proc *p)
{
	return p->sid == p->tgid;
}

/* The foreground group and the session go; the group hears SIGHUP, and
 * SIGCONT unless the leader is exiting (Linux's disassociate_ctty). */
static void disassociate(bool on_exit)
{
	signal_pgrp(tty.pgrp, SIGHUP);
	if (!on_exit)
		signal_pgrp(tty.pgrp, SIGCONT);
	tty.session = tty.pgrp = 0;
}

void tty_exit(struct proc *p)
{
	if (session_leader(p) && is_ctty(p))
		disassociate(true);
}

/* Linux's __tty_check_change: may the caller (reading: SIGTTIN; writing
 * with TOSTOP or changing the settings: SIGTTOU) use its controlling
 * terminal from a background group? 0 yes; a blocked or ignored SIGTTIN
 * is -EIO (SIGTTOU: yes), an orphaned group -EIO (nobody would continue
 * it), else the whole group gets the signal and the call is restarted
 * after it (-ERESTARTSYS). */
static int job_control(int sig)
{
	struct proc *me = myproc();
	if (!is_ctty(me) || !tty.pgrp || me->pgid == tty.pgrp)
		return 0;
	if ((me->sigmask & sigbit(sig)) || signal_ignored(me, sig))
		return sig == SIGTTIN ? -EIO : 0;
	if (pgrp_orphaned(me->pgid))
		return -EIO;
	signal_pgrp(me->pgid, sig);
	return -ERESTARTSYS;
}

/* ---- read, write, poll ---- */

/* n_tty_read: canonical mode takes one line (or its part that fits);
 * otherwise VMIN bytes, VTIME tenths of a second apart (VMIN > 0) or in
 * all (VMIN 0). Bytes read before a signal or the time limit are the
 * result; none, -ERESTARTSYS or 0. */
static long tty_read(struct file *f, struct uio *u, UNUSED u64 *pos)
{
	int err = job_control(SIGTTIN);
	if (err)
		return err;
	const struct termios *t = &tty.ld.tio;
	bool canon = t->c_lflag & ICANON, timed = false;
	u64 vtime = (u64)t->c_cc[VTIME] * HZ / 10, deadline = 0;
	size_t minimum = canon ? 1 : t->c_cc[VMIN], done = 0;
	if (!canon && !minimum) {
		minimum = 1, timed = true;
		deadline = ticks() + vtime;
	}
	char kbuf[256];
	while (u->resid) {
		if (!ldisc_readable(&tty.ld, 1)) {
			if (timed && ticks() >= deadline)
				break;
			if (uio_nowait(f, u)) {
				err = -EAGAIN;
				break;
			}
			if (sleep_on(&tty, timed ? deadline - ticks() : 0)) {
				err = -ERESTARTSYS;
				break;
			}
			continue;
		}
		bool line_end;
		size_t n = ldisc_read(&tty.ld, kbuf, MIN(sizeof(kbuf), u->resid), &line_end);
		size_t copied = uio_copy_out(u, kbuf, n);
		done += copied;
		if (copied < n || (canon && line_end) || (!canon && done >= minimum))
			break;
		if (!canon && vtime) /* VMIN and VTIME: the time runs between bytes */
			timed = true, deadline = ticks() + vtime;
	}
	return done ? (long)done : u->fault ? -EFAULT : err;
}

/* As Linux's tty write: the buffer goes through in chunks, and a chunk that
 * faults part way is dropped whole; the chunks before it count. */
static long tty_write(UNUSED struct file *f, struct uio *u, UNUSED u64 *pos)
{
	if (tty.ld.tio.c_lflag & TOSTOP) {
		int err = job_control(SIGTTOU);
		if (err)
			return err;
	}
	char chunk[TTY_WRITE_CHUNK];
	size_t done = 0;
	while (u->resid) {
		size_t want = MIN(u->resid, sizeof(chunk));
		if (uio_copy_in(u, chunk, want) != want)
			break;
		ldisc_write(&tty.ld, chunk, want);
		done += want;
	}
	return uio_result(u, done);
}

/* n_tty_poll: readable when a read would not wait (VMIN bytes when VTIME
 * is 0), always writable. tty_input wakes pollers when input comes. */
static u32 tty_poll(UNUSED struct file *f, UNUSED struct poll_table *pt)
{
	const struct termios *t = &tty.ld.tio;
	size_t min = !t->c_cc[VTIME] && t->c_cc[VMIN] ? t->c_cc[VMIN] : 1;
	return (ldisc_readable(&tty.ld, min) ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM;
}

/* ---- ioctl ---- */

static long put_int(u64 arg, int v)
{
	return copy_to_user(uptr(arg), &v, sizeof(v)) ? -EFAULT : 0;
}

/* TCSETS, and TCSETSW / TCSETSF, which first wait for output to drain (it
 * never waits here) and TCSETSF also throws typed input away. */
static long set_termios(u32 cmd, u64 arg)
{
	int err = job_control(SIGTTOU);
	if (err)
		return err;
	struct termios t;
	if (copy_from_user(&t, uptr(arg), sizeof(t)))
		return -EFAULT;
	if (cmd == TCSETSF)
		ldisc_flush_input(&tty.ld);
	ldisc_set_termios(&tty.ld, &t);
	input_changed();
	return 0;
}

/* A changed size tells the foreground group (SIGWINCH), as tty_do_resize. */
static long set_winsize(u64 arg)
{
	struct winsize ws;
	if (copy_from_user(&ws, uptr(arg), sizeof(ws)))
		return -EFAULT;
	if (ws.ws_row != tty.ws.ws_row || ws.ws_col != tty.ws.ws_col ||
	    ws.ws_xpixel != tty.ws.ws_xpixel || ws.ws_ypixel != tty.ws.ws_ypixel) {
		tty.ws = ws;
		signal_pgrp(tty.pgrp, SIGWINCH);
	}
	return 0;
}

/* A process with this pgid, else one with this pid (Linux finds the pid
 * and takes the session of its group, or of the process), or NULL. */
static struct proc *pgrp_holder(int pgrp)
{
	for_each_proc(p)
		if (p->pgid == pgrp)
			return p;
	return proc_find(pgrp);
}

/* tiocspgrp: only in the caller's session, on its controlling terminal. */
static long set_pgrp(u64 arg)
{
	struct proc *me = myproc();
	int err = job_control(SIGTTOU), pgrp;
	if (err)
		return err == -EIO ? -ENOTTY : err;
	if (copy_from_user(&pgrp, uptr(arg), sizeof(pgrp)))
		return -EFAULT;
	if (pgrp < 0)
		return -EINVAL;
	if (!is_ctty(me))
		return -ENOTTY;
	struct proc *g = pgrp ? pgrp_holder(pgrp) : NULL;
	if (!g)
		return -ESRCH;
	if (g->sid != me->sid)
		return -EPERM;
	tty.pgrp = pgrp;
	return 0;
}

/* tiocsctty: a session leader without a controlling terminal takes this
 * one if no session has it, or (arg 1, CAP_SYS_ADMIN) steals it; a file
 * not open for reading needs CAP_SYS_ADMIN too. Asking again is 0. */
static long set_ctty(struct file *f, u64 arg)
{
	struct proc *me = myproc();
	if (session_leader(me) && is_ctty(me))
		return 0;
	if (!session_leader(me))
		return -EPERM;
	if (tty.session && !(arg == 1 && capable(me, CAP_SYS_ADMIN)))
		return -EPERM;
	if (!file_readable(f) && !capable(me, CAP_SYS_ADMIN))
		return -EPERM;
	tty.session = me->sid;
	tty.pgrp = me->pgid;
	return 0;
}

/* TIOCNOTTY: the session leader gives the terminal up (SIGHUP and SIGCONT
 * to the foreground group); anyone else in the session lets go of it for
 * its own process only. ENOTTY if it is not the caller's terminal. */
static long drop_ctty(void)
{
	struct proc *me = myproc();
	if (!is_ctty(me))
		return -ENOTTY;
	if (session_leader(me)) {
		disassociate(false);
		return 0;
	}
	/* Linux's proc_clear_tty: this process alone lets go of the terminal;
	 * the session keeps it, and nobody hears SIGHUP. */
	for_each_proc(t)
		if (t->tgid == me->tgid)
			t->no_ctty = true;
	return 0;
}

/* The settings calls that a background group may not make unasked:
 * TCFLSH and TCXONC take their argument's range after that. */
static long flow_or_flush(u32 cmd, u64 arg)
{
	int err = job_control(SIGTTOU);
	if (err)
		return err;
	if (cmd == TCXONC)
		return arg <= TCION ? 0 : -EINVAL;
	if (arg > TCIOFLUSH)
		return -EINVAL;
	if (arg != 1) /* TCIFLUSH or TCIOFLUSH; output is never queued */
		ldisc_flush_input(&tty.ld);
	return 0;
}

/* TIOCSTI: the byte at arg goes in as if typed (Linux's tiocsti): only
 * into one's controlling terminal unless CAP_SYS_ADMIN (EPERM); EFAULT
 * for a bad pointer. */
static long simulate_input(u64 arg)
{
	struct proc *me = myproc();
	u8 c;
	if (!is_ctty(me) && !capable(me, CAP_SYS_ADMIN))
		return -EPERM;
	if (get_user(c, (u8 __user *)uptr(arg)))
		return -EFAULT;
	receive(c);
	input_changed();
	return 0;
}

/* Unknown commands are -ENOTTY, as tty_ioctl turns them; the job-control
 * queries answer only the terminal's own session (-ENOTTY). */
static long tty_ioctl(struct file *f, u32 cmd, u64 arg)
{
	struct proc *me = myproc();
	switch (cmd) {
	case TCGETS:
		return copy_to_user(uptr(arg), &tty.ld.tio, sizeof(tty.ld.tio)) ? -EFAULT : 0;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		return set_termios(cmd, arg);
	case TIOCGWINSZ:
		return copy_to_user(uptr(arg), &tty.ws, sizeof(tty.ws)) ? -EFAULT : 0;
	case TIOCSWINSZ:
		return set_winsize(arg);
	case TIOCGPGRP:
		return is_ctty(me) ? put_int(arg, tty.pgrp) : -ENOTTY;
	case TIOCSPGRP:
		return set_pgrp(arg);
	case TIOCGSID:
		return is_ctty(me) ? put_int(arg, tty.session) : -ENOTTY;
	case TIOCSCTTY:
		return set_ctty(f, arg);
	case TIOCNOTTY:
		return drop_ctty();
	case FIONREAD:
		return put_int(arg, (int)ldisc_inq(&tty.ld));
	case TIOCSTI:
		return simulate_input(arg);
	case TIOCOUTQ:
		return put_int(arg, 0); /* output is written out at once */
	case TCFLSH:
	case TCXONC:
		return flow_or_flush(cmd, arg);
	case TCSBRK:
	case TCSBRKP: /* tcdrain, tcsendbreak: nothing waits to be sent, a UART break is not sent */
		return job_control(SIGTTOU);
	}
	return -ENOTTY;
}

/* /dev/tty is the caller's controlling terminal: without one, ENXIO. */
static int tty_open(UNUSED struct file *f)
{
	return is_ctty(myproc()) ? 0 : -ENXIO;
}

const struct devops console_ops = { .read = tty_read, .write = tty_write, .ioctl = tty_ioctl,
				    .poll = tty_poll };
const struct devops tty_ops = { .read = tty_read, .write = tty_write, .ioctl = tty_ioctl,
				.poll = tty_poll, .open = tty_open };
