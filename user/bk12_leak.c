/* user/bk12_leak.c — no kernel memory reaches user space: every call that
 * fills a structure is given a buffer full of a pattern, and the byte image
 * it leaves is compared with Linux's: padding and reserved fields zero,
 * bytes past what the call wrote untouched, fresh memory (anonymous pages,
 * the break, file holes, a file grown again after it shrank) all zero even
 * right after another process freed pages full of a pattern.
 *
 * Inspired by: the Linux padding-leak fixes (CVE-2010-4083 semctl,
 * CVE-2013-2141 do_tkill siginfo, CVE-2009-3228 and the sigaltstack
 * memset), syzkaller's KMSAN "kernel-infoleak" reports (copy_to_user of
 * uninitialised bytes in struct padding), gVisor's stat/statfs/uname tests,
 * xv6 usertests "sbrkmuch"/"kernmem" (fresh memory is zeroed), LTP
 * ftruncate04-style shrink-then-grow checks.
 */
#include <dirent.h>
#include <mqueue.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <poll.h>
#include <time.h>
#include <ucontext.h>

#include "bk12.h"

static unsigned char buf[8192] __attribute__((aligned(16)));

static void fill(void) { memset(buf, PAT, sizeof buf); }

/* struct stat: __pad0 at 36 and __unused[3] at 120..144 are zero (Linux's
 * cp_new_stat clears its copy); nothing past 144 is written. */
static void stat_image(const char *what, long r)
{
	if (!tap_eq(r, 0, "%s succeeds", what))
		return;
	bytes_are(buf, 36, 40, 0, "%s: __pad0 is zero", what);
	bytes_are(buf, 120, 144, 0, "%s: __unused[3] is zero", what);
	bytes_are(buf, 144, 256, PAT, "%s: nothing written past 144 bytes", what);
}

static void stats(void)
{
	int p[2];

	if (pipe(p))
		bail("pipe");
	const char *paths[] = { "/", "/dev/null", "/proc/self", "/proc/self/maps" };
	for (unsigned i = 0; i < sizeof paths / sizeof *paths; i++) {
		char what[64];

		fill();
		snprintf(what, sizeof what, "stat(%s)", paths[i]);
		stat_image(what, syscall(SYS_stat, paths[i], buf));
		fill();
		snprintf(what, sizeof what, "lstat(%s)", paths[i]);
		stat_image(what, syscall(SYS_lstat, paths[i], buf));
	}
	fill();
	stat_image("fstat(pipe)", syscall(SYS_fstat, p[0], buf));
	fill();
	stat_image("newfstatat(AT_FDCWD, \".\")", syscall(SYS_newfstatat, AT_FDCWD, ".", buf, 0));
	close(p[0]);
	close(p[1]);

	/* struct statfs: f_spare[4] at 88..120 zero. */
	const char *fs[] = { "/", "/proc", "/dev/shm" };
	for (unsigned i = 0; i < sizeof fs / sizeof *fs; i++) {
		fill();
		long r = syscall(SYS_statfs, fs[i], buf);
		if (tap_eq(r, 0, "statfs(%s) succeeds", fs[i])) {
			bytes_are(buf, 88, 120, 0, "statfs(%s): f_spare is zero", fs[i]);
			bytes_are(buf, 120, 256, PAT, "statfs(%s): nothing past 120 bytes", fs[i]);
		}
	}
}

