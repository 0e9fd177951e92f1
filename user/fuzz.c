/* user/fuzz.c — the hostile syscall fuzzer: high volume, stateful, not
 * differential (docs/testing.md).
 *
 *   fuzz SEED COUNT [PROCS]   COUNT raw calls over PROCS workers (default 4)
 *   fuzz                      seed 1, 3000 calls, 2 workers: the quick run
 *                             of user/expect.txt (also on Linux)
 *   fuzz check                exits 0: the program the final check execs
 *
 * Each worker is a forked process with its own generator (seeded from SEED
 * and its number). It runs batches of BATCH calls, each batch in a forked
 * child that may die: a call may munmap the program, block every signal,
 * sigreturn into garbage or kill its own process group, and the child takes
 * that with it. A call is drawn from the kernel's whole table (user/hostile.h)
 * and its six arguments from pools: mostly by the call's shape (an fd where
 * it takes an fd, a path where a path ...) so that deep paths are reached,
 * sometimes from any pool. The pools mix valid values (the fds the worker
 * opened, its buffers, paths in its scratch directory, results of earlier
 * calls: fds, addresses, pids) with hostile ones: kernel addresses,
 * non-canonical values, NULL and small numbers, -1, the last user page and
 * its neighbours, both edges of every pool mapping, read-only, PROT_NONE and
 * swapped-out (MADV_PAGEOUT) pages, a shared file mapping past its end, huge
 * and negative lengths, bad and closed fds, random flags.
 *
 * Every call is first written into its worker's ring (the last RING calls,
 * in a MAP_SHARED page), its result after: when the run fails, the ring of
 * every worker is printed. Reproduction is `fuzz SEED COUNT PROCS` again:
 * batch B of worker W always draws the same calls (the timing of signals and
 * of the hang killer aside).
 *
 * Children may die; the kernel may not, and neither may the fuzzer's main
 * process (init, on faultline). The run ends with one summary line
 *
 *     fuzz: seed S: N calls by P workers in T s: R calls/s; ok K, -EFAULT E ...
 *
 * then checks what a machine after an attack must still do (fork, exec,
 * mmap, a pipe, its parent alive) and exits 0 if all calls were made and the
 * checks held.
 *
 * Where it may act. As /init (pid 1) the machine is the fuzzer's: pid 1 and
 * -1 are in the pid pool (init must survive what its children send it), raw
 * numbers beyond the table are tried, and device and /proc paths are in the
 * path pool. Elsewhere (the host, under make test-linux, often as root) it
 * must not touch anything but itself: the workers drop to uid/gid 65534
 * with limits on memory, file size and cores; signals and process_vm_* only
 * ever name its own processes; paths are names in its scratch directory
 * under /tmp; it makes its own IPC namespace when it can.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errname.h"
#include "hostile.h"
#include "rawsys.h"
#include "splitmix.h"

#define RING 16
#define BATCH 64
#define MAX_PROCS 16
#define MAX_ERRNO 134
#define PENDING LONG_MIN       /* the result of a call still running */
#define HANG_MS 250            /* a batch with no call done for this long is killed */
#define WATCHDOG_S 120         /* no call done by any worker for this long: fail */
#define NOBODY 65534
#define FD_FILE 3
#define FD_PIPE_R 4
#define FD_PIPE_W 5
#define FD_NULL 6
#define FD_DIR 7
#define FD_MAPPED 8            /* the file behind the shared mapping */
#define FD_CLOSED 9            /* opened, then closed */
#define FD_EXTRA 10            /* /proc/self/maps, or on faultline a device */

struct entry {
	long nr;
	long a[6];
	long ret;
};

/* One worker's page of shared memory, written by its batches. */
struct worker {
	volatile long done;              /* calls made */
	volatile long batches, died, hung, restarts;
	volatile long ok;                /* non-negative results */
	volatile long errs[MAX_ERRNO];   /* -errno results */
	volatile unsigned long head;     /* ring[head % RING] is the next entry */
	struct entry ring[RING];
	pid_t pid;
	int generation;
};

static struct worker *workers;
static int whole_machine; /* we are init: every process is ours */
static char scratch[PATH_MAX]; /* its absolute name */

/* ---- the pools ---- */

static char *pool_map;   /* rw rw ro none: one mapping, split by mprotect */
static char *pool_swap;  /* SWAP_PAGES written, then paged out before each batch */
static char *pool_file;  /* MAP_SHARED over a 100-byte file: page 2 is past its end */
static char *pool_str;   /* paths, iovecs, a sigset, a timespec */
static int have_top;     /* the last user page is ours */
#define SWAP_PAGES 8
#define NPATHS 12
static const char *paths[NPATHS];
static long recent[8];   /* the last non-negative results: fds, addresses, pids */
static unsigned nrecent;
static pid_t self, child;

