/* user/padding.c — every structure the kernel copies out is fully written:
 * its padding and reserved fields hold zeros, never stale kernel bytes
 * (the padding-leak CVEs: CVE-2009-2847's sigaltstack, CVE-2010-4083's
 * semctl, ...). Each output buffer is filled with FILL first; where Linux
 * zeroes a gap the gap must be zero, where Linux writes field by field and
 * leaves the rest alone (waitid's siginfo, getdents64's alignment, the
 * signal frame) each byte must be FILL or zero. Everything received is also
 * searched for the leak canaries (user/canary.h), as are pages mapped fresh,
 * which must be zero. Raw system calls throughout: libc may copy fields
 * into its own layout and hide the kernel's bytes. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "canary.h"
#include "rawsys.h"

#define FILL 0xa5

static unsigned char buf[8192];

static void fill(void) { memset(buf, FILL, sizeof(buf)); }

/* Linux zeroes [off, off+len) of what 'what' returned. */
static void zeroed(const unsigned char *b, size_t off, size_t len, const char *what)
{
	size_t bad = 0;
	for (size_t i = off; i < off + len; i++)
		bad += b[i] != 0;
	tap_ok(!bad, "%s: bytes %zu..%zu are zero (%zu are not)", what, off, off + len, bad);
}

/* Linux leaves [off, off+len) as it was: FILL, or zero, never anything else. */
static void untouched(const unsigned char *b, size_t off, size_t len, const char *what)
{
	size_t bad = 0;
	for (size_t i = off; i < off + len; i++)
		bad += b[i] != 0 && b[i] != FILL;
	tap_ok(!bad, "%s: bytes %zu..%zu hold no kernel data (%zu do)", what, off, off + len, bad);
}

static void stat_padding(void)
{
	fill();
	tap_ok(SYS4(SYS_newfstatat, AT_FDCWD, "/", buf, 0) == 0, "newfstatat /");
	zeroed(buf, 36, 4, "stat __pad0");
	zeroed(buf, 120, 24, "stat __unused");
	canary_check(buf, 144, "stat");
	fill();
	tap_ok(SYS2(SYS_statfs, "/", buf) == 0, "statfs /");
	zeroed(buf, 88, 32, "statfs f_spare");
	canary_check(buf, 120, "statfs");
}

static void info_padding(void)
{
	fill();
	tap_ok(SYS1(SYS_sysinfo, buf) == 0, "sysinfo");
	zeroed(buf, 82, 6, "sysinfo pad after procs");
	zeroed(buf, 108, 4, "sysinfo tail");
	canary_check(buf, 112, "sysinfo");
	fill();
	tap_ok(SYS1(SYS_uname, buf) == 0, "uname");
	for (int f = 0; f < 6; f++) {
		size_t len = strnlen((char *)buf + 65 * f, 65);
		zeroed(buf + 65 * f, len, 65 - len, "uname field past its NUL");
	}
	canary_check(buf, 390, "uname");
	fill();
	tap_ok(SYS4(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, buf) == 0, "prlimit64 old");
	canary_check(buf, 16, "prlimit64");
	fill();
	tap_ok(SYS2(SYS_clock_getres, CLOCK_MONOTONIC, buf) == 0, "clock_getres");
	canary_check(buf, 16, "clock_getres");
	fill();
	tap_ok(SYS2(SYS_getitimer, ITIMER_REAL, buf) == 0, "getitimer");
	canary_check(buf, 32, "getitimer");
}

static unsigned char frame_info[128], frame_uc[304];

static void on_usr2(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	memcpy(frame_info, si, sizeof(frame_info));
	memcpy(frame_uc, uc, sizeof(frame_uc));
}

/* The frame is built on an alternate stack filled with FILL beforehand. */
static void signal_padding(void)
{
	static unsigned char altstack[65536];
	memset(altstack, FILL, sizeof(altstack));
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	tap_ok(SYS2(SYS_sigaltstack, &ss, NULL) == 0, "sigaltstack set");
	fill();
	tap_ok(SYS2(SYS_sigaltstack, NULL, buf) == 0, "sigaltstack old");
	zeroed(buf, 12, 4, "stack_t pad");
	canary_check(buf, 24, "sigaltstack");

	struct sigaction sa = { .sa_sigaction = on_usr2, .sa_flags = SA_SIGINFO | SA_ONSTACK };
	sigaction(SIGUSR2, &sa, NULL);
	fill();
	tap_ok(SYS4(SYS_rt_sigaction, SIGUSR2, NULL, buf, 8) == 0, "rt_sigaction old");
	canary_check(buf, 32, "rt_sigaction");
	kill(getpid(), SIGUSR2);
	zeroed(frame_info, 12, 4, "handler siginfo pad");
	zeroed(frame_info, 24, 104, "handler siginfo past si_uid");
	canary_check(frame_info, sizeof(frame_info), "handler siginfo");
	untouched(frame_uc, 28, 4, "ucontext uc_stack pad");
	untouched(frame_uc, 232, 64, "ucontext sigcontext __reserved1");
	canary_check(frame_uc, sizeof(frame_uc), "handler ucontext");

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	kill(getpid(), SIGUSR1);
	fill();
	tap_ok(SYS4(SYS_rt_sigtimedwait, &set, buf, NULL, 8) == SIGUSR1, "rt_sigtimedwait");
	zeroed(buf, 12, 4, "sigtimedwait siginfo pad");
	zeroed(buf, 24, 104, "sigtimedwait siginfo past si_uid");
	canary_check(buf, 128, "rt_sigtimedwait");
}