static void info_calls(void)
{
	/* struct new_utsname: six 65-byte fields, each NUL-padded to the end. */
	fill();
	tap_eq(syscall(SYS_uname, buf), 0, "uname succeeds");
	for (int f = 0; f < 6; f++) {
		size_t off = f * 65, len = strnlen((char *)buf + off, 65);
		bytes_are(buf, off + len, off + 65, 0, "uname field %d is NUL-padded", f);
	}
	bytes_are(buf, 390, 512, PAT, "uname: nothing past 390 bytes");

	/* struct sysinfo: the pad after procs (82..88) and after mem_unit
	 * (108..112) are zero; 112 bytes in all. */
	fill();
	tap_eq(syscall(SYS_sysinfo, buf), 0, "sysinfo succeeds");
	bytes_are(buf, 82, 88, 0, "sysinfo: padding after procs is zero");
	bytes_are(buf, 108, 112, 0, "sysinfo: padding after mem_unit is zero");
	bytes_are(buf, 112, 512, PAT, "sysinfo: nothing past 112 bytes");

	fill();
	tap_eq(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, buf), 0, "clock_gettime succeeds");
	bytes_are(buf, 16, 64, PAT, "clock_gettime: nothing past 16 bytes");
	fill();
	tap_eq(syscall(SYS_getrlimit, RLIMIT_NOFILE, buf), 0, "getrlimit succeeds");
	bytes_are(buf, 16, 64, PAT, "getrlimit: nothing past 16 bytes");
	fill();
	tap_eq(syscall(SYS_prlimit64, 0, RLIMIT_STACK, NULL, buf), 0, "prlimit64 succeeds");
	bytes_are(buf, 16, 64, PAT, "prlimit64: nothing past 16 bytes");
	fill();
	tap_eq(syscall(SYS_getitimer, ITIMER_REAL, buf), 0, "getitimer succeeds");
	bytes_are(buf, 0, 32, 0, "getitimer: an unarmed timer is all zero");
	bytes_are(buf, 32, 64, PAT, "getitimer: nothing past 32 bytes");
	fill();
	tap_eq(syscall(SYS_pipe2, buf, 0), 0, "pipe2 succeeds");
	bytes_are(buf, 8, 64, PAT, "pipe2: nothing past 8 bytes");
	close(((int *)buf)[0]);
	close(((int *)buf)[1]);

	struct { unsigned version; int pid; } hdr = { 0x20080522, 0 };
	fill();
	tap_eq(syscall(SYS_capget, &hdr, buf), 0, "capget succeeds");
	bytes_are(buf, 24, 64, PAT, "capget: nothing past two 12-byte sets");

	if (chdir("/"))
		bail("chdir");
	fill();
	tap_eq(syscall(SYS_getcwd, buf, 4096), 2, "getcwd of / is 2 bytes");
	bytes_are(buf, 2, 4096, PAT, "getcwd: nothing past the NUL");
	fill();
	long n = syscall(SYS_readlink, "/proc/self/exe", buf, 4096);
	tap_ok(n > 0, "readlink(/proc/self/exe) succeeds");
	if (n > 0)
		bytes_are(buf, n, 4096, PAT, "readlink: nothing past the %ld bytes (no NUL)", n);
}

static void signal_calls(void)
{
	/* old stack_t: the int ss_flags is followed by 4 padding bytes. */
	fill();
	tap_eq(syscall(SYS_sigaltstack, NULL, buf), 0, "sigaltstack(NULL, old) succeeds");
	bytes_are(buf, 12, 16, 0, "sigaltstack: padding after ss_flags is zero");
	bytes_are(buf, 24, 64, PAT, "sigaltstack: nothing past 24 bytes");

	/* old k_sigaction of a signal never touched: all zero, 32 bytes. */
	fill();
	tap_eq(syscall(SYS_rt_sigaction, SIGURG, NULL, buf, 8), 0, "rt_sigaction(old) succeeds");
	bytes_are(buf, 0, 32, 0, "rt_sigaction: an untouched action is all zero");
	bytes_are(buf, 32, 64, PAT, "rt_sigaction: nothing past 32 bytes");

	/* siginfo from rt_sigtimedwait: Linux builds it cleared, so every byte
	 * but signo/errno/code/pid/uid(/value) is zero. */
	uint64_t set = 1ull << (SIGUSR1 - 1);
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 8);
	struct timespec ts = { 1, 0 };
	struct { int signo, err, code, pad, pid, uid; } want = { SIGUSR1, 0, 0, 0, getpid(), getuid() };

	kill(getpid(), SIGUSR1);
	fill();
	tap_eq(syscall(SYS_rt_sigtimedwait, &set, buf, &ts, 8), SIGUSR1, "sigtimedwait after kill");
	tap_ok(!memcmp(buf, &want, sizeof want), "kill siginfo: signo, errno, code, pid, uid");
	bytes_are(buf, 24, 128, 0, "kill siginfo: bytes 24..128 are zero");
	bytes_are(buf, 128, 256, PAT, "kill siginfo: nothing past 128 bytes");

	syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
	fill();
	tap_eq(syscall(SYS_rt_sigtimedwait, &set, buf, &ts, 8), SIGUSR1, "sigtimedwait after tgkill");
	want.code = -6; /* SI_TKILL */
	tap_ok(!memcmp(buf, &want, sizeof want), "tgkill siginfo: signo, errno, code, pid, uid");
	bytes_are(buf, 24, 128, 0, "tgkill siginfo: bytes 24..128 are zero");

	union sigval v = { .sival_ptr = (void *)0x1122334455667788 };
	sigqueue(getpid(), SIGUSR1, v);
	fill();
	tap_eq(syscall(SYS_rt_sigtimedwait, &set, buf, &ts, 8), SIGUSR1, "sigtimedwait after sigqueue");
	tap_eq(*(uint64_t *)(buf + 24), 0x1122334455667788, "sigqueue siginfo: the value");
	bytes_are(buf, 32, 128, 0, "sigqueue siginfo: bytes 32..128 are zero");
	syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, &set, NULL, 8);

	fill();
	tap_eq(syscall(SYS_rt_sigpending, buf, 8), 0, "rt_sigpending succeeds");
	bytes_are(buf, 0, 8, 0, "rt_sigpending: nothing pending");
	bytes_are(buf, 8, 64, PAT, "rt_sigpending: nothing past 8 bytes");
}

