/* user/bk11_jobtty.c — job control on a terminal, black-box against Linux
 * (breaker11): controlling terminals (setsid, TIOCSCTTY and its EPERMs,
 * stealing, /dev/tty and ENXIO, TIOCNOTTY), the foreground group
 * (TIOCGPGRP/TIOCSPGRP/TIOCGSID and their errors), what a background group
 * gets for reading (SIGTTIN, EIO when ignored, blocked or orphaned, EINTR
 * with a handler), for writing with TOSTOP and for changing the settings
 * (SIGTTOU), SIGWINCH, and the SIGHUP the foreground group gets when its
 * session leader ends. The rules are drivers/tty/tty_jobctrl.c's and POSIX's
 * (General Terminal Interface, 11.1.3-11.1.4). The terminal is a pty slave
 * on Linux, the console on faultline (user/bk11.h); every case runs in a
 * session of its own, in children.
 */
#include <poll.h>

#include "bk11.h"

static int tfd; /* the terminal, opened O_NOCTTY by the test process */
static pid_t outsider; /* a group of the test process's session, not the cases' */

static volatile sig_atomic_t hups, conts, ttins, winches;
static void on_hup(int s) { (void)s; hups++; }
static void on_cont(int s) { (void)s; conts++; }
static void on_ttin(int s) { (void)s; ttins++; }
static void on_winch(int s) { (void)s; winches++; }

static void handle(int sig, void (*fn)(int))
{
	struct sigaction sa = { 0 };

	sa.sa_handler = fn; /* no SA_RESTART */
	sigaction(sig, &sa, NULL);
}

static void block(int sig)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, sig);
	sigprocmask(SIG_BLOCK, &s, NULL);
}

/* ---- no controlling terminal -------------------------------------------- */

static int no_ctty(void *a)
{
	(void)a;
	pid_t me = getpid();
	int pg;

	EXPECT(setsid() == me, "setsid returns the caller's pid");
	EXPECT(getsid(0) == me && getpgrp() == me, "new session and group named after the caller");
	EXPECT_ERR(setsid(), EPERM, "setsid by a session leader");
	EXPECT_ERR(open("/dev/tty", O_RDWR), ENXIO, "open /dev/tty without a controlling terminal");
	EXPECT_ERR(ioctl(tfd, TIOCGPGRP, &pg), ENOTTY, "TIOCGPGRP on a terminal that is not ours");
	EXPECT_ERR(ioctl(tfd, TIOCGSID, &pg), ENOTTY, "TIOCGSID on a terminal that is not ours");
	EXPECT_ERR(ioctl(tfd, TIOCNOTTY), ENOTTY, "TIOCNOTTY on a terminal that is not ours");
	pg = -1;
	EXPECT_ERR(ioctl(tfd, TIOCSPGRP, &pg), EINVAL, "TIOCSPGRP -1, not our terminal (EINVAL first)");
	pg = me;
	EXPECT_ERR(ioctl(tfd, TIOCSPGRP, &pg), ENOTTY, "TIOCSPGRP own group, not our terminal");
	return 0;
}

static int not_leader(void *a)
{
	(void)a;
	EXPECT_ERR(ioctl(tfd, TIOCSCTTY, 0), EPERM, "TIOCSCTTY by a process that is not a session leader");
	EXPECT(setpgid(0, 0) == 0, "setpgid(0, 0)");
	EXPECT_ERR(ioctl(tfd, TIOCSCTTY, 0), EPERM, "TIOCSCTTY by a group leader that is no session leader");
	EXPECT_ERR(ioctl(tfd, TIOCSCTTY, 1), EPERM, "TIOCSCTTY 1 (steal) by a non-leader");
	return 0;
}

/* ---- taking the terminal ---------------------------------------------------- */