static const char *const machine_paths[] = {
	"/proc/self/maps", "/proc/self/mem", "/proc/self/status", "/proc/1/status",
	"/dev/null", "/dev/zero", "/proc", "/dev/fb0",
};

/* Where a pointer may land: both edges of every pool mapping, the last
 * user page, kernel and non-canonical addresses, NULL. */
static long pointer(uint64_t r)
{
	static const long edges[] = { 0, 1, 3, 8, 16, 4093, 4095, 4096 };
	long off = edges[(r >> 8) % 8];

	switch (r % 16) {
	case 0: case 1: return (long)pool_map + off;               /* rw */
	case 2: return (long)pool_map + 2 * PAGE - off;            /* rw's end, into ro */
	case 3: return (long)pool_map + 3 * PAGE - off;            /* ro's end, into none */
	case 4: return (long)pool_map + 3 * PAGE + off;            /* none */
	case 5: return (long)pool_map - off;                       /* before the mapping */
	case 6: return (long)pool_swap + (long)((r >> 12) % SWAP_PAGES) * PAGE + off;
	case 7: return (long)pool_file + off;
	case 8: return (long)pool_file + 2 * PAGE - off;           /* past the file's end */
	case 9: return (long)TOP - off;                            /* the last user page */
	case 10: return (long)TOP + off;                           /* the hole above it */
	case 11: case 12: return kernel_addrs[(r >> 12) % NKERNEL_ADDRS] + off % 64;
	case 13: return (long)pool_str + (long)((r >> 12) % 16) * 64;
	case 14: return nrecent ? recent[(r >> 12) % 8] : 0;
	default: return off & 15; /* NULL and small */
	}
}

static long length(uint64_t r)
{
	static const long lens[] = {
		0, 1, 2, 7, 16, 100, 4095, 4096, 4097, 8192, 65536, 1l << 20,
		1l << 31, 1l << 32, 1l << 40, LONG_MAX, -1, -4096, INT_MAX, INT_MIN,
		0xffffffffl, 0x7ffffffff000l, (long)0x8000000000000000ul, 3 * 4096,
	};
	return lens[r % (sizeof(lens) / sizeof(lens[0]))];
}

static long fd_value(uint64_t r)
{
	switch (r % 12) {
	case 0: case 1: case 2: case 3: return FD_FILE + (long)((r >> 8) % 8);
	case 4: return (long)((r >> 8) % 32);
	case 5: return FD_CLOSED;
	case 6: return 1000;
	case 7: return -1;
	case 8: return AT_FDCWD;
	case 9: return INT_MAX;
	case 10: return 1l << 32 | FD_FILE;     /* an int is read as 32 bits */
	default: return nrecent ? recent[(r >> 8) % 8] : FD_FILE;
	}
}

/* A pid: our own processes, or none; with SIGNAL as init, also 1 and -1.
 * Only signals go there: init must survive what its children send it. A
 * root process may legitimately lower init's limits (prlimit64) or write
 * its memory (process_vm_writev), and that would end the fuzzer, not test
 * the kernel. */
static long pid_value(uint64_t r, int signal)
{
	switch (r % (whole_machine && signal ? 10 : 8)) {
	case 0: return 0;                /* our process group */
	case 1: case 2: return self;
	case 3: return child ? child : self;
	case 4: return -self;            /* our process group, by its id */
	case 5: return 99999;            /* nobody */
	case 6: return INT_MIN;
	case 7: return -99999;
	case 8: return 1;                /* init: must survive what we send */
	default: return -1;              /* every process but init */
	}
}

static long signal_value(uint64_t r)
{
	static const long sigs[] = {
		0, SIGKILL, SIGSTOP, SIGCONT, SIGTERM, SIGCHLD, SIGURG, SIGWINCH, SIGSEGV,
		SIGALRM, SIGTSTP, SIGTTIN, SIGHUP, SIGUSR1, 32, 33, 34, 64, 65, -1, 1l << 32,
	};
	if (r & 1)
		return (long)((r >> 8) % 66);
	return sigs[(r >> 8) % (sizeof(sigs) / sizeof(sigs[0]))];
}