/* A handler's frame on a sigaltstack filled with the pattern: no kernel
 * pointer anywhere in it, and the siginfo of a page fault is cleared past
 * si_addr. */
static unsigned char *alt; /* MAP_SHARED: the parent reads the child's frame */
#define ALT_SIZE 65536

/* In the child: the frame is on the altstack, which the parent shares;
 * where the FXSAVE image is goes in the altstack's first word. */
static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)si;
	*(uint64_t *)alt = (uint64_t)((ucontext_t *)uc)->uc_mcontext.fpregs;
	_exit(0);
}

static void frames(void)
{
	alt = mmap(NULL, ALT_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (alt == MAP_FAILED)
		bail("mmap");
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		stack_t ss = { .ss_sp = alt, .ss_size = ALT_SIZE };
		struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO | SA_ONSTACK };
		memset(alt, PAT, ALT_SIZE);
		if (sigaltstack(&ss, NULL) || sigaction(SIGSEGV, &sa, NULL))
			_exit(3);
		*(volatile int *)0x1234 = 1;
		_exit(4);
	}
	int st = reap(pid);
	tap_status(st, EXITED(0), "SIGSEGV handler runs on the sigaltstack");
	if (!no_kernel_words(alt, ALT_SIZE, "SIGSEGV frame on a patterned sigaltstack holds no kernel pointer"))
		tap_diag("the FXSAVE image is at altstack+%#lx",
			 (long)(*(uint64_t *)alt - (uint64_t)alt));
	/* The handler ran in the child; its siginfo is in the shared stack:
	 * find it by its signo/code/addr. */
	unsigned char *si = NULL;
	for (size_t off = 0; off + 128 <= ALT_SIZE; off += 8) {
		int *w = (int *)(alt + off);
		if (w[0] == SIGSEGV && w[1] == 0 && w[2] == SEGV_MAPERR &&
		    *(uint64_t *)(alt + off + 16) == 0x1234) {
			si = alt + off;
			break;
		}
	}
	tap_ok(si != NULL, "the fault's siginfo is on the sigaltstack");
	if (si) {
		bytes_are(si, 12, 16, 0, "fault siginfo: padding after si_code is zero");
		bytes_are(si, 24, 128, 0, "fault siginfo: bytes 24..128 are zero");
		tap_diag("siginfo at altstack+%#lx", (long)(si - alt));
	}
}

/* Linux's waitid writes the fields it reports and nothing else: every
 * other byte keeps the caller's pattern (or, in some kernel, is zero —
 * but never anything else). */
