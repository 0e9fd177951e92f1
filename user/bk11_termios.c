/* user/bk11_termios.c — a terminal's settings and reads, black-box against
 * Linux (breaker11): the defaults a terminal starts with (tty_std_termios),
 * TCSETS/TCSETSW/TCSETSF round trips and bad pointers, VMIN/VTIME and
 * O_NONBLOCK reads with nothing typed, FIONREAD, poll, the accepted no-op
 * ioctls and their EINVAL arguments, window size, and ENOTTY for things that
 * are not terminals (isatty, ttyname). On Linux the terminal is a pty's
 * slave, on faultline the console (user/bk11.h).
 */
#include <poll.h>
#include <sys/time.h>

#include "bk11.h"

static int tfd;
static struct kterm saved;
static unsigned char *page; /* one page with an unmapped page after it */

static long ms_since(struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void defaults(void)
{
	static const uint8_t cc[17] = { 3, 034, 0177, 025, 4, 0, 1, 0, 021, 023, 032, 0,
					022, 017, 027, 026, 0 };
	struct kterm t;

	TRY(kget(tfd, &t), 0, 0, "TCGETS on the terminal");
	tap_eq(t.iflag, ICRNL | IXON, "default c_iflag is ICRNL|IXON");
	tap_eq(t.oflag, OPOST | ONLCR, "default c_oflag is OPOST|ONLCR");
	/* The console hangs up on close (HUPCL), a pty does not: not compared. */
	tap_eq(t.cflag & ~HUPCL, B38400 | CS8 | CREAD, "default c_cflag is B38400|CS8|CREAD");
	tap_eq(t.lflag, ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
	       "default c_lflag is ISIG|ICANON|ECHO|ECHOE|ECHOK|ECHOCTL|ECHOKE|IEXTEN");
	tap_eq(t.line, 0, "default line discipline is N_TTY (0)");
	tap_ok(!memcmp(t.cc, cc, sizeof cc), "default c_cc[0..16] are tty_std_termios's");
	struct termios lt;
	tap_ok(tcgetattr(tfd, &lt) == 0 && cfgetospeed(&lt) == B38400 && cfgetispeed(&lt) == B38400,
	       "cfgetospeed/cfgetispeed say B38400");
	saved = t;
}

static void round_trips(void)
{
	static const struct { unsigned long req; const char *name; } reqs[] = {
		{ TCSETS, "TCSETS" }, { TCSETSW, "TCSETSW" }, { TCSETSF, "TCSETSF" },
	};
	for (int i = 0; i < 3; i++) {
		struct kterm t = saved, u;

		t.lflag &= ~(ECHO | ICANON);
		t.iflag |= IGNCR;
		t.oflag &= ~ONLCR;
		t.cc[VMIN] = 5 + i;
		t.cc[VTIME] = 3;
		t.cc[VINTR] = 1;
		t.cc[VEOL] = 'x';
		long r = kset(tfd, reqs[i].req, &t);
		memset(&u, 0x5a, sizeof u);
		kget(tfd, &u);
		tap_ok(r == 0 && !memcmp(&t, &u, sizeof t), "%s then TCGETS: the same 36 bytes", reqs[i].name);
		kset(tfd, TCSETS, &saved);
	}
	/* c_line: Linux's TCSETS stores it as it stores the rest (only
	 * TIOCSETD changes the discipline), and TCGETS shows it back. */
	struct kterm t = saved, u;
	t.line = 3;
	kset(tfd, TCSETS, &t);
	kget(tfd, &u);
	tap_eq(u.line, 3, "TCSETS stores c_line as given");
	kset(tfd, TCSETS, &saved);
}

static void bad_pointers(void)
{
	struct kterm *edge = (struct kterm *)(page + 4096 - sizeof(struct kterm));
	struct kterm u, t = saved;

	TRY(ioctl(tfd, TCGETS, NULL), -1, EFAULT, "TCGETS NULL -> EFAULT");
	TRY(ioctl(tfd, TCGETS, edge), 0, 0, "TCGETS into a struct ending at the last mapped byte");
	TRY(ioctl(tfd, TCGETS, (char *)edge + 1), -1, EFAULT,
		    "TCGETS into a struct 1 byte past the mapping -> EFAULT");
	TRY(ioctl(tfd, TCSETS, NULL), -1, EFAULT, "TCSETS NULL -> EFAULT");
	t.cc[VINTR] = 2;
	memcpy((char *)edge + 1, &t, sizeof t - 1);
	TRY(ioctl(tfd, TCSETS, (char *)edge + 1), -1, EFAULT,
		    "TCSETS from a struct 1 byte past the mapping -> EFAULT");
	kget(tfd, &u);
	tap_ok(u.cc[VINTR] == saved.cc[VINTR], "... and the settings did not change");
	TRY(ioctl(tfd, TCSETSF, (void *)0xffff800000000000UL), -1, EFAULT,
		    "TCSETSF from a kernel address -> EFAULT");
	TRY(ioctl(tfd, TIOCGWINSZ, NULL), -1, EFAULT, "TIOCGWINSZ NULL -> EFAULT");
	TRY(ioctl(tfd, TIOCSWINSZ, NULL), -1, EFAULT, "TIOCSWINSZ NULL -> EFAULT");
	TRY(ioctl(tfd, FIONREAD, NULL), -1, EFAULT, "FIONREAD NULL -> EFAULT");
	TRY(ioctl(tfd, TIOCOUTQ, page + 4094), -1, EFAULT,
		    "TIOCOUTQ into an int across the end of the mapping -> EFAULT");
}

static void set_noncanon(int vmin, int vtime)
{
	struct kterm t = saved;

	t.lflag &= ~(ICANON | ECHO);
	t.cc[VMIN] = vmin;
	t.cc[VTIME] = vtime;
	kset(tfd, TCSETS, &t);
}

static void empty_reads(void)
{
	char buf[16];
	int n = -1;
	struct timespec t0;

	kset(tfd, TCSETSF, &saved); /* nothing typed before */
	TRY(ioctl(tfd, FIONREAD, &n), 0, 0, "FIONREAD with nothing typed");
	tap_eq(n, 0, "... is 0");
	n = -1;
	tap_ok(ioctl(tfd, TIOCOUTQ, &n) == 0 && n == 0, "TIOCOUTQ is 0");

	int nb = term_open(O_NONBLOCK);
	TRY(read(nb, buf, sizeof buf), -1, EAGAIN,
		    "canonical O_NONBLOCK read with nothing typed -> EAGAIN");
	set_noncanon(1, 0);
	TRY(read(nb, buf, sizeof buf), -1, EAGAIN,
		    "VMIN=1 VTIME=0 O_NONBLOCK read -> EAGAIN");
	set_noncanon(0, 0);
	TRY(read(tfd, buf, sizeof buf), 0, 0, "VMIN=0 VTIME=0 blocking read -> 0 at once");
	set_noncanon(0, 3);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	long r = read(tfd, buf, sizeof buf);
	long ms = ms_since(&t0);
	tap_ok(r == 0 && ms >= 250 && ms < 3000, "VMIN=0 VTIME=3 read -> 0 after about 0.3 s");
	if (r != 0 || ms < 250 || ms >= 3000)
		tap_diag("read %ld after %ld ms", r, ms);
	set_noncanon(0, 3);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	errno = 0;
	r = read(nb, buf, sizeof buf);
	ms = ms_since(&t0);
	/* n_tty: O_NONBLOCK wins over VTIME; nothing there -> EAGAIN at once. */
	tap_ok(r == -1 && errno == EAGAIN && ms < 200, "VMIN=0 VTIME=3 O_NONBLOCK read -> EAGAIN at once");
	if (!(r == -1 && errno == EAGAIN && ms < 200))
		tap_diag("read %ld (%s) after %ld ms", r, tap_errname(errno), ms);
	TRY(read(tfd, buf, 0), 0, 0, "read of 0 bytes -> 0");
	kset(tfd, TCSETS, &saved);

	struct pollfd p = { tfd, POLLIN | POLLOUT, 0 };
	r = poll(&p, 1, 0);
	tap_ok(r == 1 && (p.revents & (POLLIN | POLLOUT | POLLERR | POLLHUP)) == POLLOUT,
	       "poll: writable, not readable");
	if (!(r == 1 && (p.revents & (POLLIN | POLLOUT | POLLERR | POLLHUP)) == POLLOUT))
		tap_diag("poll %ld revents %#x", r, p.revents);
	close(nb);
}

static void plain_ioctls(void)
{
	SYSCALL_CASE(0, 0, "TCFLSH TCIFLUSH", SYS_ioctl, tfd, TCFLSH, TCIFLUSH);
	SYSCALL_CASE(0, 0, "TCFLSH TCIOFLUSH", SYS_ioctl, tfd, TCFLSH, TCIOFLUSH);
	SYSCALL_CASE(-1, EINVAL, "TCFLSH 3 -> EINVAL", SYS_ioctl, tfd, TCFLSH, 3);
	SYSCALL_CASE(-1, EINVAL, "TCFLSH -1 -> EINVAL", SYS_ioctl, tfd, TCFLSH, -1);
	SYSCALL_CASE(0, 0, "TCXONC TCOON", SYS_ioctl, tfd, TCXONC, TCOON);
	SYSCALL_CASE(0, 0, "TCXONC TCION", SYS_ioctl, tfd, TCXONC, TCION);
	SYSCALL_CASE(-1, EINVAL, "TCXONC 4 -> EINVAL", SYS_ioctl, tfd, TCXONC, 4);
	SYSCALL_CASE(0, 0, "TCSBRK 1 (drain)", SYS_ioctl, tfd, TCSBRK, 1);
	SYSCALL_CASE(-1, ENOTTY, "unknown tty ioctl 0x54ff -> ENOTTY", SYS_ioctl, tfd, 0x54ff, 0);
	SYSCALL_CASE(-1, EBADF, "TCGETS on fd -1 -> EBADF", SYS_ioctl, -1, TCGETS, page);
	SYSCALL_CASE(-1, EBADF, "TCGETS on a closed fd -> EBADF", SYS_ioctl, 999, TCGETS, page);

	struct winsize w = { 33, 77, 0, 0 }, g;
	struct winsize old;
	ioctl(tfd, TIOCGWINSZ, &old);
	tap_ok(ioctl(tfd, TIOCSWINSZ, &w) == 0 && ioctl(tfd, TIOCGWINSZ, &g) == 0 &&
	       g.ws_row == 33 && g.ws_col == 77, "TIOCSWINSZ 33x77 then TIOCGWINSZ");
	int other = term_open(0);
	memset(&g, 0, sizeof g);
	tap_ok(ioctl(other, TIOCGWINSZ, &g) == 0 && g.ws_row == 33 && g.ws_col == 77,
	       "... another open of the same terminal sees 33x77");
	close(other);
	w.ws_xpixel = 640;
	w.ws_ypixel = 480;
	memset(&g, 0, sizeof g);
	tap_ok(ioctl(tfd, TIOCSWINSZ, &w) == 0 && ioctl(tfd, TIOCGWINSZ, &g) == 0 &&
	       g.ws_xpixel == 640 && g.ws_ypixel == 480, "TIOCSWINSZ keeps the pixel sizes");
	ioctl(tfd, TIOCSWINSZ, &old);
}

static void not_ttys(void)
{
	int pfd[2];
	char path[] = "/dev/shm/bk11_termios";

	if (pipe(pfd))
		bail("pipe");
	int file = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	int null = open("/dev/null", O_RDWR);
	struct kterm t;

	errno = 0;
	tap_ok(isatty(pfd[0]) == 0 && errno == ENOTTY, "isatty(pipe) = 0, ENOTTY");
	errno = 0;
	tap_ok(isatty(file) == 0 && errno == ENOTTY, "isatty(regular file) = 0, ENOTTY");
	errno = 0;
	tap_ok(isatty(null) == 0 && errno == ENOTTY, "isatty(/dev/null) = 0, ENOTTY");
	tap_ok(isatty(tfd) == 1, "isatty(terminal) = 1");
	TRY(kget(pfd[1], &t), -1, ENOTTY, "TCGETS on a pipe -> ENOTTY");
	TRY(ioctl(file, TIOCGPGRP, &t), -1, ENOTTY, "TIOCGPGRP on a file -> ENOTTY");
	TRY(ioctl(null, TIOCSCTTY, 0), -1, ENOTTY, "TIOCSCTTY on /dev/null -> ENOTTY");
	errno = 0;
	tap_ok(ttyname(pfd[0]) == NULL && errno == ENOTTY, "ttyname(pipe) -> NULL, ENOTTY");

	/* musl's ttyname reads the link /proc/self/fd/N */
	if (!tap_not_yet(1, "/proc/PID/fd (so ttyname fails)")) {
		char *name = ttyname(tfd);
		struct stat a, b;
		tap_ok(name && stat(name, &a) == 0 && fstat(tfd, &b) == 0 && S_ISCHR(a.st_mode) &&
		       a.st_rdev == b.st_rdev, "ttyname(terminal) names a device node with the fd's st_rdev");
		if (!name)
			tap_diag("ttyname: %s", tap_errname(errno));
	}
	close(pfd[0]);
	close(pfd[1]);
	close(file);
	close(null);
	unlink(path);
}

/* Output: Linux's pty shows what went through OPOST on its master. On the
 * console the bytes go to the screen and COM1, where we cannot read them
 * back: there only the return values are compared. */
static void output(void)
{
	const char msg[] = "# bk11_termios: a line written to the terminal\n";

	TRY(write(tfd, msg, sizeof msg - 1), sizeof msg - 1, 0,
		    "write a line to the terminal -> its length");
	TRY(write(tfd, msg, 0), 0, 0, "write 0 bytes -> 0");
	TRY(write(tfd, page + 4090, 16), -1, EFAULT,
		    "write from a buffer running off the mapping -> EFAULT (nothing copied in full)");
	if (!on_faultline()) {
		char buf[128];
		long n = 0, r = 1;
		struct pollfd q = { term_master, POLLIN, 0 };

		/* The pty hands bytes to the master from a work queue: wait for all. */
		while (n < (long)sizeof msg + 1 && r > 0 && poll(&q, 1, 2000) == 1)
			if ((r = read(term_master, buf + n, sizeof buf - n)) > 0)
				n += r;
		/* TCXONC TCION (plain_ioctls) transmitted a START byte (^Q) first. */
		tap_ok(n == sizeof msg + 1 && buf[0] == 021 && !memcmp(buf + n - 2, "\r\n", 2),
		       "(pty) ^Q from TCION, then the line with ONLCR's \\r\\n");
		if (n != sizeof msg + 1)
			tap_diag("master read %ld, first byte %#x", n, buf[0]);
	}
	char c = 'q';

	set_noncanon(1, 0);
	TRY(ioctl(tfd, TIOCSTI, &c), 0, 0, "TIOCSTI (root) pushes a byte of input");
	int n = -1;
	ioctl(tfd, FIONREAD, &n);
	tap_eq(n, 1, "... FIONREAD then says 1");
	ioctl(tfd, TCFLSH, TCIFLUSH);
}

int main(void)
{
	page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED || munmap(page + 4096, 4096))
		bail("mmap");
	tfd = term_open(0);
	if (tfd < 0)
		bail("terminal");
	defaults();
	round_trips();
	bad_pointers();
	empty_reads();
	plain_ioctls();
	not_ttys();
	output();
	kset(tfd, TCSETS, &saved);
	return done_testing();
}