static int takes(void *a)
{
	(void)a;
	int fd = become_leader(), v = 0;
	pid_t me = getpid();

	EXPECT(fd >= 0, "become leader");
	EXPECT(ioctl(fd, TIOCGPGRP, &v) == 0 && v == me, "TIOCGPGRP is the leader's group (%d)", v);
	v = 0;
	EXPECT(ioctl(tfd, TIOCGSID, &v) == 0 && v == me, "TIOCGSID on another fd is the session (%d)", v);
	int t = open("/dev/tty", O_RDWR);
	EXPECT(t >= 0, "open /dev/tty with a controlling terminal");
	struct kterm k;
	EXPECT(kget(t, &k) == 0 && isatty(t), "/dev/tty is a terminal");
	v = 0;
	EXPECT(ioctl(t, TIOCGSID, &v) == 0 && v == me, "TIOCGSID through /dev/tty");
	struct winsize w1, w2;
	EXPECT(ioctl(t, TIOCGWINSZ, &w1) == 0 && ioctl(fd, TIOCGWINSZ, &w2) == 0 &&
	       !memcmp(&w1, &w2, sizeof w1), "/dev/tty has the terminal's window size");
	EXPECT(ioctl(fd, TIOCSCTTY, 0) == 0, "TIOCSCTTY again on our own terminal");
	EXPECT_ERR(ioctl(fd, TIOCGPGRP, NULL), EFAULT, "TIOCGPGRP NULL");
	EXPECT_ERR(ioctl(fd, TIOCGSID, NULL), EFAULT, "TIOCGSID NULL");
	EXPECT_ERR(ioctl(fd, TIOCSPGRP, NULL), EFAULT, "TIOCSPGRP NULL");
	return 0;
}

static int stealer(void *fds_)
{
	int *fds = fds_; /* [0] read: "done", [1] write: "stolen" */

	EXPECT(setsid() > 0, "setsid");
	EXPECT_ERR(ioctl(tfd, TIOCSCTTY, 0), EPERM, "TIOCSCTTY 0 on another session's terminal");
	EXPECT(ioctl(tfd, TIOCSCTTY, 1) == 0, "TIOCSCTTY 1 steals it (root)");
	int v = 0;
	EXPECT(ioctl(tfd, TIOCGSID, &v) == 0 && v == getpid(), "the stealer's session has it");
	write(fds[1], "s", 1);
	char c;
	read(fds[0], &c, 1);
	return 0;
}

static int steal(void *a)
{
	(void)a;
	int fd = become_leader(), up[2], down[2], v;
	char c;

	EXPECT(fd >= 0 && pipe(up) == 0 && pipe(down) == 0, "setup");
	int fds[2] = { down[0], up[1] };
	pid_t s = spawn(stealer, fds);
	EXPECT(read(up[0], &c, 1) == 1, "the stealer took the terminal");
	EXPECT_ERR(ioctl(fd, TIOCGPGRP, &v), ENOTTY, "TIOCGPGRP by the session it was stolen from");
	EXPECT_ERR(open("/dev/tty", O_RDWR), ENXIO, "open /dev/tty after it was stolen");
	write(down[1], "d", 1);
	int st = reap(s);
	char sub[256];
	snprintf(sub, sizeof sub, "%s", why);
	EXPECT(st == 0, "stealer: %s: %s", status_name(st), sub);
	return 0;
}

/* ---- the foreground group ------------------------------------------------------ */

static int nothing(void *a) { (void)a; return 0; }

static int dead_pid(void)
{
	pid_t p = spawn(nothing, NULL);

	reap(p);
	return p;
}

static int spgrp(void *a)
{
	(void)a;
	int fd = become_leader(), pp[2], v;

	EXPECT(fd >= 0 && pipe(pp) == 0, "setup");
	pid_t g = spawn(until_eof, pp);
	setpgid(g, g);
	v = -5;
	EXPECT_ERR(ioctl(fd, TIOCSPGRP, &v), EINVAL, "TIOCSPGRP -5");
	v = dead_pid();
	EXPECT_ERR(ioctl(fd, TIOCSPGRP, &v), ESRCH, "TIOCSPGRP to a group that does not exist");
	v = outsider;
	EXPECT_ERR(ioctl(fd, TIOCSPGRP, &v), EPERM, "TIOCSPGRP to another session's group");
	v = g;
	EXPECT(ioctl(fd, TIOCSPGRP, &v) == 0, "TIOCSPGRP to our child's group");
	v = 0;
	EXPECT(ioctl(fd, TIOCGPGRP, &v) == 0 && v == g, "TIOCGPGRP from the background says it (%d)", v);
	EXPECT(tcgetpgrp(fd) == g, "tcgetpgrp agrees");
	signal(SIGTTOU, SIG_IGN);
	v = getpgrp();
	EXPECT(ioctl(fd, TIOCSPGRP, &v) == 0, "TIOCSPGRP back from the background, SIGTTOU ignored");
	signal(SIGTTOU, SIG_DFL);
	close(pp[1]);
	reap(g);
	v = g;
	EXPECT_ERR(ioctl(fd, TIOCSPGRP, &v), ESRCH, "TIOCSPGRP to the group once its only member is gone");
	return 0;
}