static void waits(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(7);
	fill();
	tap_eq(syscall(SYS_waitid, P_PID, pid, buf, WEXITED, NULL), 0, "waitid succeeds");
	int ok = 1;
	for (int i = 12; i < 128; i++)
		if ((i < 16 || i >= 28) && buf[i] != PAT && buf[i] != 0)
			ok = 0;
	tap_ok(ok, "waitid: bytes outside signo/errno/code/pid/uid/status are the caller's or zero");
	bytes_are(buf, 128, 256, PAT, "waitid: nothing past 128 bytes");

	pid = fork();
	if (pid == 0)
		_exit(0);
	fill();
	int status;
	tap_eq(syscall(SYS_wait4, pid, &status, 0, buf), pid, "wait4 with rusage succeeds");
	/* ru_ixrss, idrss, isrss (40..64), nswap (80), msgsnd, msgrcv,
	 * nsignals (104..128): Linux keeps no such counts and writes 0. */
	bytes_are(buf, 40, 64, 0, "wait4 rusage: ixrss/idrss/isrss are zero");
	bytes_are(buf, 80, 88, 0, "wait4 rusage: nswap is zero");
	bytes_are(buf, 104, 128, 0, "wait4 rusage: msgsnd/msgrcv/nsignals are zero");
	bytes_are(buf, 144, 256, PAT, "wait4 rusage: nothing past 144 bytes");
}

/* getdents64: between a name's NUL and the next record the bytes are the
 * caller's (Linux does not write them) or zero, never anything else. */
static void dents(void)
{
	const char *dirs[] = { "/", "/proc", "/dev" };
	for (unsigned d = 0; d < 3; d++) {
		int fd = open(dirs[d], O_RDONLY | O_DIRECTORY);
		fill();
		long n = syscall(SYS_getdents64, fd, buf, 4096);
		close(fd);
		if (!tap_ok(n > 0, "getdents64(%s) returns records", dirs[d]))
			continue;
		int ok = 1;
		long off = 0;
		while (off < n && ok) {
			unsigned short reclen = *(unsigned short *)(buf + off + 16);
			size_t namelen = strnlen((char *)buf + off + 19, reclen - 19);
			for (size_t i = off + 19 + namelen + 1; i < (size_t)off + reclen; i++)
				if (buf[i] != PAT && buf[i] != 0) {
					tap_diag("record at %ld: byte %zu is %#x", off, i, buf[i]);
					ok = 0;
					break;
				}
			if (reclen == 0)
				break;
			off += reclen;
		}
		tap_ok(ok && off == n, "getdents64(%s): record padding is the caller's or zero", dirs[d]);
		bytes_are(buf, n, 4096, PAT, "getdents64(%s): nothing past the %ld bytes", dirs[d], n);
	}
}

static void io_calls(void)
{
	int p[2];
	if (pipe(p))
		bail("pipe");
	write(p[1], "abc", 3);
	fill();
	tap_eq(read(p[0], buf, 4096), 3, "pipe read of 3 bytes into 4096");
	bytes_are(buf, 3, 4096, PAT, "pipe read: nothing past 3 bytes");

	/* select writes only the words that cover nfds. */
	fd_set *r = (fd_set *)buf;
	fill();
	memset(buf, 0, 8);
	FD_SET(p[1], r);
	struct timeval tv = { 0, 0 };
	TRY(syscall(SYS_select, p[1] + 1, NULL, r, NULL, &tv), 1, 0, "select on a writable pipe");
	bytes_are(buf, 8, 128, PAT, "select: the fd_set words past nfds are untouched");

	struct pollfd *pf = (struct pollfd *)buf;
	fill();
	pf[0] = (struct pollfd){ p[1], POLLOUT, 0x5a5a };
	TRY(syscall(SYS_poll, pf, 1, 0), 1, 0, "poll on a writable pipe");
	tap_ok(pf[0].fd == p[1] && pf[0].events == POLLOUT && pf[0].revents == POLLOUT,
	       "poll: fd and events kept, revents POLLOUT");
	bytes_are(buf, 8, 64, PAT, "poll: nothing past one pollfd");
	close(p[0]);
	close(p[1]);

	int z = open("/dev/zero", O_RDONLY);
	fill();
	tap_eq(read(z, buf, 100), 100, "read /dev/zero 100 bytes");
	bytes_are(buf, 0, 100, 0, "/dev/zero: 100 zeros");
	bytes_are(buf, 100, 4096, PAT, "/dev/zero: nothing past 100 bytes");
	close(z);

	struct mq_attr a = { .mq_maxmsg = 4, .mq_msgsize = 64 };
	char name[32];
	snprintf(name, sizeof name, "/bk12leak.%d", getpid());
	mqd_t q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &a);
	if (tap_ok(q >= 0, "mq_open succeeds")) {
		mq_unlink(name);
		mq_send(q, "hello", 5, 1);
		unsigned prio;

		fill();
		tap_eq(mq_receive(q, (char *)buf, 64, &prio), 5, "mq_receive of 5 bytes into 64");
		bytes_are(buf, 5, 256, PAT, "mq_receive: nothing past the message");
		fill();
		tap_eq(syscall(SYS_mq_getsetattr, q, NULL, buf), 0, "mq_getsetattr(old) succeeds");
		bytes_are(buf, 32, 64, 0, "mq_attr: __reserved is zero");
		bytes_are(buf, 64, 128, PAT, "mq_attr: nothing past 64 bytes");
		close(q);
	}
}

