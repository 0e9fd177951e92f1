/* user/mq.c — POSIX message queues (mq_open, mq_unlink, mq_timedsend,
 * mq_timedreceive, mq_notify, mq_getsetattr), as Linux behaves for root
 * without CAP_SYS_RESOURCE: the program drops that capability first, so
 * the limits are the unprivileged ones (msg_max 10, msgsize_max 8192,
 * queues_max 256) on both kernels. Linux behaviours pinned down here, each
 * found by running it:
 *  - names: "" is ENOENT, a '/' inside, "." and ".." are EACCES, more than
 *    NAME_MAX is ENAMETOOLONG; attributes count only when creating.
 *  - a bad timeout is EFAULT or EINVAL before anything else, even when the
 *    call would not block (the man page's "only if it would block" is old).
 *  - a send copies the message before it looks at the queue: a bad buffer
 *    is EFAULT even on a full queue and queues nothing; a receive takes the
 *    message off the queue first: a bad buffer or priority pointer loses it.
 *  - a notification fires once, on a message into an empty queue, and ends
 *    when its process closes any descriptor of the queue.
 *  - read() gives one status line; the file's size is 80; write is EINVAL.
 *  - RLIMIT_MSGQUEUE charges maxmsg * (msgsize + 96) bytes per queue.
 */
#define _GNU_SOURCE
#include "badptr.h"

#include <mqueue.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "child.h"
#include "clock.h"

#define CAP_SYS_RESOURCE 24
#define NOBODY 65534
#define STRANGER 54321 /* a uid no host process has: its queue bytes start at 0 */
#define STATUS_LEN 60  /* "QSIZE:... NOTIFY_PID:...\n" */

static const char *names[] = { "mqt_a", "mqt_b", "mqt_c", "mqt_d", "mqt_slash", "mqt_bad" };

static long q_open(const char *name, int flags, int mode, const struct mq_attr *a)
{
	return syscall(SYS_mq_open, name, flags, mode, a);
}

static long q_send(int q, const void *buf, size_t len, unsigned prio, const struct timespec *t)
{
	return syscall(SYS_mq_timedsend, q, buf, len, prio, t);
}

static long q_recv(int q, void *buf, size_t len, unsigned *prio, const struct timespec *t)
{
	return syscall(SYS_mq_timedreceive, q, buf, len, prio, t);
}

static long curmsgs(int q)
{
	struct mq_attr a;
	return syscall(SYS_mq_getsetattr, q, NULL, &a) ? -1 : a.mq_curmsgs;
}

/* A new queue (any old one of that name removed first), or bail. */
static int fresh(const char *name, long maxmsg, long msgsize)
{
	struct mq_attr a = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };
	syscall(SYS_mq_unlink, name);
	long q = q_open(name, O_CREAT | O_RDWR, 0600, &a);
	if (q < 0)
		bail(name);
	return (int)q;
}

static void drain(int q)
{
	char buf[8192];
	while (curmsgs(q) > 0)
		q_recv(q, buf, sizeof(buf), NULL, NULL);
}

/* A timespec on CLOCK_REALTIME ms milliseconds from now. */
static struct timespec in_ms(long ms)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_nsec += ms % 1000 * 1000000;
	t.tv_sec += ms / 1000 + t.tv_nsec / 1000000000;
	t.tv_nsec %= 1000000000;
	return t;
}