/* ---- background groups ------------------------------------------------------------- */

enum bg_what { READ_DFL, READ_IGN, READ_BLOCKED, READ_HANDLER, WRITE_TOSTOP, WRITE_TOSTOP_IGN,
	       WRITE_PLAIN, TCSETS_DFL, TCSETS_IGN, TCSETS_BLOCKED, TCFLSH_DFL, SPGRP_DFL,
	       GETS_SWINSZ };
static const char *const bg_names[] = {
	"background read -> stopped by SIGTTIN",
	"background read, SIGTTIN ignored -> EIO",
	"background read, SIGTTIN blocked -> EIO",
	"background read, SIGTTIN handled (no SA_RESTART) -> EINTR after the handler",
	"background write with TOSTOP -> stopped by SIGTTOU",
	"background write with TOSTOP, SIGTTOU ignored -> written",
	"background write without TOSTOP -> written",
	"background TCSETS -> stopped by SIGTTOU",
	"background TCSETS, SIGTTOU ignored -> 0",
	"background TCSETS, SIGTTOU blocked -> 0",
	"background TCFLSH -> stopped by SIGTTOU",
	"background TIOCSPGRP -> stopped by SIGTTOU",
	"background TCGETS, TIOCGWINSZ, TIOCSWINSZ -> no signal",
};

static int bg_child(void *w_)
{
	enum bg_what w = *(enum bg_what *)w_;
	char buf[8], msg[] = "# bk11_jobtty: background write\n";
	struct kterm k;
	struct winsize ws;
	int v = getpgrp();
	long r;

	setpgid(0, 0);
	switch (w) {
	case READ_IGN: signal(SIGTTIN, SIG_IGN); break;
	case READ_BLOCKED: block(SIGTTIN); break;
	case READ_HANDLER: handle(SIGTTIN, on_ttin); break;
	case WRITE_TOSTOP_IGN: case TCSETS_IGN: signal(SIGTTOU, SIG_IGN); break;
	case TCSETS_BLOCKED: block(SIGTTOU); break;
	default: break;
	}
	errno = 0;
	switch (w) {
	case READ_DFL: case READ_IGN: case READ_BLOCKED: case READ_HANDLER:
		r = read(tfd, buf, sizeof buf);
		if (w == READ_HANDLER)
			return r == -1 && errno == EINTR && ttins == 1 ? 0 : 1;
		return r == -1 && errno == EIO ? 0 : 1;
	case WRITE_TOSTOP: case WRITE_TOSTOP_IGN: case WRITE_PLAIN:
		return write(tfd, msg, sizeof msg - 1) == sizeof msg - 1 ? 0 : 1;
	case TCSETS_DFL: case TCSETS_IGN: case TCSETS_BLOCKED:
		kget(tfd, &k);
		return kset(tfd, TCSETSW, &k) == 0 ? 0 : 1;
	case TCFLSH_DFL:
		return ioctl(tfd, TCFLSH, TCIFLUSH) == 0 ? 0 : 1;
	case SPGRP_DFL:
		v = getpgrp();
		return ioctl(tfd, TIOCSPGRP, &v) == 0 ? 0 : 1;
	case GETS_SWINSZ:
		r = kget(tfd, &k) | ioctl(tfd, TIOCGWINSZ, &ws) | ioctl(tfd, TIOCSWINSZ, &ws);
		return r == 0 ? 0 : 1;
	}
	return 2;
}