static long small_int(uint64_t r)
{
	static const long ints[] = { 0, 1, 2, 3, 4, 8, 16, 64, 1024, -1, -2, INT_MIN, INT_MAX,
				     0xffffffffl, 1l << 32, LONG_MAX, LONG_MIN };
	if (r & 1)
		return (long)((r >> 8) % 40);
	return ints[(r >> 8) % (sizeof(ints) / sizeof(ints[0]))];
}

static long path_value(uint64_t r)
{
	if (r % 4 == 0)
		return pointer(r >> 2);
	if (whole_machine && r % 4 == 1)
		return (long)machine_paths[(r >> 2) % 8];
	return (long)paths[(r >> 2) % NPATHS];
}

/* One argument of kind K (a letter of the call's shape, below). */
static long draw(char k, uint64_t *rng)
{
	uint64_t r = splitmix(rng);

	if (r % 8 == 0) /* one argument in eight ignores the shape */
		k = "plxifsaP"[(r >> 3) % 8];
	r >>= 6;
	switch (k) {
	case 'f': return fd_value(r);
	case 'p': return pointer(r);
	case 'l': return length(r);
	case 'x': return r % 5 ? flag_word(r >> 3) : 0;
	case 's': return path_value(r);
	case 'P': return pid_value(r, 0);
	case 'S': return signal_value(r);
	case 'z': return r % 4 ? 8 : length(r >> 2); /* a sigset's size */
	case 'i': return small_int(r);
	default:
		switch (r % 5) {
		case 0: return pointer(r >> 3);
		case 1: return length(r >> 3);
		case 2: return flag_word(r >> 3);
		case 3: return small_int(r >> 3);
		default: return kernel_addrs[(r >> 3) % NKERNEL_ADDRS];
		}
	}
}

/* The kinds of each call's arguments: f fd, p pointer, l length or offset,
 * x flags, s path, P pid, S signal, z sigset size, i small int, a anything.
 * A call not listed takes six of 'a'. */
static const struct shape {
	const char *name, *kinds;
} shapes[] = {
	{ "read", "fpl" }, { "write", "fpl" }, { "open", "sxx" }, { "close", "f" },
	{ "stat", "sp" }, { "fstat", "fp" }, { "lstat", "sp" }, { "poll", "pii" },
	{ "lseek", "fli" }, { "mmap", "plxxfl" }, { "mprotect", "plx" }, { "munmap", "pl" },
	{ "brk", "p" }, { "rt_sigaction", "Sppz" }, { "rt_sigprocmask", "ippz" },
	{ "rt_sigreturn", "" }, { "ioctl", "fxp" }, { "pread64", "fpll" },
	{ "pwrite64", "fpll" }, { "readv", "fpi" }, { "writev", "fpi" }, { "access", "sx" },
	{ "pipe", "p" }, { "select", "ipppp" }, { "msync", "plx" }, { "mincore", "plp" },
	{ "madvise", "pli" }, { "dup", "f" }, { "dup2", "ff" }, { "nanosleep", "pp" },
	{ "getitimer", "ip" }, { "alarm", "i" }, { "setitimer", "ipp" },
	{ "clone", "xpppp" }, { "execve", "spp" }, { "wait4", "Ppxp" }, { "kill", "PS" },
	{ "uname", "p" }, { "fcntl", "fia" }, { "fsync", "f" }, { "fdatasync", "f" },
	{ "ftruncate", "fl" }, { "getcwd", "pl" }, { "chdir", "s" }, { "fchdir", "f" },
	{ "rename", "ss" }, { "mkdir", "sx" }, { "rmdir", "s" }, { "link", "ss" },
	{ "unlink", "s" }, { "symlink", "ss" }, { "readlink", "spl" }, { "chmod", "sx" },
	{ "fchmod", "fx" }, { "chown", "sii" }, { "fchown", "fii" }, { "lchown", "sii" },
	{ "umask", "x" }, { "gettimeofday", "pp" }, { "getrlimit", "ip" },
	{ "sysinfo", "p" }, { "setpgid", "Pa" }, { "getpgid", "P" }, { "getsid", "P" },
	{ "capget", "pp" }, { "capset", "pp" }, { "rt_sigpending", "pz" },
	{ "rt_sigtimedwait", "pppz" }, { "rt_sigqueueinfo", "PSp" },
	{ "rt_sigsuspend", "pz" }, { "sigaltstack", "pp" }, { "statfs", "sp" },
	{ "fstatfs", "fp" }, { "mlock", "pl" }, { "munlock", "pl" }, { "mlockall", "x" },
	{ "prctl", "iaaaa" }, { "arch_prctl", "ip" }, { "setrlimit", "ip" },
	{ "swapon", "sx" }, { "swapoff", "s" }, { "futex", "pipppi" }, { "tkill", "PS" },
	{ "getdents64", "fpl" }, { "set_tid_address", "p" }, { "clock_gettime", "ip" },
	{ "clock_getres", "ip" }, { "clock_nanosleep", "ixpp" }, { "tgkill", "PPS" },
	{ "mq_open", "sxxp" }, { "mq_unlink", "s" }, { "mq_timedsend", "fplip" },
	{ "mq_timedreceive", "fplpp" }, { "mq_notify", "fp" }, { "mq_getsetattr", "fpp" },
	{ "waitid", "iPpxp" }, { "openat", "fsxx" }, { "mkdirat", "fsx" },
	{ "fchownat", "fsiix" }, { "newfstatat", "fspx" }, { "unlinkat", "fsx" },
	{ "renameat", "fsfs" }, { "linkat", "fsfsx" }, { "symlinkat", "sfs" },
	{ "readlinkat", "fspl" }, { "fchmodat", "fsx" }, { "faccessat", "fsx" },
	{ "pselect6", "ipppp" }, { "ppoll", "pippz" }, { "set_robust_list", "pl" },
	{ "get_robust_list", "Ppp" }, { "dup3", "ffx" }, { "pipe2", "px" },
	{ "preadv", "fpill" }, { "pwritev", "fpill" }, { "rt_tgsigqueueinfo", "PPSp" },
	{ "prlimit64", "Pipp" }, { "process_vm_readv", "Ppipix" },
	{ "process_vm_writev", "Ppipix" }, { "renameat2", "fsfsx" }, { "getrandom", "plx" },
	{ "mlock2", "plx" }, { "preadv2", "fpillx" }, { "pwritev2", "fpillx" },
	{ "clone3", "pl" },
};