static void wait_padding(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(3);
	fill();
	tap_ok(SYS4(SYS_waitid, P_PID, pid, buf, WEXITED) == 0, "waitid");
	zeroed(buf, 4, 4, "waitid si_errno");
	untouched(buf, 12, 4, "waitid siginfo pad");
	untouched(buf, 28, 100, "waitid siginfo past si_status");
	canary_check(buf, 128, "waitid");
	pid = fork();
	if (pid == 0)
		_exit(4);
	fill();
	int status;
	tap_ok(SYS4(SYS_wait4, pid, &status, 0, buf) == pid, "wait4 with rusage");
	static const size_t unused[] = { 40, 48, 56, 80, 104, 112, 120 }; /* ixrss idrss isrss nswap msgsnd msgrcv nsignals */
	for (size_t i = 0; i < sizeof(unused) / sizeof(unused[0]); i++)
		zeroed(buf, unused[i], 8, "rusage field Linux does not keep");
	canary_check(buf, 144, "wait4 rusage");
}

/* Records are 8-byte aligned; the bytes after a name's NUL are Linux's to leave. */
static void dents_padding(void)
{
	mkdir("/tmp/padding.d", 0700);
	const char *names[] = { "a", "bb", "ccc", "dddd", "eeeee", "ffffffffffff" };
	for (size_t i = 0; i < 6; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/tmp/padding.d/%s", names[i]);
		close(open(path, O_CREAT | O_WRONLY, 0600));
	}
	int fd = open("/tmp/padding.d", O_RDONLY | O_DIRECTORY);
	fill();
	long n = SYS3(SYS_getdents64, fd, buf, sizeof(buf));
	tap_ok(n > 0, "getdents64 -> %ld", n);
	size_t bad = 0;
	for (long off = 0; off < n;) {
		unsigned short reclen;
		memcpy(&reclen, buf + off + 16, 2);
		size_t end = 19 + strlen((char *)buf + off + 19) + 1;
		for (size_t i = end; i < reclen; i++)
			bad += buf[off + i] != 0 && buf[off + i] != FILL;
		off += reclen ? reclen : n;
	}
	tap_ok(!bad, "getdents64: no kernel data after the names (%zu bytes)", bad);
	canary_check(buf, (size_t)(n > 0 ? n : 0), "getdents64");
	close(fd);
	for (size_t i = 0; i < 6; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/tmp/padding.d/%s", names[i]);
		unlink(path);
	}
	rmdir("/tmp/padding.d");
}

static void mq_padding(void)
{
	long q = SYS4(SYS_mq_open, "padding", O_CREAT | O_RDWR, 0600, NULL);
	tap_ok(q >= 0, "mq_open");
	fill();
	tap_ok(SYS3(SYS_mq_getsetattr, q, NULL, buf) == 0, "mq_getsetattr");
	zeroed(buf, 32, 32, "mq_attr __reserved");
	canary_check(buf, 64, "mq_getsetattr");
	close((int)q);
	SYS1(SYS_mq_unlink, "padding");
}

/* /proc files the kernel writes afresh on every read. */
static void proc_text(void)
{
	const char *files[] = { "/proc/meminfo", "/proc/self/maps", "/proc/self/stat",
				"/proc/self/status", "/proc/self/cmdline" };
	for (size_t i = 0; i < 5; i++) {
		int fd = open(files[i], O_RDONLY);
		fill();
		ssize_t n = fd < 0 ? 0 : read(fd, buf, sizeof(buf));
		canary_check(buf, n > 0 ? (size_t)n : 0, files[i]);
		close(fd);
	}
}

static size_t nonzero(const unsigned char *p, size_t n)
{
	size_t bad = 0;
	for (size_t i = 0; i < n; i++)
		bad += p[i] != 0;
	return bad;
}

/* Pages freed a moment ago are handed out again: zero, never their canary. */
static void fresh_pages(void)
{
	size_t len = 16 << 20;
	unsigned char *old = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(old, 0x5a, len);
	munmap(old, len);
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (size_t i = 0; i < len; i += 4096)
		p[i + 1] = 0; /* a write fault: a frame of its own, not the zero page */
	tap_ok(nonzero(p, len) == 0, "fresh private anonymous pages are zero");
	canary_check(p, len, "fresh private anonymous pages");
	munmap(p, len);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	tap_ok(nonzero(p, len) == 0, "fresh shared anonymous pages are zero");
	canary_check(p, len, "fresh shared anonymous pages");
	munmap(p, len);

	int fd = open("/tmp/padding.file", O_CREAT | O_RDWR | O_TRUNC, 0600);
	tap_ok(fd >= 0 && write(fd, "0123456789", 10) == 10, "a 10-byte file");
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	tap_ok(p != MAP_FAILED && nonzero(p + 10, 4096 - 10) == 0, "its page past EOF is zero");
	canary_check(p, 4096, "a file's last page");
	munmap(p, 4096);
	tap_ok(ftruncate(fd, 3 * 4096) == 0, "ftruncate to 3 pages");
	p = mmap(NULL, 3 * 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	tap_ok(p != MAP_FAILED && nonzero(p + 10, 3 * 4096 - 10) == 0, "the pages ftruncate added are zero");
	canary_check(p, 3 * 4096, "pages ftruncate added");
	munmap(p, 3 * 4096);
	close(fd);
	unlink("/tmp/padding.file");

	unsigned char *top = (unsigned char *)SYS1(SYS_brk, 0); /* musl's sbrk only says where */
	tap_ok(SYS1(SYS_brk, top + (1 << 20)) == (long)(top + (1 << 20)), "brk grows by 1 MiB");
	tap_ok(nonzero(top, 1 << 20) == 0, "the new heap is zero");
	canary_check(top, 1 << 20, "new heap pages");
}

int main(void)
{
	stat_padding();
	info_padding();
	signal_padding();
	wait_padding();
	dents_padding();
	mq_padding();
	proc_text();
	fresh_pages();
	return done_testing();
}
