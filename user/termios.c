/* user/termios.c — a terminal's settings and job control, as a program sees
 * them: the termios a terminal starts with (Linux's tty_std_termios), a
 * TCSETS round trip, ENOTTY for what is not a terminal, and the rules of a
 * controlling terminal: which session may ask for its process groups,
 * TIOCSPGRP's errors, and a background group that reads (SIGTTIN, or EIO
 * when ignored) or changes the settings (SIGTTOU).
 *
 * The terminal: on Linux a fresh pseudo-terminal (posix_openpt), on
 * faultline the console, opened with O_NOCTTY. A new session takes it
 * with TIOCSCTTY and runs the job-control cases. Run as `runtests` from
 * faultline's shell, the console already belongs to the shell's session:
 * then a new session is refused it (EPERM, Linux's rule too) and the cases
 * run in the shell's session, where this program is in the foreground. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>

#include "child.h"

/* The kernel's termios has 19 c_cc bytes, musl's struct 32: only those count. */
#define KERNEL_NCCS 19

static int term = -1;    /* the terminal */
static int report = -1;  /* the children's results: one byte per case, to the parent */

/* A case decided in a child: its name and result go to the parent, which
 * alone prints TAP. */
static void note(bool ok, const char *name)
{
	char line[200];
	int n = snprintf(line, sizeof(line), "%c%s\n", ok ? '+' : '-', name);
	if (write(report, line, (size_t)n) != n)
		_exit(99);
}

static bool fails_with(int r, int err) { return r == -1 && errno == err; }

static int open_terminal(void)
{
	if (on_faultline())
		return open("/dev/console", O_RDWR | O_NOCTTY);
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master))
		return -1;
	return open(ptsname(master), O_RDWR | O_NOCTTY); /* the master stays open */
}

static void check_defaults(void)
{
	struct termios t;
	static const unsigned char std_cc[] = "\003\034\177\025\004\0\1\0\021\023\032\0\022\017\027\026\0\0";
	tap_ok(tcgetattr(term, &t) == 0, "TCGETS on the terminal");
	tap_eq(t.c_iflag, ICRNL | IXON, "c_iflag: ICRNL | IXON");
	tap_eq(t.c_oflag, OPOST | ONLCR, "c_oflag: OPOST | ONLCR");
	tap_eq(t.c_lflag, ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
	       "c_lflag: ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN");
	tap_eq(t.c_cflag & (CSIZE | CREAD), CS8 | CREAD, "c_cflag: CS8 | CREAD");
	tap_ok(memcmp(t.c_cc, std_cc, KERNEL_NCCS) == 0, "c_cc: ^C ^\\ DEL ^U ^D, VMIN 1, VTIME 0, ^Q ^S ^Z ^R ^O ^W ^V");
}

static void check_round_trip(void)
{
	struct termios old, t, back;
	tcgetattr(term, &old);
	t = old;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 5;
	tap_ok(tcsetattr(term, TCSANOW, &t) == 0, "TCSETS: raw mode, VMIN 0 VTIME 5");
	tcgetattr(term, &back);
	tap_ok(back.c_lflag == t.c_lflag && back.c_iflag == t.c_iflag && back.c_oflag == t.c_oflag &&
		       memcmp(back.c_cc, t.c_cc, KERNEL_NCCS) == 0,
	       "TCGETS gives back what TCSETS set");
	tap_ok(tcsetattr(term, TCSADRAIN, &old) == 0, "TCSETSW puts the old settings back");
	tap_ok(tcsetattr(term, TCSAFLUSH, &old) == 0, "TCSETSF too");
	tcgetattr(term, &back);
	tap_ok(back.c_lflag == old.c_lflag && memcmp(back.c_cc, old.c_cc, KERNEL_NCCS) == 0,
	       "and they are back");
	int n = -1;
	int r = ioctl(term, FIONREAD, &n);
	tap_ok(r == 0 && n == 0, "FIONREAD: nothing typed (%d)", n);
	tap_ok(tcflush(term, TCIFLUSH) == 0, "TCFLSH TCIFLUSH -> 0");
	tap_ok(fails_with(ioctl(term, TCFLSH, 3), EINVAL), "TCFLSH 3 -> EINVAL");
	struct winsize ws;
	tap_ok(ioctl(term, TIOCGWINSZ, &ws) == 0, "TIOCGWINSZ -> 0");
	tap_ok(fails_with(ioctl(term, TCGETS, (void *)8), EFAULT), "TCGETS to a bad pointer -> EFAULT");
}

static void check_not_a_tty(void)
{
	int fds[2];
	struct termios t;
	pid_t pg;
	if (pipe(fds))
		bail("pipe");
	tap_ok(fails_with(tcgetattr(fds[0], &t), ENOTTY), "TCGETS on a pipe -> ENOTTY");
	tap_ok(fails_with(ioctl(fds[1], TIOCGPGRP, &pg), ENOTTY), "TIOCGPGRP on a pipe -> ENOTTY");
	close(fds[0]);
	close(fds[1]);
	int fd = open("/tmp", O_RDONLY | O_DIRECTORY);
	tap_ok(fails_with(tcgetattr(fd, &t), ENOTTY), "TCGETS on a directory -> ENOTTY");
	close(fd);
	fd = open("/dev/null", O_RDWR);
	tap_ok(fails_with(tcgetattr(fd, &t), ENOTTY), "TCGETS on /dev/null -> ENOTTY");
	close(fd);
}

/* A background child: its own group, then fn; how it ended. */
static int background(int (*fn)(void *))
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		_exit(fn(NULL));
	}
	setpgid(pid, pid);
	int status;
	waitpid(pid, &status, WUNTRACED);
	if (WIFSTOPPED(status)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	return status;
}