/* Arguments that name a process are always drawn from the pid pool, shape
 * or not: off init, a random number could be some other process of the
 * host. (As init every process is the fuzzer's: the pool of the signals,
 * I, then has 1 and -1.) */
static const struct shape pid_args[] = {
	{ "kill", "I" }, { "tkill", "I" }, { "tgkill", "II" }, { "rt_sigqueueinfo", "I" },
	{ "rt_tgsigqueueinfo", "II" }, { "prlimit64", "P" }, { "process_vm_readv", "P" },
	{ "process_vm_writev", "P" }, { "setpgid", "P" },
};

/* The deny-list: calls never made raw, because they end the fuzzer rather
 * than test the kernel. exit and exit_group end the batch at once (every
 * batch ends with exit_group anyway, so the kernel sees them all the time). */
static const char *const denied[] = { "exit", "exit_group" };

static const char *kinds_of(const char *name, const struct shape *table, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(table[i].name, name))
			return table[i].kinds;
	return NULL;
}

/* ---- one batch, in a child that may die ---- */

static void on_alarm(int sig)
{
	(void)sig;
}

/* Makes call C with A, recording it in W's ring first. */
static long make_call(struct worker *w, long nr, const long *a)
{
	struct entry *e = &w->ring[w->head++ % RING];

	e->nr = nr;
	memcpy(e->a, a, sizeof(e->a));
	e->ret = PENDING;
	long ret = rawsys(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	e->ret = ret;
	return ret;
}

static void count(struct worker *w, long ret)
{
	if (ret >= 0 || ret < -4095)
		w->ok++;
	else
		w->errs[-ret < MAX_ERRNO ? -ret : 0]++;
	w->done++;
}

/* One call drawn from RNG: its number (with the high half of RAX set, or
 * off init one beyond the table, now and then) and arguments. */
static long draw_call(uint64_t *rng, long *a)
{
	const struct call *c;

	do
		c = &calls[splitmix(rng) % NCALLS];
	while (LISTED(c->name, denied));
	const char *kinds = kinds_of(c->name, shapes, sizeof(shapes) / sizeof(shapes[0]));
	for (int i = 0; i < 6; i++)
		a[i] = draw(kinds && kinds[i] ? kinds[i] : 'a', rng);
	const char *pids = kinds_of(c->name, pid_args, sizeof(pid_args) / sizeof(pid_args[0]));
	for (int i = 0; pids && pids[i]; i++)
		a[i] = pid_value(splitmix(rng), pids[i] == 'I');
	uint64_t r = splitmix(rng);
	if (r % 32 == 0)
		return c->nr | 1l << 32; /* the number is the low 32 bits */
	if (whole_machine && r % 32 == 1) {
		static const long odd[] = { 1000, 512, 335, 436, -1, INT_MAX, 0xffffffffl, LONG_MIN };
		return odd[(r >> 8) % 8];
	}
	return c->nr;
}

static int makes_process(long nr)
{
	nr &= 0xffffffff;
	return nr == SYS_fork || nr == SYS_vfork || nr == SYS_clone || nr == SYS_clone3;
}

static void note_result(long nr, long ret)
{
	if (ret >= 0) {
		recent[nrecent++ % 8] = ret;
		if (makes_process(nr) && ret > 0)
			child = (pid_t)ret;
	}
}

/* Runs N calls of RNG in this (forked) child and exits. */
static void batch(struct worker *w, uint64_t rng, long n)
{
	setpgid(0, 0); /* kill(0, ...) reaches this batch, not its worker */
	self = getpid();
	/* Bounds every blocking call: SIGALRM every 5 ms, caught, so a
	 * sleep, pause or read of an empty pipe ends with EINTR. The calls may
	 * disarm it or block the signal; the worker's hang killer is behind. */
	struct sigaction sa = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval every = { { 0, 5000 }, { 0, 5000 } };
	setitimer(ITIMER_REAL, &every, NULL);
	for (long i = 0; i < n; i++) {
		long a[6];
		long nr = draw_call(&rng, a);
		long ret = make_call(w, nr, a);
		if (makes_process(nr) && rawsys(SYS_gettid, 0, 0, 0, 0, 0, 0) != self)
			rawsys(SYS_exit, 0, 0, 0, 0, 0, 0); /* the new process or thread */
		note_result(nr, ret);
		count(w, ret);
	}
	rawsys(SYS_exit_group, 0, 0, 0, 0, 0, 0);
}

/* ---- a worker: batches in children, each killed if it hangs ---- */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void move_fd(int fd, int to)
{
	if (fd >= 0 && fd != to) {
		dup2(fd, to);
		close(fd);
	}
}

static void fail(const char *what)
{
	perror(what);
	exit(2);
}

/* The pools, made once per worker and inherited by its batches, at fixed
 * addresses with a hole of POOL_GAP between them: a pointer just past one
 * pool's end lands in no mapping, never in the shared pages (which the
 * kernel would have put right next to them). */
#define POOL_BASE 0x200000000000ul
#define POOL_GAP (16 * PAGE)
static void *pool_at(int index, size_t pages)
{
	void *want = (void *)(POOL_BASE + (unsigned long)index * (SWAP_PAGES * PAGE + POOL_GAP));
	void *p = mmap(want, pages * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p != want)
		fail("fuzz: pools");
	return p;
}

static void make_pools(void)
{
	int anon = MAP_PRIVATE | MAP_ANONYMOUS;

	pool_map = pool_at(0, 4);
	pool_swap = pool_at(1, SWAP_PAGES);
	pool_str = pool_at(2, 1);
	if (mprotect(pool_map + 2 * PAGE, PAGE, PROT_READ) ||
	    mprotect(pool_map + 3 * PAGE, PAGE, PROT_NONE))
		fail("fuzz: pools");
	have_top = mmap((void *)(TOP - PAGE), PAGE, PROT_READ | PROT_WRITE,
			anon | MAP_FIXED_NOREPLACE, -1, 0) == (void *)(TOP - PAGE);
	memset(pool_swap, 0x5a, SWAP_PAGES * PAGE);
	static const char *const names[] = { "f", "d", "l", "d/f", "nosuch", "", "f/x", ".",
					     "/fuzzq", "d/../f", "l/" };
	char *s = pool_str;
	int n = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++, s += 16)
		paths[n++] = strcpy(s, names[i]);
	memset(s, 'n', 300); /* a name longer than NAME_MAX */
	paths[n++] = s;
	struct iovec *iov = (struct iovec *)(pool_str + 2048);
	iov[0] = (struct iovec){ pool_map, 16 };
	iov[1] = (struct iovec){ pool_map + 2 * PAGE, 16 };
	iov[2] = (struct iovec){ (void *)kernel_addrs[0], 16 };
	iov[3] = (struct iovec){ pool_swap, PAGE };
}