static int background(void *w_)
{
	enum bg_what w = *(enum bg_what *)w_;
	int fd = become_leader(), st;
	struct kterm k, tostop;

	EXPECT(fd >= 0, "become leader");
	kget(fd, &k);
	tostop = k;
	tostop.lflag |= TOSTOP;
	if (w == WRITE_TOSTOP || w == WRITE_TOSTOP_IGN)
		kset(fd, TCSETS, &tostop);
	pid_t b = spawn(bg_child, w_);
	setpgid(b, b);
	EXPECT(waitpid(b, &st, WUNTRACED) == b, "waitpid");
	kset(fd, TCSETS, &k);
	bool stops = w == READ_DFL || w == WRITE_TOSTOP || w == TCSETS_DFL || w == TCFLSH_DFL ||
		     w == SPGRP_DFL;
	if (stops) {
		int sig = w == READ_DFL ? SIGTTIN : SIGTTOU;
		EXPECT(WIFSTOPPED(st) && WSTOPSIG(st) == sig, "the child %s, not stopped by %s",
		       status_name(st), sig == SIGTTIN ? "SIGTTIN" : "SIGTTOU");
		kill(b, SIGKILL);
		waitpid(b, &st, 0);
	} else {
		EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child: %s%s", status_name(st),
		       WIFSTOPPED(st) ? " (stopped)" : "");
	}
	return 0;
}

/* A background group whose parent has left the session's other groups:
 * orphaned, so SIGTTIN is not sent and the read is EIO. */
static int orphan_reader(void *p)
{
	int *pp = p;
	char c, buf[4];
	pid_t parent = getppid();

	close(pp[0]);
	for (int i = 0; i < 500 && getppid() == parent; i++)
		msleep(10);
	errno = 0;
	long r = read(tfd, buf, sizeof buf);
	c = r == -1 && errno == EIO ? 'E' : r == -1 ? 'e' : 'r';
	write(pp[1], &c, 1);
	return 0;
}

static int orphan_parent(void *p)
{
	setpgid(0, 0);
	spawn(orphan_reader, p);
	return 0;
}

static int orphaned(void *a)
{
	(void)a;
	int fd = become_leader(), pp[2];
	char c = '?';

	EXPECT(fd >= 0 && pipe(pp) == 0, "setup");
	EXPECT(reap(spawn(orphan_parent, pp)) == 0, "middle process");
	close(pp[1]);
	struct pollfd q = { pp[0], POLLIN, 0 };
	EXPECT(poll(&q, 1, 10000) == 1 && read(pp[0], &c, 1) == 1,
	       "the orphan's answer (none: it hangs or stopped)");
	EXPECT(c == 'E', "orphaned background read: '%c' (E = EIO, e = other error, r = read)", c);
	return 0;
}

/* ---- window size ------------------------------------------------------------------ */

static int winch(void *a)
{
	(void)a;
	int fd = become_leader();
	struct winsize old, w;

	EXPECT(fd >= 0, "become leader");
	handle(SIGWINCH, on_winch);
	ioctl(fd, TIOCGWINSZ, &old);
	w = old;
	w.ws_row = old.ws_row == 40 ? 41 : 40;
	EXPECT(ioctl(fd, TIOCSWINSZ, &w) == 0, "TIOCSWINSZ");
	EXPECT(winches == 1, "SIGWINCH to the foreground group after a change (%d)", winches);
	EXPECT(ioctl(fd, TIOCSWINSZ, &w) == 0, "TIOCSWINSZ the same size");
	EXPECT(winches == 1, "no SIGWINCH when nothing changed (%d)", winches);
	w.ws_xpixel++;
	EXPECT(ioctl(fd, TIOCSWINSZ, &w) == 0 && winches == 2,
	       "SIGWINCH when only the pixel width changed (%d)", winches);
	ioctl(fd, TIOCSWINSZ, &old);
	return 0;
}

/* ---- the session leader goes ------------------------------------------------------- */

static int fg_member(void *p)
{
	int *pp = p; /* [0] read end of "ready", [1] its write end; [2] the report */
	int v;

	setpgid(0, 0);
	handle(SIGHUP, on_hup);
	handle(SIGCONT, on_cont);
	write(pp[1], "r", 1);
	for (int i = 0; i < 500 && !hups; i++)
		msleep(10);
	char rep[4] = { hups ? 'H' : 'h', conts ? 'C' : 'c', 'x', 'x' };
	msleep(50);
	rep[2] = ioctl(tfd, TIOCGPGRP, &v) == -1 && errno == ENOTTY ? 'N' : 'n';
	rep[3] = open("/dev/tty", O_RDWR) == -1 && errno == ENXIO ? 'X' : 'x';
	write(pp[2], rep, 4);
	return 0;
}