static int bg_read(void *arg)
{
	(void)arg;
	char c;
	return (int)read(term, &c, 1);
}

static int bg_read_ignoring(void *arg)
{
	(void)arg;
	char c;
	signal(SIGTTIN, SIG_IGN);
	return fails_with((int)read(term, &c, 1), EIO) ? 0 : 1;
}

static int bg_setattr(void *arg)
{
	(void)arg;
	struct termios t;
	tcgetattr(term, &t);
	return tcsetattr(term, TCSANOW, &t) ? 2 : 0;
}

static int bg_setattr_ignoring(void *arg)
{
	signal(SIGTTOU, SIG_IGN);
	return bg_setattr(arg) == 0 && tcgetpgrp(term) == getpgid(getppid()) ? 0 : 1;
}

static int sleeper(void *ready)
{
	setsid();
	close(((int *)ready)[0]);
	close(((int *)ready)[1]); /* tells the parent the new session is there */
	pause();
	return 0;
}

/* In a process whose controlling terminal is term, in its foreground group. */
static void job_control(void)
{
	pid_t sid = -1, pg = -1, me = getpgrp();
	note(ioctl(term, TIOCGSID, &sid) == 0 && sid == getsid(0), "TIOCGSID: the caller's session");
	note(tcgetpgrp(term) == me, "TIOCGPGRP: the caller's group is in the foreground");
	pg = -1;
	note(fails_with(ioctl(term, TIOCSPGRP, &pg), EINVAL), "TIOCSPGRP -1 -> EINVAL");
	pg = 0x3ffffff0;
	note(fails_with(ioctl(term, TIOCSPGRP, &pg), ESRCH), "TIOCSPGRP to no group -> ESRCH");
	note(tcsetpgrp(term, me) == 0, "TIOCSPGRP to its own group -> 0");
	int ready[2];
	char c;
	if (pipe(ready))
		_exit(98);
	pid_t other = spawn(sleeper, ready);
	close(ready[1]);
	read(ready[0], &c, 1); /* EOF once the sleeper has its own session */
	close(ready[0]);
	note(fails_with(tcsetpgrp(term, other), EPERM), "TIOCSPGRP to a group of another session -> EPERM");
	kill(other, SIGKILL);
	waitpid(other, NULL, 0);

	int st = background(bg_read);
	note(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTTIN, "a background read stops the group with SIGTTIN");
	st = background(bg_read_ignoring);
	note(WIFEXITED(st) && WEXITSTATUS(st) == 0, "... or fails with EIO when SIGTTIN is ignored");
	st = background(bg_setattr);
	note(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTTOU, "a background TCSETS stops the group with SIGTTOU");
	st = background(bg_setattr_ignoring);
	note(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	     "... and goes through when SIGTTOU is ignored; TIOCGPGRP answers a background group");

	signal(SIGTTOU, SIG_IGN); /* as a shell does, to take the terminal back */
	pid_t job = fork();
	if (job == 0) {
		setpgid(0, 0);
		pause();
		_exit(0);
	}
	setpgid(job, job);
	note(tcsetpgrp(term, job) == 0 && tcgetpgrp(term) == job, "TIOCSPGRP hands the terminal to a job");
	note(tcsetpgrp(term, me) == 0 && tcgetpgrp(term) == me, "and a background caller takes it back");
	kill(job, SIGKILL);
	waitpid(job, NULL, 0);
}

/* A new session, without the terminal until it asks. */
static int new_session(void *held_)
{
	bool held = *(bool *)held_;
	pid_t pg;
	setsid();
	note(fails_with(ioctl(term, TIOCGPGRP, &pg), ENOTTY), "TIOCGPGRP from another session -> ENOTTY");
	note(fails_with(ioctl(term, TIOCGSID, &pg), ENOTTY), "TIOCGSID from another session -> ENOTTY");
	pg = getpgrp();
	note(fails_with(ioctl(term, TIOCSPGRP, &pg), ENOTTY), "TIOCSPGRP from another session -> ENOTTY");
	if (held) {
		note(fails_with(ioctl(term, TIOCSCTTY, 0), EPERM),
		     "TIOCSCTTY: another session has the terminal -> EPERM");
		return 0;
	}
	note(ioctl(term, TIOCSCTTY, 0) == 0, "TIOCSCTTY: a session leader takes the free terminal");
	note(ioctl(term, TIOCSCTTY, 0) == 0, "TIOCSCTTY again -> 0");
	job_control();
	return 0;
}

static int in_own_session(void *arg)
{
	(void)arg;
	job_control();
	return 0;
}

/* Prints the children's cases as TAP. */
static void collect(int fd)
{
	static char buf[8192];
	size_t len = 0;
	for (ssize_t n; (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0;)
		len += (size_t)n;
	buf[len] = 0;
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		tap_ok(line[0] == '+', "%s", line + 1);
}

int main(void)
{
	term = open_terminal();
	if (term < 0)
		bail("open the terminal");
	check_defaults();
	check_round_trip();
	check_not_a_tty();
	pid_t sid;
	bool held = ioctl(term, TIOCGSID, &sid) == 0; /* faultline's shell has it */
	int fds[2];
	if (pipe(fds))
		bail("pipe");
	report = fds[1];
	pid_t a = spawn(new_session, &held);
	pid_t b = held ? spawn(in_own_session, NULL) : -1;
	close(fds[1]);
	collect(fds[0]);
	tap_status(reap(a), EXITED(0), "the new session's leader ends normally");
	if (held)
		tap_status(reap(b), EXITED(0), "the job-control child ends normally");
	return done_testing();
}