/* The scratch directory's files and the worker's fds, remade before each
 * batch as far as a batch may have broken them. */
static void make_files(void)
{
	static const char text[100] = "the regular file of fuzz: 100 bytes";
	int fd = open("f", O_RDWR | O_CREAT, 0644);
	if (fd >= 0 && pwrite(fd, text, sizeof(text), 0) < 0)
		fd = -1;
	close(fd);
	mkdir("d", 0755);
	symlink("f", "l");
	if (fcntl(FD_FILE, F_GETFD) < 0)
		move_fd(open("f", O_RDWR), FD_FILE);
	if (fcntl(FD_PIPE_R, F_GETFD) < 0 || fcntl(FD_PIPE_W, F_GETFD) < 0) {
		int p[2];
		if (pipe(p) == 0) {
			move_fd(p[0], 60);
			move_fd(p[1], 61);
			move_fd(60, FD_PIPE_R);
			move_fd(61, FD_PIPE_W);
		}
	}
	if (fcntl(FD_NULL, F_GETFD) < 0)
		move_fd(open("/dev/null", O_RDWR), FD_NULL);
	if (fcntl(FD_DIR, F_GETFD) < 0)
		move_fd(open(".", O_RDONLY | O_DIRECTORY), FD_DIR);
	if (fcntl(FD_EXTRA, F_GETFD) < 0)
		move_fd(open(whole_machine ? "/dev/zero" : "/proc/self/maps", O_RDONLY), FD_EXTRA);
	close(FD_CLOSED);
	fcntl(FD_PIPE_W, F_SETFL, O_NONBLOCK);
	write(FD_PIPE_W, "0123456789abcdef", 16);
}