static int bg_member(void *p)
{
	int *pp = p;

	handle(SIGHUP, on_hup);
	pid_t parent = getppid();
	write(pp[1], "r", 1);
	for (int i = 0; i < 500 && getppid() == parent; i++)
		msleep(10);
	msleep(200);
	write(pp[3], hups ? "H" : "h", 1);
	return 0;
}

static int leader_goes(void *p)
{
	int *pp = p, v;
	char c;
	int fd = become_leader();

	if (fd < 0)
		return 1;
	pid_t f = spawn(fg_member, pp);
	setpgid(f, f);
	spawn(bg_member, pp);
	read(pp[0], &c, 1);
	read(pp[0], &c, 1);
	v = f;
	return ioctl(fd, TIOCSPGRP, &v) == 0 ? 0 : 2;
}

static void session_end(void)
{
	int pp[4], rep[2];
	char r[8] = { 0 };

	if (pipe(pp) || pipe(rep))
		bail("pipe");
	pp[2] = rep[1];
	int bgp[2];
	if (pipe(bgp))
		bail("pipe");
	pp[3] = bgp[1];
	int st = reap(spawn(leader_goes, pp));
	tap_status(st, EXITED(0), "session leader made a child's group the foreground, then exited");
	close(rep[1]);
	close(bgp[1]);
	struct pollfd q = { rep[0], POLLIN, 0 };
	long n = poll(&q, 1, 10000) == 1 ? read(rep[0], r, 4) : 0;
	tap_ok(n == 4 && r[0] == 'H', "foreground group got SIGHUP when the leader exited");
	tap_ok(n == 4 && r[2] == 'N', "... after which TIOCGPGRP is ENOTTY for it");
	tap_ok(n == 4 && r[3] == 'X', "... and opening /dev/tty is ENXIO");
	/* r[1], SIGCONT, is not compared: Linux sends it with the hangup of a
	 * real terminal, not to a pty's group (disassociate_ctty). */
	if (n != 4 || r[0] != 'H' || memcmp(r + 2, "NX", 2))
		tap_diag("report '%.4s' (%ld bytes; lower case = not so)", r, n);
	q.fd = bgp[0];
	n = poll(&q, 1, 10000) == 1 ? read(bgp[0], r, 1) : 0;
	tap_ok(n == 1 && r[0] == 'h', "a background group of that session got no SIGHUP");
	for (int i = 0; i < 4; i++)
		close(i < 2 ? pp[i] : i == 2 ? rep[0] : bgp[0]);
}

static int free_again(void *a)
{
	(void)a;
	EXPECT(setsid() > 0, "setsid");
	EXPECT(ioctl(tfd, TIOCSCTTY, 0) == 0, "TIOCSCTTY 0 once the last session's leader is gone");
	return 0;
}

/* ---- TIOCNOTTY ------------------------------------------------------------------------ */

static int notty_leader(void *a)
{
	(void)a;
	int fd = become_leader(), v;

	EXPECT(fd >= 0, "become leader");
	handle(SIGHUP, on_hup);
	handle(SIGCONT, on_cont);
	EXPECT(ioctl(fd, TIOCNOTTY) == 0, "TIOCNOTTY by the session leader");
	EXPECT(hups == 1 && conts == 1, "its foreground group (its own) got SIGHUP and SIGCONT (%d, %d)",
	       hups, conts);
	EXPECT_ERR(ioctl(fd, TIOCGPGRP, &v), ENOTTY, "TIOCGPGRP after TIOCNOTTY");
	EXPECT_ERR(open("/dev/tty", O_RDWR), ENXIO, "open /dev/tty after TIOCNOTTY");
	EXPECT(ioctl(fd, TIOCSCTTY, 0) == 0, "the leader can take it again");
	return 0;
}

static int notty_member(void *p)
{
	int v;

	(void)p;
	EXPECT(ioctl(tfd, TIOCNOTTY) == 0, "TIOCNOTTY by a non-leader");
	EXPECT_ERR(open("/dev/tty", O_RDWR), ENXIO, "open /dev/tty after a non-leader's TIOCNOTTY");
	EXPECT_ERR(ioctl(tfd, TIOCGPGRP, &v), ENOTTY, "TIOCGPGRP after a non-leader's TIOCNOTTY");
	return 0;
}