static bool passed(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	return now.tv_sec > t->tv_sec || (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

/* The status line read() gives at offset 0. */
static const char *status_line(int q)
{
	static char buf[128];
	long n = pread(q, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void str_case(const char *got, const char *want, const char *name)
{
	if (!tap_ok(!strcmp(got, want), "%s", name))
		tap_diag("expected [%s], got [%s]", want, got);
}

/* ---- mq_open and mq_unlink ------------------------------------------------ */

static void open_cases(void)
{
	struct mq_attr a;
	struct stat st;
	char longname[300];

	syscall(SYS_mq_unlink, "mqt_a");
	int q = mq_open("/mqt_a", O_CREAT | O_RDWR, 0600, NULL);
	tap_ok(q >= 0, "mq_open(\"/mqt_a\", O_CREAT, NULL attr) through musl");
	tap_ok(mq_getattr(q, &a) == 0 && a.mq_maxmsg == 10 && a.mq_msgsize == 8192 &&
	       a.mq_curmsgs == 0 && a.mq_flags == 0, "NULL attr: maxmsg 10, msgsize 8192");
	tap_eq(fcntl(q, F_GETFD), FD_CLOEXEC, "the descriptor is close-on-exec");
	tap_eq(fcntl(q, F_GETFL), O_RDWR, "F_GETFL is the access mode");
	tap_ok(fstat(q, &st) == 0 && st.st_mode == (S_IFREG | 0600) && st.st_size == 80,
	       "fstat: S_IFREG | 0600, size 80");
	SYSCALL_CASE(-1, EEXIST, "O_CREAT | O_EXCL on an existing queue -> EEXIST",
		     SYS_mq_open, "mqt_a", O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
	a = (struct mq_attr){ .mq_maxmsg = 0, .mq_msgsize = 0 };
	errno = 0;
	long r = q_open("mqt_a", O_CREAT | O_RDWR, 0600, &a);
	tap_syscall(r > 0 ? 0 : r, errno, 0, 0, NULL, "O_CREAT, bad attr, existing queue -> opened");
	close((int)r);
	SYSCALL_CASE(-1, EINVAL, "O_WRONLY | O_RDWR on an existing queue -> EINVAL",
		     SYS_mq_open, "mqt_a", O_WRONLY | O_RDWR, 0, NULL);
	SYSCALL_CASE(-1, ENOENT, "no O_CREAT, no queue -> ENOENT",
		     SYS_mq_open, "mqt_none", O_RDWR, 0, NULL);
	SYSCALL_CASE(-1, ENOENT, "name \"\" -> ENOENT", SYS_mq_open, "", O_CREAT | O_RDWR, 0600, NULL);
	SYSCALL_CASE(-1, EACCES, "name \"a/b\" -> EACCES", SYS_mq_open, "a/b", O_CREAT | O_RDWR, 0600, NULL);
	SYSCALL_CASE(-1, EACCES, "name \"/a\" (raw) -> EACCES", SYS_mq_open, "/a", O_CREAT | O_RDWR, 0600, NULL);
	SYSCALL_CASE(-1, EACCES, "name \".\" -> EACCES", SYS_mq_open, ".", O_CREAT | O_RDWR, 0600, NULL);
	SYSCALL_CASE(-1, EACCES, "name \"..\" -> EACCES", SYS_mq_open, "..", O_CREAT | O_RDWR, 0600, NULL);
	memset(longname, 'n', 256);
	longname[256] = '\0';
	SYSCALL_CASE(-1, ENAMETOOLONG, "256-byte name -> ENAMETOOLONG",
		     SYS_mq_open, longname, O_CREAT | O_RDWR, 0600, NULL);
	longname[255] = '\0';
	r = q_open(longname, O_CREAT | O_RDWR, 0600, NULL);
	tap_ok(r >= 0, "255-byte name -> opened");
	close((int)r);
	SYSCALL_CASE(0, 0, "mq_unlink(255-byte name) -> 0", SYS_mq_unlink, longname);

	static const struct { long maxmsg, msgsize; int err; const char *name; } attrs[] = {
		{ 0, 16, EINVAL, "maxmsg 0 -> EINVAL" },
		{ -1, 16, EINVAL, "maxmsg -1 -> EINVAL" },
		{ 11, 16, EINVAL, "maxmsg 11 (> msg_max) -> EINVAL" },
		{ 4, 0, EINVAL, "msgsize 0 -> EINVAL" },
		{ 4, 8193, EINVAL, "msgsize 8193 (> msgsize_max) -> EINVAL" },
		{ 10, 8192, 0, "maxmsg 10, msgsize 8192 -> created" },
	};
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		a = (struct mq_attr){ .mq_maxmsg = attrs[i].maxmsg, .mq_msgsize = attrs[i].msgsize };
		syscall(SYS_mq_unlink, "mqt_b");
		errno = 0;
		r = q_open("mqt_b", O_CREAT | O_RDWR, 0600, &a);
		tap_syscall(r >= 0 ? 0 : r, errno, attrs[i].err ? -1 : 0, attrs[i].err, NULL,
			    "O_CREAT, %s", attrs[i].name);
		if (r >= 0)
			close((int)r);
	}
	SYSCALL_CASE(-1, ENOENT, "a failed create made nothing", SYS_mq_unlink, "mqt_c");

	/* musl strips the leading '/', and the umask applies to the mode. */
	syscall(SYS_mq_unlink, "mqt_c");
	mode_t old = umask(022);
	int c = mq_open("/mqt_c", O_CREAT | O_EXCL | O_WRONLY, 0666, NULL);
	umask(old);
	r = q_open("mqt_c", O_RDONLY, 0, NULL);
	tap_ok(c >= 0 && r >= 0, "musl's \"/mqt_c\" is the syscall's \"mqt_c\"");
	tap_ok(fstat(c, &st) == 0 && st.st_mode == (S_IFREG | 0644), "umask 022 makes 0666 0644");
	tap_eq(fcntl((int)r, F_GETFL), O_RDONLY, "a second open has its own access mode");
	close((int)r);
	close(c);

	SYSCALL_CASE(-1, ENOENT, "mq_unlink(\"mqt_none\") -> ENOENT", SYS_mq_unlink, "mqt_none");
	SYSCALL_CASE(-1, ENOENT, "mq_unlink(\"\") -> ENOENT", SYS_mq_unlink, "");
	SYSCALL_CASE(-1, EACCES, "mq_unlink(\"a/b\") -> EACCES", SYS_mq_unlink, "a/b");
	SYSCALL_CASE(-1, ENAMETOOLONG, "mq_unlink(256-byte name) -> ENAMETOOLONG",
		     SYS_mq_unlink, memset(longname, 'n', 256));
	close(q);
}

/* An unlinked queue lives on while open; the name can be made again. */
static void unlink_cases(void)
{
	char buf[8192];
	int q = fresh("mqt_a", 4, 16);
	q_send(q, "kept", 4, 1, NULL);
	SYSCALL_CASE(0, 0, "mq_unlink of an open queue -> 0", SYS_mq_unlink, "mqt_a");
	SYSCALL_CASE(-1, ENOENT, "its name is gone", SYS_mq_open, "mqt_a", O_RDWR, 0, NULL);
	int n = fresh("mqt_a", 4, 16);
	tap_eq(curmsgs(n), 0, "the name made again is a new, empty queue");
	long r = q_recv(q, buf, sizeof(buf), NULL, NULL);
	tap_ok(r == 4 && !memcmp(buf, "kept", 4), "the unlinked queue still holds its message");
	close(q);
	close(n);
}

static int dropped_open(void *unused)
{
	(void)unused;
	struct mq_attr a = { .mq_maxmsg = 11, .mq_msgsize = 16 };
	if (setuid(NOBODY))
		return 10;
	if (q_open("mqt_a", O_RDONLY, 0, NULL) != -1 || errno != EACCES)
		return 1;
	if (q_open("mqt_a", O_WRONLY, 0, NULL) != -1 || errno != EACCES)
		return 2;
	if (syscall(SYS_mq_unlink, "mqt_a") != -1 || errno != EPERM)
		return 3;
	if (mq_unlink("/mqt_a") != -1 || errno != EACCES)
		return 4;
	if (q_open("mqt_d", O_CREAT | O_RDWR, 0600, &a) != -1 || errno != EINVAL)
		return 5;
	long q = q_open("mqt_b", O_WRONLY, 0, NULL); /* mode 0620, and our gid is still 0 */
	if (q < 0 || q_send((int)q, "x", 1, 0, NULL))
		return 6;
	return q_open("mqt_b", O_RDONLY, 0, NULL) != -1 || errno != EACCES ? 7 : 0;
}

/* A process that is not root is held to the mode bits (EACCES), may not
 * unlink another's queue (EPERM: musl says EACCES). */
static void permission_cases(void)
{
	int q = fresh("mqt_a", 4, 16);
	syscall(SYS_mq_unlink, "mqt_b");
	int b = (int)q_open("mqt_b", O_CREAT | O_RDWR, 0620, NULL);
	child_case(dropped_open, NULL, EXITED(0),
		   "uid 65534: EACCES by mode, EPERM to unlink, maxmsg 11 EINVAL, g+w (gid 0) sends");
	tap_eq(curmsgs(b), 1, "its message arrived");
	close(q);
	close(b);
}

/* As a stranger with RLIMIT_MSGQUEUE of three {2, 100} queues (392 bytes
 * each: 2 * (100 + 48 + 48)): the fourth is EMFILE, and so is any queue
 * until one is unlinked and closed. Exit status: which step failed. */
static int bytes_limit(void *unused)
{
	(void)unused;
	struct mq_attr a = { .mq_maxmsg = 2, .mq_msgsize = 100 }, tiny = { .mq_maxmsg = 1, .mq_msgsize = 1 };
	struct rlimit rl = { 3 * 392, 3 * 392 };
	int qs[3];
	if (setuid(STRANGER) || setrlimit(RLIMIT_MSGQUEUE, &rl))
		return 10;
	for (int i = 0; i < 3; i++)
		if ((qs[i] = (int)q_open(names[i], O_CREAT | O_RDWR, 0600, &a)) < 0)
			return 1;
	if (q_open(names[3], O_CREAT | O_RDWR, 0600, &a) != -1 || errno != EMFILE)
		return 2;
	if (q_open(names[3], O_CREAT | O_RDWR, 0600, &tiny) != -1 || errno != EMFILE)
		return 3;
	syscall(SYS_mq_unlink, names[0]); /* still open: still charged */
	if (q_open(names[3], O_CREAT | O_RDWR, 0600, &tiny) != -1 || errno != EMFILE)
		return 4;
	close(qs[0]);
	if (q_open(names[3], O_CREAT | O_RDWR, 0600, &a) < 0)
		return 5;
	for (int i = 1; i < 4; i++)
		syscall(SYS_mq_unlink, names[i]);
	return 0;
}

/* queues_max: a stranger (no CAP_SYS_RESOURCE) makes queues of one byte
 * until ENOSPC; unlinked queues that are still open count. */
static int count_limit(void *fds_)
{
	int *fds = fds_, got[2] = { 0, 0 }; /* queues made, then the errno that stopped it */
	struct mq_attr tiny = { .mq_maxmsg = 1, .mq_msgsize = 1 };
	char name[32];
	if (setuid(STRANGER))
		return 10;
	int held = (int)q_open("mqt_held", O_CREAT | O_RDWR, 0600, &tiny);
	syscall(SYS_mq_unlink, "mqt_held");
	got[0] = held >= 0;
	for (int i = 0; i < 400 && !got[1]; i++) {
		snprintf(name, sizeof(name), "mqt_n%d", i);
		long q = q_open(name, O_CREAT | O_RDWR, 0600, &tiny);
		if (q < 0)
			got[1] = errno;
		else
			got[0]++;
		close((int)q);
	}
	for (int i = 0; i < 400; i++) {
		snprintf(name, sizeof(name), "mqt_n%d", i);
		syscall(SYS_mq_unlink, name);
	}
	return write_full(fds[1], got, sizeof(got)) == sizeof(got) ? 0 : 1;
}

static int nofile_limit(void *unused)
{
	(void)unused;
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = lowest_free_fd();
	if (setrlimit(RLIMIT_NOFILE, &rl))
		return 10;
	return q_open("mqt_a", O_RDWR, 0, NULL) == -1 && errno == EMFILE ? 0 : 1;
}

static void limit_cases(void)
{
	int fds[2], got[2] = { 0, 0 };
	child_case(bytes_limit, NULL, EXITED(0),
		   "RLIMIT_MSGQUEUE: 3 queues of 392 bytes fit 1176, the 4th is EMFILE until one goes");
	if (pipe(fds))
		bail("pipe");
	tap_status(reap(spawn(count_limit, fds)), EXITED(0), "queues_max: the child ran");
	read_full(fds[0], got, sizeof(got));
	close(fds[0]);
	close(fds[1]);
	tap_eq(got[1], ENOSPC, "queues_max: creating past it is ENOSPC");
	tap_eq(got[0], 256, "queues_max: 256 queues, an unlinked open one among them");
	int q = fresh("mqt_a", 4, 16);
	child_case(nofile_limit, NULL, EXITED(0), "no free descriptor below RLIMIT_NOFILE -> EMFILE");
	close(q);
}

/* ---- sending and receiving ------------------------------------------------ */

static void order_cases(void)
{
	static const struct { const char *body; unsigned prio; } sent[] = {
		{ "one", 1 }, { "five-a", 5 }, { "three-a", 3 }, { "five-b", 5 },
		{ "zero", 0 }, { "three-b", 3 }, { "top", 32767 },
	};
	static const char *want[] = { "top", "five-a", "five-b", "three-a", "three-b", "one", "zero" };
	static const unsigned want_prio[] = { 32767, 5, 5, 3, 3, 1, 0 };
	char buf[64];
	unsigned prio;
	int q = fresh("mqt_a", 10, 64);
	bool ok = true;

	for (size_t i = 0; i < 7; i++)
		ok &= mq_send(q, sent[i].body, strlen(sent[i].body), sent[i].prio) == 0;
	tap_ok(ok, "seven messages sent, priorities 0 .. 32767");
	tap_eq(curmsgs(q), 7, "mq_curmsgs is 7");
	str_case(status_line(q), "QSIZE:36         NOTIFY:0     SIGNO:0     NOTIFY_PID:0     \n",
		 "read(): QSIZE counts the bytes queued");
	for (size_t i = 0; i < 7; i++) {
		long n = mq_receive(q, buf, sizeof(buf), &prio);
		buf[n > 0 ? n : 0] = '\0';
		if (!tap_ok(n == (long)strlen(want[i]) && !strcmp(buf, want[i]) && prio == want_prio[i],
			    "receive %zu: \"%s\", priority %u", i + 1, want[i], want_prio[i]))
			tap_diag("got %ld \"%s\" priority %u", n, buf, prio);
	}
	SYSCALL_CASE(-1, EINVAL, "priority 32768 -> EINVAL", SYS_mq_timedsend, q, "x", 1, 32768, NULL);
	SYSCALL_CASE(-1, EINVAL, "priority ~0 -> EINVAL", SYS_mq_timedsend, q, "x", 1, ~0u, NULL);
	SYSCALL_CASE(-1, EMSGSIZE, "65 bytes into msgsize 64 -> EMSGSIZE", SYS_mq_timedsend, q, buf, 65, 0, NULL);
	SYSCALL_CASE(0, 0, "an empty message -> 0", SYS_mq_timedsend, q, "", 0, 0, NULL);
	SYSCALL_CASE(0, 0, "an empty message from a NULL buffer -> 0", SYS_mq_timedsend, q, NULL, 0, 0, NULL);
	SYSCALL_CASE(-1, EMSGSIZE, "a 63-byte buffer for msgsize 64 -> EMSGSIZE",
		     SYS_mq_timedreceive, q, buf, 63, NULL, NULL);
	tap_eq(curmsgs(q), 2, "... and nothing was taken");
	SYSCALL_CASE(0, 0, "receive an empty message, NULL priority -> 0",
		     SYS_mq_timedreceive, q, buf, 64, NULL, NULL);
	drain(q);
	close(q);
}

static void badf_cases(void)
{
	char buf[64];
	int q = fresh("mqt_a", 4, 64), fds[2];
	int r = (int)q_open("mqt_a", O_RDONLY, 0, NULL), w = (int)q_open("mqt_a", O_WRONLY, 0, NULL);
	if (pipe(fds))
		bail("pipe");
	SYSCALL_CASE(-1, EBADF, "send on an O_RDONLY queue -> EBADF", SYS_mq_timedsend, r, "x", 1, 0, NULL);
	SYSCALL_CASE(-1, EBADF, "... even when too long", SYS_mq_timedsend, r, "x", 100, 0, NULL);
	SYSCALL_CASE(0, 0, "send on an O_WRONLY queue -> 0", SYS_mq_timedsend, w, "x", 1, 0, NULL);
	SYSCALL_CASE(-1, EBADF, "receive on an O_WRONLY queue -> EBADF", SYS_mq_timedreceive, w, buf, 64, NULL, NULL);
	SYSCALL_CASE(1, 0, "receive on an O_RDONLY queue -> 1", SYS_mq_timedreceive, r, buf, 64, NULL, NULL);
	SYSCALL_CASE(-1, EBADF, "send to a pipe -> EBADF", SYS_mq_timedsend, fds[1], "x", 1, 0, NULL);
	SYSCALL_CASE(-1, EBADF, "receive from a pipe -> EBADF", SYS_mq_timedreceive, fds[0], buf, 64, NULL, NULL);
	SYSCALL_CASE(-1, EBADF, "send to fd 999 -> EBADF", SYS_mq_timedsend, 999, "x", 1, 0, NULL);
	SYSCALL_CASE(-1, EBADF, "getsetattr on a pipe -> EBADF", SYS_mq_getsetattr, fds[0], NULL, NULL);
	SYSCALL_CASE(-1, EBADF, "notify on a pipe -> EBADF", SYS_mq_notify, fds[0], NULL);
	SYSCALL_CASE(-1, EBADF, "read() of an O_WRONLY queue -> EBADF", SYS_read, w, buf, 64);
	SYSCALL_CASE(-1, EINVAL, "write() to a queue -> EINVAL", SYS_write, q, "x", 1);
	SYSCALL_CASE(-1, ENODEV, "mmap of a queue -> ENODEV", SYS_mmap, 0, PAGE, PROT_READ, MAP_PRIVATE, q, 0);
	SYSCALL_CASE(-1, EINVAL, "fsync of a queue -> EINVAL", SYS_fsync, q);
	close(fds[0]);
	close(fds[1]);
	close(r);
	close(w);
	close(q);
}

/* O_NONBLOCK is EAGAIN; a deadline ends a wait with ETIMEDOUT; a bad
 * timeout is EINVAL whether or not the call would block. */
static void wait_cases(void)
{
	char buf[64];
	int q = fresh("mqt_a", 2, 64);
	struct timespec past = { 1, 0 }, bad_ns = { 0, 1000000000 }, neg_ns = { 0, -1 },
			neg_s = { -1, 0 };
	int nb = (int)q_open("mqt_a", O_RDWR | O_NONBLOCK, 0, NULL);

	SYSCALL_CASE(-1, EAGAIN, "O_NONBLOCK receive, empty -> EAGAIN", SYS_mq_timedreceive, nb, buf, 64, NULL, NULL);
	SYSCALL_CASE(-1, ETIMEDOUT, "receive, empty, deadline in 1970 -> ETIMEDOUT",
		     SYS_mq_timedreceive, q, buf, 64, NULL, &past);
	struct timespec soon = in_ms(60);
	SYSCALL_CASE(-1, ETIMEDOUT, "receive, empty, deadline in 60 ms -> ETIMEDOUT",
		     SYS_mq_timedreceive, q, buf, 64, NULL, &soon);
	tap_ok(passed(&soon), "... not before the deadline");
	SYSCALL_CASE(-1, EINVAL, "receive, tv_nsec 1e9 -> EINVAL", SYS_mq_timedreceive, q, buf, 64, NULL, &bad_ns);
	SYSCALL_CASE(0, 0, "send, deadline in 1970, room -> 0", SYS_mq_timedsend, q, "a", 1, 0, &past);
	SYSCALL_CASE(-1, EINVAL, "send, tv_nsec 1e9, room -> EINVAL", SYS_mq_timedsend, q, "b", 1, 0, &bad_ns);
	SYSCALL_CASE(-1, EINVAL, "send, tv_nsec -1, room -> EINVAL", SYS_mq_timedsend, q, "b", 1, 0, &neg_ns);
	SYSCALL_CASE(-1, EINVAL, "send, tv_sec -1, room -> EINVAL", SYS_mq_timedsend, q, "b", 1, 0, &neg_s);
	SYSCALL_CASE(-1, EINVAL, "send, bad timeout, fd 999 -> EINVAL (timeout first)",
		     SYS_mq_timedsend, 999, "b", 1, 0, &bad_ns);
	SYSCALL_CASE(-1, EINVAL, "receive, tv_nsec 1e9, a message -> EINVAL",
		     SYS_mq_timedreceive, q, buf, 64, NULL, &bad_ns);
	tap_eq(curmsgs(q), 1, "the refused calls moved nothing");
	SYSCALL_CASE(0, 0, "send, second slot -> 0", SYS_mq_timedsend, q, "b", 1, 0, NULL);
	SYSCALL_CASE(-1, EAGAIN, "O_NONBLOCK send, full -> EAGAIN", SYS_mq_timedsend, nb, "c", 1, 0, NULL);
	soon = in_ms(60);
	SYSCALL_CASE(-1, ETIMEDOUT, "send, full, deadline in 60 ms -> ETIMEDOUT",
		     SYS_mq_timedsend, q, "c", 1, 0, &soon);
	tap_ok(passed(&soon), "... not before the deadline");
	SYSCALL_CASE(-1, EINVAL, "send, full, tv_nsec 1e9 -> EINVAL", SYS_mq_timedsend, q, "c", 1, 0, &bad_ns);
	SYSCALL_CASE(-1, EINVAL, "send, full, O_NONBLOCK, tv_nsec 1e9 -> EINVAL",
		     SYS_mq_timedsend, nb, "c", 1, 0, &bad_ns);
	tap_eq(curmsgs(q), 2, "still the two messages");
	drain(q);
	close(nb);
	close(q);
}

static int receive_after_wait(void *qp)
{
	char buf[64];
	unsigned prio;
	struct timespec start, end;
	clock_gettime(CLOCK_MONOTONIC, &start);
	long n = mq_receive(*(int *)qp, buf, sizeof(buf), &prio);
	clock_gettime(CLOCK_MONOTONIC, &end);
	long ms = (end.tv_sec - start.tv_sec) * 1000 + (end.tv_nsec - start.tv_nsec) / 1000000;
	if (n != 5 || memcmp(buf, "wake!", 5) || prio != 7)
		return 1;
	return ms >= 50 ? 0 : 2;
}

static int send_after_wait(void *qp)
{
	struct timespec start, end;
	clock_gettime(CLOCK_MONOTONIC, &start);
	long r = mq_send(*(int *)qp, "late", 4, 2);
	clock_gettime(CLOCK_MONOTONIC, &end);
	long ms = (end.tv_sec - start.tv_sec) * 1000 + (end.tv_nsec - start.tv_nsec) / 1000000;
	return r ? 1 : ms >= 50 ? 0 : 2;
}

/* A receiver waits for a sender in another process, and a sender for room. */
static void fork_cases(void)
{
	char buf[64];
	unsigned prio;
	int q = fresh("mqt_a", 1, 64);
	pid_t pid = spawn(receive_after_wait, &q);
	sleep_ms(100);
	SYSCALL_CASE(0, 0, "send while a child waits to receive -> 0", SYS_mq_timedsend, q, "wake!", 5, 7, NULL);
	tap_status(reap(pid), EXITED(0), "the child slept until the message came, and got it");

	mq_send(q, "first", 5, 1);
	pid = spawn(send_after_wait, &q);
	sleep_ms(100);
	long n = mq_receive(q, buf, sizeof(buf), &prio);
	tap_ok(n == 5 && !memcmp(buf, "first", 5), "receive from the full queue");
	tap_status(reap(pid), EXITED(0), "the child's send slept until there was room");
	n = mq_receive(q, buf, sizeof(buf), &prio);
	tap_ok(n == 4 && !memcmp(buf, "late", 4) && prio == 2, "... and its message is there");

	int d = dup(q);
	close(q);
	tap_ok(d >= 0 && mq_send(d, "dup", 3, 0) == 0 && curmsgs(d) == 1,
	       "a dup works after the original is closed");
	tap_eq(fcntl(d, F_GETFD), 0, "dup's copy is not close-on-exec");
	drain(d);
	close(d);
}

/* ---- bad pointers ---------------------------------------------------------- */

static int bq; /* the queue the pointer cases use: maxmsg 2, msgsize 64 */

/* Every bad pointer but NULL (which these calls take as "none"). */
static void in_bad_nonnull(const char *name, long (*call)(void *p))
{
	for (int i = 0; i < nbad; i++) {
		const struct bad *b = &bads[i];
		if (b->flags & (WITH_LEN | DEST_ONLY) || !b->addr)
			continue;
		RUN(call((void *)b->addr));
		check(-1, EFAULT, 0, 0, NULL, case_name(name, b->name));
	}
}

static long open_name(void *p) { return q_open(p, O_RDWR, 0, NULL); }
static long unlink_name(void *p) { return syscall(SYS_mq_unlink, p); }
static long open_attr(void *p) { return q_open("mqt_bad", O_RDWR, 0, p); }
static long send_body(void *p) { return q_send(bq, p, 8, 0, NULL); }
static long send_timeout(void *p) { return q_send(bq, "x", 1, 0, p); }
static long recv_timeout(void *p) { return q_recv(bq, rw, 64, NULL, p); }
static long notify_event(void *p) { return syscall(SYS_mq_notify, bq, p); }
static long setattr_new(void *p) { return syscall(SYS_mq_getsetattr, bq, p, NULL); }
static long getattr_old(void *p) { return syscall(SYS_mq_getsetattr, bq, NULL, p); }

static void loses(const char *what)
{
	if (curmsgs(bq) != 0)
		case_extra = what;
}

static void pointer_cases(void)
{
	static const struct outcall old = { "mq_getsetattr old", getattr_old, sizeof(struct mq_attr), true };
	bq = fresh("mqt_bad", 2, 64);
	in_bad_cases("mq_open name", open_name);
	in_bad_cases("mq_unlink name", unlink_name);
	in_bad_nonnull("mq_open attr (no O_CREAT: read anyway)", open_attr);
	RUN(q_open("mqt_bad", O_RDWR, 0, (void *)(rw + PAGE - sizeof(struct mq_attr) / 2)));
	check(-1, EFAULT, 0, 0, NULL, "mq_open attr: half of it past the mapping -> EFAULT");
	in_bad_cases("mq_timedsend body", send_body);
	tap_eq(curmsgs(bq), 0, "mq_timedsend: no faulting send queued anything");
	q_send(bq, "1", 1, 0, NULL);
	q_send(bq, "2", 1, 0, NULL);
	RUN(q_send(bq, NULL, 8, 0, NULL));
	check(-1, EFAULT, 0, 0, NULL, "mq_timedsend body: NULL, queue full -> EFAULT (copied first)");
	drain(bq);
	in_bad_nonnull("mq_timedsend timeout", send_timeout);
	in_bad_nonnull("mq_timedreceive timeout", recv_timeout);
	in_bad_nonnull("mq_notify sigevent", notify_event);
	in_bad_nonnull("mq_getsetattr new", setattr_new);
	out_cases(&old);
	tap_eq(curmsgs(bq), 0, "nothing was queued by the refused calls");

	/* A receive dequeues before it copies out: the message is lost. */
	for (int i = 0; i < nbad; i++) {
		const struct bad *b = &bads[i];
		if (b->flags & WITH_LEN)
			continue;
		q_send(bq, "doomed", 6, 3, NULL);
		RUN(q_recv(bq, (void *)b->addr, 64, NULL, NULL));
		loses("the message is still queued");
		check(-1, EFAULT, 0, 0, NULL, case_name("mq_timedreceive buffer (message lost)", b->name));
	}
	for (int i = 0; i < nbad; i++) {
		const struct bad *b = &bads[i];
		if (b->flags & WITH_LEN || !b->addr)
			continue;
		q_send(bq, "doomed", 6, 3, NULL);
		RUN(q_recv(bq, rw, 64, (void *)b->addr, NULL));
		loses("the message is still queued");
		check(-1, EFAULT, 0, 0, NULL, case_name("mq_timedreceive priority (message lost, buffer untouched)", b->name));
	}
	char buf[64];
	unsigned prio;
	q_send(bq, "first", 5, 2, NULL);
	q_send(bq, "second", 6, 1, NULL);
	SYSCALL_CASE(-1, EFAULT, "receive into NULL -> EFAULT", SYS_mq_timedreceive, bq, NULL, 64, NULL, NULL);
	long n = q_recv(bq, buf, sizeof(buf), &prio, NULL);
	tap_ok(n == 6 && !memcmp(buf, "second", 6) && prio == 1,
	       "the next receive gets the second message: the first is gone");
	memset(rw, 0, PAGE);
	q_send(bq, "at the end", 10, 4, NULL);
	RUN(q_recv(bq, rw + PAGE - 64, 64, (unsigned *)(rw + PAGE - 68), NULL));
	check(10, 0, PAGE - 68, PAGE - 54, NULL, "mq_timedreceive: buffer and priority at the end of the mapping -> 10");
	tap_ok(!memcmp(rw + PAGE - 64, "at the end", 10) && *(unsigned *)(rw + PAGE - 68) == 4,
	       "... the body and priority are there");
	close(bq);
	syscall(SYS_mq_unlink, "mqt_bad");
}

/* ---- attributes, status line, notification -------------------------------- */

static void attr_cases(void)
{
	int q = fresh("mqt_a", 3, 100);
	struct mq_attr set = { .mq_flags = O_NONBLOCK, .mq_maxmsg = 7, .mq_msgsize = 7, .mq_curmsgs = 7 }, old;
	struct stat st;
	char buf[128];
	mq_send(q, "abc", 3, 0);
	memset(&old, 0x5a, sizeof(old));
	SYSCALL_CASE(0, 0, "mq_getsetattr(O_NONBLOCK) -> 0", SYS_mq_getsetattr, q, &set, &old);
	tap_ok(old.mq_flags == 0 && old.mq_maxmsg == 3 && old.mq_msgsize == 100 && old.mq_curmsgs == 1 &&
	       !old.__unused[0] && !old.__unused[3], "old: flags 0, 3, 100, 1 message, the rest zero");
	tap_eq(fcntl(q, F_GETFL), O_RDWR | O_NONBLOCK, "F_GETFL shows O_NONBLOCK");
	tap_ok(mq_getattr(q, &old) == 0 && old.mq_flags == O_NONBLOCK && old.mq_maxmsg == 3 &&
	       old.mq_msgsize == 100, "only the flag changed");
	set.mq_flags = O_NONBLOCK | O_APPEND;
	memset(&old, 0x5a, sizeof(old));
	SYSCALL_CASE(-1, EINVAL, "mq_getsetattr(O_NONBLOCK | O_APPEND) -> EINVAL", SYS_mq_getsetattr, q, &set, &old);
	tap_eq(old.mq_flags, 0x5a5a5a5a5a5a5a5aul, "... old is not written");
	SYSCALL_CASE(-1, EINVAL, "... checked before the descriptor", SYS_mq_getsetattr, 999, &set, NULL);
	fcntl(q, F_SETFL, O_RDWR);
	tap_ok(mq_getattr(q, &old) == 0 && old.mq_flags == 0, "F_SETFL clears what mq_flags shows");

	str_case(status_line(q), "QSIZE:3          NOTIFY:0     SIGNO:0     NOTIFY_PID:0     \n",
		 "read(): the status line");
	lseek(q, 0, SEEK_SET);
	tap_eq(read(q, buf, sizeof(buf)), STATUS_LEN, "read() returns the 60-byte line");
	tap_eq(read(q, buf, sizeof(buf)), 0, "a second read() is at its end");
	tap_eq(pread(q, buf, 5, 6), 5, "pread(5 bytes at 6) -> 5");
	tap_ok(!memcmp(buf, "3    ", 5), "... from the middle of the line");
	tap_eq(lseek(q, 0, SEEK_END), 80, "lseek(SEEK_END) -> 80, the file's size");
	tap_ok(fstat(q, &st) == 0 && st.st_size == 80 && st.st_nlink == 1, "fstat: size 80, one link");
	drain(q);
	close(q);
}

static int register_none(void *qp)
{
	struct sigevent ev = { .sigev_notify = SIGEV_NONE };
	return mq_notify(*(int *)qp, &ev) ? errno : 0;
}

static int unregister(void *qp)
{
	return mq_notify(*(int *)qp, NULL) ? errno : 0;
}

static char line[128];

static const char *status_with(int sigev, int signo, int pid)
{
	snprintf(line, sizeof(line), "QSIZE:0          NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n",
		 sigev, signo, pid);
	return line;
}

/* Blocks SIGUSR1, registers for it, sends into the queue (non-empty if
 * pre is set) and reports whether SIGUSR1 came: exit 0 if it did, 1 if not. */
static int signal_self(void *qp)
{
	int q = *(int *)qp;
	sigset_t set, pending;
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL) || mq_notify(q, &ev))
		return 10;
	if (mq_send(q, "n", 1, 0))
		return 11;
	sigpending(&pending);
	return sigismember(&pending, SIGUSR1) ? 0 : 1;
}

/* Registers for SIGUSR1 (which kills it), tells the parent through a[1],
 * waits on a[2], which nobody writes. */
static int wait_for_signal(void *arg)
{
	int *a = arg, q = a[0];
	char c = 'r';
	close(a[3]);
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	if (mq_notify(q, &ev))
		return 10;
	write(a[1], &c, 1);
	read(a[2], &c, 1); /* never answered: the signal ends the wait */
	return 1;
}

static void notify_cases(void)
{
	int q = fresh("mqt_a", 4, 16), me = getpid();
	struct sigevent none = { .sigev_notify = SIGEV_NONE }, sig = { .sigev_notify = SIGEV_SIGNAL };
	struct sigevent bad = { .sigev_notify = 7 };

	SYSCALL_CASE(-1, EINVAL, "sigev_notify 7 -> EINVAL", SYS_mq_notify, q, &bad);
	SYSCALL_CASE(-1, EINVAL, "... checked before the descriptor", SYS_mq_notify, 999, &bad);
	sig.sigev_signo = 65;
	SYSCALL_CASE(-1, EINVAL, "SIGEV_SIGNAL with signal 65 -> EINVAL", SYS_mq_notify, q, &sig);
	SYSCALL_CASE(-1, EBADF, "NULL on fd 999 -> EBADF", SYS_mq_notify, 999, NULL);

	/* SIGEV_THREAD: a 32-byte cookie, then a netlink socket by descriptor. */
	char cookie[32] = "";
	struct sigevent thread = { .sigev_notify = SIGEV_THREAD, .sigev_signo = 999 };
	thread.sigev_value.sival_ptr = (void *)8;
	SYSCALL_CASE(-1, EFAULT, "SIGEV_THREAD, bad cookie pointer -> EFAULT", SYS_mq_notify, q, &thread);
	thread.sigev_value.sival_ptr = cookie;
	SYSCALL_CASE(-1, EBADF, "SIGEV_THREAD, socket fd 999 -> EBADF", SYS_mq_notify, q, &thread);
	thread.sigev_signo = q;
	SYSCALL_CASE(-1, ENOTSOCK, "SIGEV_THREAD, the queue as socket -> ENOTSOCK", SYS_mq_notify, q, &thread);
	SYSCALL_CASE(-1, ENOTSOCK, "... checked before the queue descriptor", SYS_mq_notify, 999, &thread);
	SYSCALL_CASE(0, 0, "NULL with nobody registered -> 0", SYS_mq_notify, q, NULL);
	SYSCALL_CASE(0, 0, "register SIGEV_NONE -> 0", SYS_mq_notify, q, &none);
	str_case(status_line(q), status_with(1, 0, me), "read(): NOTIFY:1, our pid");
	SYSCALL_CASE(-1, EBUSY, "register again (same process) -> EBUSY", SYS_mq_notify, q, &none);
	child_case(register_none, &q, EXITED(EBUSY), "another process registers -> EBUSY");
	child_case(unregister, &q, EXITED(0), "another process's NULL -> 0 ...");
	str_case(status_line(q), status_with(1, 0, me), "... and leaves our registration");
	SYSCALL_CASE(0, 0, "NULL -> 0 (unregistered)", SYS_mq_notify, q, NULL);
	str_case(status_line(q), status_with(0, 0, 0), "read(): nobody registered");

	/* A message into the empty queue uses the registration up. */
	mq_notify(q, &none);
	mq_send(q, "x", 1, 0);
	tap_ok(strstr(status_line(q), "NOTIFY_PID:0 ") != NULL, "SIGEV_NONE: used up by the first message");
	SYSCALL_CASE(0, 0, "register again -> 0", SYS_mq_notify, q, &none);
	mq_send(q, "y", 1, 0);
	tap_ok(strstr(status_line(q), "NOTIFY_PID:0 ") == NULL, "a message into a non-empty queue keeps it");
	drain(q);

	/* Closing any descriptor of the queue ends the closer's registration. */
	close(dup(q));
	str_case(status_line(q), status_with(0, 0, 0), "close(dup(q)) ended the registration");
	child_case(register_none, &q, EXITED(0), "a child registers and exits ...");
	SYSCALL_CASE(0, 0, "... its registration went with it", SYS_mq_notify, q, &none);
	mq_notify(q, NULL);

	sig.sigev_signo = SIGUSR1;
	SYSCALL_CASE(0, 0, "register SIGEV_SIGNAL SIGUSR1 -> 0", SYS_mq_notify, q, &sig);
	str_case(status_line(q), status_with(0, SIGUSR1, me), "read(): NOTIFY:0 SIGNO:10");
	mq_notify(q, NULL);
	child_case(signal_self, &q, EXITED(0), "SIGEV_SIGNAL: the message into the empty queue sends SIGUSR1");
	tap_ok(strstr(status_line(q), "NOTIFY_PID:0 ") != NULL, "... and the registration is used up");
	child_case(signal_self, &q, EXITED(1), "a message into a non-empty queue sends nothing");
	drain(q);

	int a[4], up[2]; /* a: q, up[1], and a pipe nobody writes */
	if (pipe(up) || pipe(a + 2))
		bail("pipe");
	a[0] = q;
	a[1] = up[1];
	pid_t pid = spawn(wait_for_signal, a);
	char c;
	tap_ok(read(up[0], &c, 1) == 1, "a child registered for SIGUSR1");
	SYSCALL_CASE(0, 0, "send into the empty queue -> 0", SYS_mq_timedsend, q, "s", 1, 0, NULL);
	tap_status(reap(pid), KILLED(SIGUSR1), "the child is killed by SIGUSR1");
	for (int i = 0; i < 2; i++)
		close(up[i]), close(a[2 + i]);
	drain(q);
	close(q);
}

int main(void)
{
	char name[32];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		syscall(SYS_mq_unlink, names[i]);
	for (int i = 0; i < 400; i++) {
		snprintf(name, sizeof(name), "mqt_n%d", i);
		syscall(SYS_mq_unlink, name);
	}
	if (drop_capability(CAP_SYS_RESOURCE))
		bail("capset");
	umask(0);
	setup_arena();
	setup_bads();
	limit_cases();
	open_cases();
	unlink_cases();
	permission_cases();
	order_cases();
	badf_cases();
	wait_cases();
	fork_cases();
	pointer_cases();
	attr_cases();
	notify_cases();
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		syscall(SYS_mq_unlink, names[i]);
	return done_testing();
}