/* The shared mapping of a file past its end (the file "mapped"). */
static void make_file_mapping(void)
{
	int fd = open("mapped", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0 && write(fd, "mapped file", 11) != 11)
		close(fd), fd = -1;
	move_fd(fd, FD_MAPPED);
	void *want = (void *)(POOL_BASE + 3 * (SWAP_PAGES * PAGE + POOL_GAP));
	pool_file = mmap(want, 2 * PAGE, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED_NOREPLACE, FD_MAPPED, 0);
	if (pool_file != want) /* the batches may have made the file impossible */
		pool_file = pool_map;
}

/* Off init: nothing of the host beyond the fuzzer's own files and
 * processes. uid/gid 65534 (swapon, mount, chown of other users' files, raised
 * limits are refused), and limits on memory, file size and core dumps. */
static void confine(void)
{
	struct rlimit as = { 1ul << 30, 1ul << 30 }, fsize = { 16ul << 20, 16ul << 20 };
	struct rlimit nproc = { 512, 512 };

	setrlimit(RLIMIT_AS, &as);
	setrlimit(RLIMIT_FSIZE, &fsize);
	if (geteuid() == 0) {
		setrlimit(RLIMIT_NPROC, &nproc);
		/* faultline keeps no supplementary groups: none to drop (ENOSYS) */
		if ((setgroups(0, NULL) && errno != ENOSYS) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			fail("fuzz: dropping root");
	}
}

/* Waits for batch PID, killing it when it has made no call for HANG_MS or
 * has stopped itself (SIGSTOP to its own group): either way it would only
 * sit there. */
static int wait_batch(struct worker *w, pid_t pid)
{
	long seen = w->done;
	double last = now();
	int status;

	for (;;) {
		pid_t got = waitpid(pid, &status, WUNTRACED);
		if (got == pid && !WIFSTOPPED(status))
			return status;
		if (got < 0 && errno != EINTR)
			return 0;
		if (got == pid || (w->done == seen && now() - last > HANG_MS / 1000.0)) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			w->hung++;
		} else if (w->done != seen) {
			seen = w->done;
			last = now();
		}
	}
}

static void worker(int index, uint64_t seed, long quota)
{
	struct worker *w = &workers[index];
	struct rlimit core = { 0, 0 };

	setsid(); /* a batch cannot join the main process's group */
	setrlimit(RLIMIT_CORE, &core);
	if (!whole_machine)
		confine();
	/* The calls must never reach the console: fds 0-2 are /dev/null, or
	 * closed if a batch (root, as init) removed /dev/null. */
	for (int fd = 0; fd < 3; fd++) {
		close(fd);
		move_fd(open("/dev/null", O_RDWR), fd);
	}
	/* A batch may have removed or moved the scratch directory: remade. */
	if (chdir(scratch) && (mkdir(scratch, 0777) || chdir(scratch)))
		fail("fuzz: scratch");
	make_pools();
	make_file_mapping();
	struct sigaction sa = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval tick = { { 0, 50000 }, { 0, 50000 } };
	setitimer(ITIMER_REAL, &tick, NULL);
	uint64_t wseed = seed * 0x100000001b3ul ^ (uint64_t)(index + 1) * 0x9e3779b97f4a7c15ul ^
			 (uint64_t)w->generation << 48;
	while (w->done < quota) {
		make_files();
		madvise(pool_swap, SWAP_PAGES * PAGE, MADV_PAGEOUT);
		uint64_t rng = wseed ^ (uint64_t)w->batches * 0xd1b54a32d192ed03ul;
		long n = quota - w->done < BATCH ? quota - w->done : BATCH;
		pid_t pid = fork();
		if (pid == 0)
			batch(w, rng, n);
		if (pid < 0) {
			struct timespec nap = { 0, 10000000 };
			nanosleep(&nap, NULL);
			continue;
		}
		int status = wait_batch(w, pid);
		if (WIFSIGNALED(status))
			w->died++;
		while (waitpid(-1, NULL, WNOHANG) > 0) /* what the batch left */
			;
		w->batches++;
	}
	exit(0);
}