static int notty_other(void *a)
{
	(void)a;
	int fd = become_leader(), v;

	EXPECT(fd >= 0, "become leader");
	handle(SIGHUP, on_hup);
	int st = reap(spawn(notty_member, NULL));
	char sub[256];
	snprintf(sub, sizeof sub, "%s", why);
	EXPECT(st == 0, "member: %s: %s", status_name(st), sub);
	EXPECT(hups == 0, "a non-leader's TIOCNOTTY sends no SIGHUP");
	EXPECT(ioctl(fd, TIOCGPGRP, &v) == 0 && v == getpgrp(), "the leader keeps the terminal");
	return 0;
}

/* ---- ids --------------------------------------------------------------------------------- */

static int zombie(void *a) { (void)a; setsid(); return 0; }

static void ids(void)
{
	pid_t dead = dead_pid();

	SYSCALL_CASE(-1, ESRCH, "getsid(-1) -> ESRCH", SYS_getsid, -1);
	SYSCALL_CASE(-1, ESRCH, "getpgid(-1) -> ESRCH", SYS_getpgid, -1);
	SYSCALL_CASE(-1, ESRCH, "getsid(reaped pid) -> ESRCH", SYS_getsid, dead);
	SYSCALL_CASE(-1, ESRCH, "getpgid(reaped pid) -> ESRCH", SYS_getpgid, dead);
	SYSCALL_CASE(-1, EINVAL, "setpgid(0, -1) -> EINVAL", SYS_setpgid, 0, -1);
	SYSCALL_CASE(-1, ESRCH, "setpgid(reaped pid, 0) -> ESRCH", SYS_setpgid, dead, 0);
	pid_t z = spawn(zombie, NULL);
	msleep(100);
	tap_eq(getsid(z), z, "getsid of a zombie that called setsid: its own session");
	tap_eq(getpgid(z), z, "getpgid of that zombie");
	SYSCALL_CASE(-1, EPERM, "setpgid of a child that is a session leader -> EPERM", SYS_setpgid, z, z);
	reap(z);
}

int main(void)
{
	why_setup();
	tfd = term_open(0);
	int op[2];
	if (tfd < 0 || pipe(op))
		bail("terminal");
	pid_t holder;
	if (ioctl(tfd, TIOCGSID, &holder) == 0) { /* our own session's: a shell's `runtests` */
		printf("1..0 # SKIP the terminal is this session's (session %d): these cases need one"
		       " no session holds (make test T=bk11_jobtty)\n", (int)holder);
		return 0;
	}
	outsider = spawn(until_eof, op);
	setpgid(outsider, outsider);
	jc_case(no_ctty, NULL, "no controlling terminal: setsid, ENXIO, ENOTTY, EINVAL first");
	jc_case(not_leader, NULL, "TIOCSCTTY by non-leaders -> EPERM");
	jc_case(takes, NULL, "a session leader takes the terminal: pgrp, sid, /dev/tty");
	jc_case(steal, NULL, "TIOCSCTTY 1 by root steals another session's terminal");
	jc_case(spgrp, NULL, "TIOCSPGRP: EINVAL, ESRCH, EPERM, then a child's group and back");
	for (enum bg_what w = READ_DFL; w <= GETS_SWINSZ; w++)
		jc_case(background, &w, bg_names[w]);
	jc_case(orphaned, NULL, "background read by an orphaned group -> EIO");
	jc_case(winch, NULL, "TIOCSWINSZ sends SIGWINCH only on a change");
	session_end();
	jc_case(free_again, NULL, "the terminal is free once its leader exited");
	jc_case(notty_leader, NULL, "TIOCNOTTY by the session leader: SIGHUP+SIGCONT, terminal dropped");
	jc_case(notty_other, NULL, "TIOCNOTTY by a non-leader drops the terminal for it alone");
	ids();
	close(op[1]);
	reap(outsider);
	/* The orphans of orphaned() and session_end() went to init: when this
	 * program is init (faultline's make test T=bk11_jobtty), reap them. */
	while (wait(NULL) > 0)
		;
	return done_testing();
}