#define SOIL (32u << 20)

/* A child fills SOIL bytes of memory and a tmpfs file with the pattern and
 * exits; what we get next must be zeros, never its bytes. */
static int soil(void *arg)
{
	unsigned char *m = mmap(NULL, SOIL, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return 1;
	memset(m, PAT, SOIL);
	int fd = open((char *)arg, O_CREAT | O_RDWR | O_TRUNC, 0600);
	for (int i = 0; i < 256; i++)
		write(fd, m, 4096);
	close(fd);
	unlink((char *)arg);
	return 0;
}

static void fresh(void)
{
	char path[64];
	snprintf(path, sizeof path, "/dev/shm/bk12leak.%d", getpid());
	child_case(soil, path, EXITED(0), "a child soils 32 MiB and a 1 MiB file, then exits");

	unsigned char *m = mmap(NULL, SOIL, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		bail("mmap");
	m[0] = 1; /* write-fault each page so each gets a frame of its own */
	for (size_t i = 4096; i < SOIL; i += 4096)
		m[i] = 0;
	m[0] = 0;
	bytes_are(m, 0, SOIL, 0, "fresh 32 MiB of anonymous memory is zero");
	munmap(m, SOIL);

	unsigned char *b = sbrk(0);
	if (sbrk(1 << 20) != (void *)-1) {
		bytes_are(b, 0, 1 << 20, 0, "1 MiB of fresh break is zero");
		sbrk(-(1 << 20));
	}

	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	unlink(path);
	tap_eq(ftruncate(fd, 1 << 20), 0, "ftruncate a new file to 1 MiB");
	unsigned char *big = malloc(1 << 20);
	memset(big, PAT, 1 << 20);
	tap_eq(pread(fd, big, 1 << 20, 0), 1 << 20, "read the hole");
	bytes_are(big, 0, 1 << 20, 0, "a file hole reads zeros");

	/* shrink into the middle of a page and grow again: the cut-off bytes
	 * are gone, through read and through a mapping. */
	memset(big, 'X', 8192);
	pwrite(fd, big, 8192, 0);
	tap_eq(ftruncate(fd, 10), 0, "shrink to 10 bytes");
	tap_eq(ftruncate(fd, 8192), 0, "grow back to 8192");
	memset(big, PAT, 8192);
	tap_eq(pread(fd, big, 8192, 0), 8192, "read it back");
	bytes_are(big, 10, 8192, 0, "bytes past the old end read zero after shrink+grow");
	unsigned char *fm = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
	if (tap_ok(fm != MAP_FAILED, "map it"))
		bytes_are(fm, 10, 8192, 0, "... and through a mapping");

	/* a write far past the end leaves zeros in between. */
	tap_eq(ftruncate(fd, 0), 0, "truncate to 0");
	tap_eq(pwrite(fd, "Y", 1, 300000), 1, "write one byte at 300000");
	memset(big, PAT, 300001);
	tap_eq(pread(fd, big, 300001, 0), 300001, "read the whole file");
	bytes_are(big, 0, 300000, 0, "the gap before it reads zero");
	close(fd);
	free(big);
}

int main(void)
{
	stats();
	info_calls();
	signal_calls();
	frames();
	waits();
	dents();
	io_calls();
	fresh();
	return done_testing();
}