/* ---- the main process: workers, the watchdog, the summary ---- */

static pid_t start_worker(int index, uint64_t seed, long quota)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		worker(index, seed, quota);
	workers[index].pid = pid;
	return pid;
}

static void print_rings(int procs)
{
	for (int i = 0; i < procs; i++) {
		struct worker *w = &workers[i];
		printf("fuzz: worker %d (generation %d): the last calls, oldest first:\n", i,
		       w->generation);
		for (unsigned long k = w->head > RING ? w->head - RING : 0; k < w->head; k++) {
			struct entry *e = &w->ring[k % RING];
			char res[32];
			printf("  nr=%#lx %#lx %#lx %#lx %#lx %#lx %#lx -> %s\n", e->nr, e->a[0],
			       e->a[1], e->a[2], e->a[3], e->a[4], e->a[5],
			       e->ret == PENDING ? "(no result)" : result_name(e->ret, res, sizeof(res)));
		}
	}
}

static long total_done(int procs)
{
	long sum = 0;
	for (int i = 0; i < procs; i++)
		sum += workers[i].done;
	return sum;
}

static int worker_index(pid_t pid, int procs)
{
	for (int i = 0; i < procs; i++)
		if (workers[i].pid == pid)
			return i;
	return -1;
}

/* Runs the workers to the end; restarts one killed (a batch may kill its
 * worker: kill(-1) as init, or a group it joined), not one that exited
 * (it could not set up). Returns 0 if all
 * finished, -1 if the watchdog fired. */
static int run_workers(uint64_t seed, long count, int procs)
{
	long quota = count / procs;
	int running = procs;
	long seen = 0;
	double last = now();

	for (int i = 0; i < procs; i++)
		start_worker(i, seed, quota + (i == 0 ? count % procs : 0));
	while (running > 0) {
		int status;
		pid_t pid = waitpid(-1, &status, WUNTRACED);
		if (pid < 0 && errno == ECHILD)
			break;
		int i = pid > 0 ? worker_index(pid, procs) : -1;
		if (i >= 0 && WIFSTOPPED(status)) {
			kill(pid, SIGCONT);
		} else if (i >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			workers[i].pid = 0;
			running--;
		} else if (i >= 0 && !WIFSIGNALED(status)) {
			printf("fuzz: worker %d could not start (status %d)\n", i, WEXITSTATUS(status));
			workers[i].pid = 0;
			running--;
		} else if (i >= 0) {
			workers[i].restarts++;
			workers[i].generation++;
			start_worker(i, seed, quota + (i == 0 ? count % procs : 0));
		}
		long done = total_done(procs);
		if (done != seen) {
			seen = done;
			last = now();
		} else if (now() - last > WATCHDOG_S) {
			printf("fuzz: no call made for %d s: hung\n", WATCHDOG_S);
			print_rings(procs);
			return -1;
		}
	}
	return 0;
}

static void summary(uint64_t seed, int procs, double seconds)
{
	long calls = 0, ok = 0, batches = 0, died = 0, hung = 0, restarts = 0;
	long errs[MAX_ERRNO] = { 0 };

	for (int i = 0; i < procs; i++) {
		struct worker *w = &workers[i];
		calls += w->done;
		ok += w->ok;
		batches += w->batches;
		died += w->died;
		hung += w->hung;
		restarts += w->restarts;
		for (int e = 0; e < MAX_ERRNO; e++)
			errs[e] += w->errs[e];
	}
	printf("fuzz: seed %llu: %ld calls by %d workers in %.1f s: %.0f calls/s; ok %ld",
	       (unsigned long long)seed, calls, procs, seconds, calls / seconds, ok);
	for (int e = 1; e < MAX_ERRNO; e++) {
		char name[32];
		if (errs[e])
			printf(", %s %ld", result_name(-e, name, sizeof(name)), errs[e]);
	}
	printf("; batches %ld (%ld died by a signal, %ld killed hanging), workers restarted %ld\n",
	       batches, died, hung, restarts);
}

/* What a machine must still do after the attack: its parent is there (as
 * init: it is still pid 1), it can fork and exec, map and touch memory,
 * and move bytes through a pipe. Returns the number of checks that failed. */
static int after_checks(const char *argv0, pid_t parent)
{
	int bad = 0;

	if (whole_machine ? getpid() != 1 : getppid() != parent) {
		printf("fuzz: check failed: the parent changed\n");
		bad++;
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		execl(argv0, argv0, "check", (char *)NULL);
		_exit(127);
	}
	int status = -1;
	if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0) {
		printf("fuzz: check failed: fork and exec of %s (status %#x)\n", argv0, status);
		bad++;
	}
	char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || (memset(p, 1, 1 << 20), p[12345] != 1) || munmap(p, 1 << 20)) {
		printf("fuzz: check failed: mmap\n");
		bad++;
	}
	int fds[2];
	char c = 0;
	if (pipe(fds) || write(fds[1], "x", 1) != 1 || read(fds[0], &c, 1) != 1 || c != 'x') {
		printf("fuzz: check failed: a pipe\n");
		bad++;
	}
	return bad;
}

/* SIZE bytes of MAP_SHARED memory between two PROT_NONE guard pages: a
 * batch's copy that runs off the end of a mapping it got next to them stops
 * there. */
static void *shared_pages(size_t size)
{
	size = (size + PAGE - 1) & ~(PAGE - 1);
	char *guard = mmap(NULL, size + 2 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard == MAP_FAILED ||
	    mmap(guard + PAGE, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0) != guard + PAGE)
		fail("fuzz: shared pages");
	return guard + PAGE;
}

/* The scratch directory: /tmp/fuzz.XXXXXX (or in the current one), ours
 * alone; the workers' uid owns it off init. */
static void make_scratch(void)
{
	if (chdir("/tmp"))
		chdir(".");
	char name[] = "fuzz.XXXXXX";
	if (!mkdtemp(name))
		fail("fuzz: mkdtemp");
	if (!whole_machine && geteuid() == 0 && chown(name, NOBODY, NOBODY))
		fail("fuzz: chown");
	if (chdir(name) || !getcwd(scratch, sizeof(scratch)))
		fail("fuzz: chdir");
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "check"))
		return 0;
	uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
	long count = argc > 2 ? strtol(argv[2], NULL, 0) : 3000;
	int procs = argc > 3 ? atoi(argv[3]) : argc > 1 ? 4 : 2;
	if (procs < 1 || procs > MAX_PROCS || count < procs) {
		fprintf(stderr, "usage: fuzz SEED COUNT [PROCS], 1 <= PROCS <= %d <= COUNT\n",
			MAX_PROCS);
		return 2;
	}
	whole_machine = getpid() == 1;
	pid_t parent = getppid();
	/* Itself, wherever the scratch directory took the cwd (realpath would
	 * need /proc/self/fd, which faultline has not). */
	const char *argv0 = "/proc/self/exe";
	struct sigaction sa = { .sa_handler = on_alarm }; /* wakes waitpid for the watchdog */
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval tick = { { 1, 0 }, { 1, 0 } };
	setitimer(ITIMER_REAL, &tick, NULL);
	printf("fuzz: seed %llu, %ld calls, %d workers%s\n", (unsigned long long)seed, count,
	       procs, whole_machine ? ", as init" : "");
	if (!whole_machine) {
		setsid();
		if (geteuid() == 0)
			unshare(CLONE_NEWIPC); /* message queues die with the run */
		prctl(PR_SET_CHILD_SUBREAPER, 1); /* orphans come to us, not init */
	}
	make_scratch();
	workers = shared_pages(sizeof(struct worker) * MAX_PROCS);
	double start = now();
	int hung = run_workers(seed, count, procs);
	double seconds = now() - start;
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	if (hung) {
		for (int i = 0; i < procs; i++)
			if (workers[i].pid > 0)
				kill(workers[i].pid, SIGKILL);
		return 1;
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	summary(seed, procs, seconds);
	remove_tree(AT_FDCWD, scratch);
	int bad = after_checks(argv0, parent);
	long calls = total_done(procs);
	if (calls < count) {
		printf("fuzz: only %ld of %ld calls made\n", calls, count);
		print_rings(procs);
		bad++;
	}
	return bad ? 1 : 0;
}
