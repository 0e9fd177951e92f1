/* user/clocks.c — clock_gettime, clock_getres, time and clock_nanosleep
 * over every clock id Linux has, the CPU-time clocks of this and another
 * process, and a clock that keeps running through a long system call.
 *
 * Linux behaviours asserted here, each found by running it:
 *  - ids 0-7 and 11 (TAI) read; 10 (SGI_CYCLE, removed) and 12 up are
 *    EINVAL; the alarm clocks 8 and 9 are EINVAL without an RTC that can
 *    wake the machine (this host has none, nor has faultline).
 *  - resolution: 1 ns for the hrtimer clocks and the scheduler's CPU
 *    clocks; one tick for the coarse clocks and the PROF and VIRT CPU
 *    clocks. getres with a NULL pointer only checks the id.
 *  - a negative id is a CPU clock: ~pid << 3 | thread << 2 | PROF/VIRT/
 *    SCHED (musl's clock_getcpuclockid makes the SCHED one); pid 0 is the
 *    caller; a thread clock of another process, a pid that does not exist
 *    and bits 0-1 = 3 are EINVAL.
 *  - clock_nanosleep: EINVAL for an unknown id, EOPNOTSUPP for a clock that
 *    cannot be slept on (THREAD_CPUTIME_ID, MONOTONIC_RAW, the coarse
 *    clocks) before the request is read; then EFAULT, EINVAL for the
 *    request; then EINVAL for a thread's CPU clock, EOPNOTSUPP for an alarm
 *    clock without its RTC. Flag bits other than TIMER_ABSTIME are ignored.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "child.h"

#define NS 1000000000LL
#define MS 1000000LL
#define BIG (4UL << 20)

static long got;
static int got_err;
#define RUN(expr) (errno = 0, got = (expr), got_err = errno)

static void syscall_case(long want, int want_err, const char *fmt, const char *what)
{
	char result[24];

	snprintf(result, sizeof result, "%ld", want);
	tap_syscall(got, got_err, want, want_err, NULL, fmt, what,
		    want == -1 ? (want_err == EOPNOTSUPP ? "EOPNOTSUPP" : tap_errname(want_err)) : result);
}

static long gettime(clockid_t id, struct timespec *t) { return syscall(SYS_clock_gettime, id, t); }
static long getres(clockid_t id, struct timespec *t) { return syscall(SYS_clock_getres, id, t); }

static long nsleep(clockid_t id, int flags, const struct timespec *req, struct timespec *rem)
{
	return syscall(SYS_clock_nanosleep, id, flags, req, rem);
}

/* A clock's reading in ns; -1 if it could not be read. */
static long long now(clockid_t id)
{
	struct timespec t;

	return gettime(id, &t) ? -1 : t.tv_sec * NS + t.tv_nsec;
}

static long long res(clockid_t id)
{
	struct timespec t;

	return getres(id, &t) ? -1 : t.tv_sec * NS + t.tv_nsec;
}

static clockid_t cpu_clock(pid_t pid, int thread, int which) { return ~pid * 8 | thread * 4 | which; }

enum { PROF, VIRT, SCHED };

static const struct { clockid_t id; const char *name; int readable; } ids[] = {
	{ CLOCK_REALTIME, "REALTIME", 1 },
	{ CLOCK_MONOTONIC, "MONOTONIC", 1 },
	{ CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME_ID", 1 },
	{ CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME_ID", 1 },
	{ CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW", 1 },
	{ CLOCK_REALTIME_COARSE, "REALTIME_COARSE", 1 },
	{ CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE", 1 },
	{ CLOCK_BOOTTIME, "BOOTTIME", 1 },
	{ CLOCK_REALTIME_ALARM, "REALTIME_ALARM", 0 },
	{ CLOCK_BOOTTIME_ALARM, "BOOTTIME_ALARM", 0 },
	{ 10, "10 (SGI_CYCLE)", 0 },
	{ CLOCK_TAI, "TAI", 1 },
	{ 12, "12", 0 },
	{ 0x7fffffff, "INT_MAX", 0 },
	{ -1, "-1 (pid 0, thread, bits 3)", 0 },
	{ -5, "-5 (fd 0 as a clock)", 0 },
};

static void every_id(void)
{
	long long tick = res(CLOCK_MONOTONIC_COARSE);
	struct timespec t;

	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		int ok = ids[i].readable;

		RUN(gettime(ids[i].id, &t));
		syscall_case(ok ? 0 : -1, EINVAL, "clock_gettime(%s) -> %s", ids[i].name);
		RUN(getres(ids[i].id, NULL));
		syscall_case(ok ? 0 : -1, EINVAL, "clock_getres(%s, NULL) -> %s", ids[i].name);
		if (!ok)
			continue;
		RUN(gettime(ids[i].id, (void *)1));
		syscall_case(-1, EFAULT, "clock_gettime(%s, (void *)1) -> %s", ids[i].name);
		int coarse = ids[i].id == CLOCK_REALTIME_COARSE || ids[i].id == CLOCK_MONOTONIC_COARSE;
		tap_eq(res(ids[i].id), coarse ? tick : 1, "clock_getres(%s): %s", ids[i].name,
		       coarse ? "a tick" : "1 ns");
	}
	tap_ok(tick > 1 && tick <= 10 * MS, "a tick is more than 1 ns and at most 10 ms (%lld ns)", tick);
	RUN(getres(CLOCK_MONOTONIC, (void *)1));
	syscall_case(-1, EFAULT, "clock_getres(%s, (void *)1) -> %s", "MONOTONIC");
}

static void relations(void)
{
	long long mono = now(CLOCK_MONOTONIC), boot = now(CLOCK_BOOTTIME);
	long long raw = now(CLOCK_MONOTONIC_RAW), coarse = now(CLOCK_MONOTONIC_COARSE);
	long long mono2 = now(CLOCK_MONOTONIC);
	long long real = now(CLOCK_REALTIME), tai = now(CLOCK_TAI);
	long long rcoarse = now(CLOCK_REALTIME_COARSE), real2 = now(CLOCK_REALTIME);
	long long tick = res(CLOCK_MONOTONIC_COARSE);
	struct timeval tv;
	time_t t = 0;

	tap_ok(boot >= mono, "BOOTTIME >= MONOTONIC read before it");
	tap_ok(raw > 0 && llabs(raw - mono) < NS, "MONOTONIC_RAW within a second of MONOTONIC");
	tap_ok(coarse <= mono2 && mono2 - coarse < tick + NS / 2,
	       "MONOTONIC_COARSE at most MONOTONIC read after it, and less than a tick behind");
	tap_ok(real > 1500000000 * NS, "REALTIME is after 2017");
	tap_ok(tai >= real && tai - real < 40 * NS, "TAI = REALTIME + a leap-second offset under 40 s");
	tap_ok(rcoarse <= real2 && real2 - rcoarse < tick + NS / 2,
	       "REALTIME_COARSE at most REALTIME read after it, and less than a tick behind");

	long long before = now(CLOCK_REALTIME) / NS;
	RUN(syscall(SYS_time, NULL));
	long long after = now(CLOCK_REALTIME) / NS;
	tap_ok(got >= before && got <= after, "time(NULL) is REALTIME's seconds");
	RUN(syscall(SYS_time, &t));
	tap_ok(got >= before && t == got, "time(&t) returns the seconds and stores them");
	RUN(syscall(SYS_time, (void *)1));
	syscall_case(-1, EFAULT, "time(%s) -> %s", "(void *)1");
	tap_ok(syscall(SYS_gettimeofday, &tv, NULL) == 0 && tv.tv_sec >= before &&
	       tv.tv_sec <= now(CLOCK_REALTIME) / NS, "gettimeofday is REALTIME too");
}

/* Each clock read many times in a row never goes backwards. */
static void never_backwards(void)
{
	static const clockid_t which[] = { CLOCK_MONOTONIC, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME,
					   CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID };

	for (size_t i = 0; i < sizeof which / sizeof which[0]; i++) {
		long long last = now(which[i]), back = 0;

		for (int n = 0; n < 20000; n++) {
			long long t = now(which[i]);
			back += t < last;
			last = t;
		}
		tap_eq(back, 0, "clock %d read 20000 times never goes backwards", which[i]);
	}
}

/* The clock runs during one long system call: 4 MiB of /dev/zero into
 * fresh memory, which the kernel clears and pages in with interrupts off. */
static void long_syscall(void)
{
	char *buf = mmap(NULL, BIG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = open("/dev/zero", O_RDONLY);

	if (buf == MAP_FAILED || fd < 0)
		bail("mmap or open");
	long long m0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
	long r = read(fd, buf, BIG);
	long long c1 = now(CLOCK_PROCESS_CPUTIME_ID), m1 = now(CLOCK_MONOTONIC);
	tap_eq(r, BIG, "read 4 MiB of /dev/zero");
	tap_ok(m1 > m0, "MONOTONIC advanced during that one read (%lld ns)", m1 - m0);
	tap_ok(c1 > c0 && c1 - c0 <= m1 - m0,
	       "so did the process's CPU time, by no more than MONOTONIC (%lld ns)", c1 - c0);
	close(fd);
	munmap(buf, BIG);
}

/* Spins until this process used `ns` more CPU time (or 20 s passed). */
static void spin(long long ns)
{
	long long end = now(CLOCK_PROCESS_CPUTIME_ID) + ns, give_up = now(CLOCK_MONOTONIC) + 20 * NS;

	while (now(CLOCK_PROCESS_CPUTIME_ID) < end && now(CLOCK_MONOTONIC) < give_up)
		;
}

static void cpu_time(void)
{
	pid_t me = getpid();
	clockid_t id;
	long long m0 = now(CLOCK_MONOTONIC), prof0 = now(cpu_clock(0, 0, PROF));
	long long virt0 = now(cpu_clock(me, 0, VIRT)), sched0 = now(cpu_clock(me, 0, SCHED));

	tap_ok(clock_getcpuclockid(me, &id) == 0 && id == cpu_clock(me, 0, SCHED),
	       "clock_getcpuclockid(getpid()) is ~pid << 3 | SCHED");
	spin(50 * MS);
	long long m1 = now(CLOCK_MONOTONIC), sched1 = now(cpu_clock(me, 0, SCHED));
	tap_ok(sched1 - sched0 >= 50 * MS && sched1 - sched0 <= m1 - m0,
	       "a 50 ms busy loop: SCHED clock advanced 50 ms, no more than MONOTONIC");
	tap_ok(now(cpu_clock(0, 0, PROF)) > prof0, "... PROF clock advanced");
	/* Linux samples user time at its ticks: on a loaded machine a 50 ms
	 * loop may be charged to system time; spin on until one lands (2 s). */
	for (int i = 0; i < 40 && now(cpu_clock(me, 0, VIRT)) <= virt0; i++)
		spin(50 * MS);
	tap_ok(now(cpu_clock(me, 0, VIRT)) > virt0, "... VIRT (user time) clock advanced");
	long long thread = now(cpu_clock(0, 1, SCHED)), process = now(CLOCK_PROCESS_CPUTIME_ID);
	tap_ok(thread > 0 && thread <= process, "the one thread's clock is at most the process's");
	tap_eq(res(cpu_clock(me, 0, SCHED)), 1, "clock_getres(SCHED clock of getpid()) is 1 ns");
	tap_eq(res(cpu_clock(0, 0, PROF)), res(CLOCK_MONOTONIC_COARSE),
	       "clock_getres(PROF clock) is a tick");

	long long c0 = now(CLOCK_PROCESS_CPUTIME_ID), s0 = now(CLOCK_MONOTONIC);
	nanosleep(&(struct timespec){ 0, 100 * MS }, NULL);
	long long c1 = now(CLOCK_PROCESS_CPUTIME_ID), s1 = now(CLOCK_MONOTONIC);
	tap_ok(s1 - s0 >= 100 * MS, "nanosleep 100 ms: MONOTONIC advanced at least 100 ms");
	tap_ok(c1 - c0 < 50 * MS, "... but CPU time under 50 ms (%lld ns): sleeping is not running",
	       c1 - c0);
}

/* ---- another process's CPU clock -------------------------------------------- */

static int go[2], done[2];

/* Spins 60 ms of CPU each time it is told to, says so, until EOF. */
static int spinner(void *unused)
{
	char c;

	(void)unused;
	close(go[1]), close(done[0]);
	while (read(go[0], &c, 1) == 1) {
		spin(60 * MS);
		if (write(done[1], "d", 1) != 1)
			return 1;
	}
	return 0;
}

static void other_process(void)
{
	char c;
	struct timespec t;

	if (pipe(go) || pipe(done))
		bail("pipe");
	pid_t pid = spawn(spinner, NULL);
	clockid_t id;
	close(go[0]), close(done[1]);
	tap_ok(clock_getcpuclockid(pid, &id) == 0 && id == cpu_clock(pid, 0, SCHED),
	       "clock_getcpuclockid(child) is ~pid << 3 | SCHED");
	write(go[1], "g", 1);
	read(done[0], &c, 1);
	long long spun = now(id);
	tap_ok(spun >= 60 * MS, "the child's clock shows its 60 ms of spinning (%lld ns)", spun);
	nanosleep(&(struct timespec){ 0, 50 * MS }, NULL);
	tap_ok(now(id) - spun < 10 * MS, "and stands still while the child blocks");
	RUN(gettime(cpu_clock(pid, 1, SCHED), &t));
	syscall_case(-1, EINVAL, "clock_gettime(%s) -> %s", "thread clock of the child's pid");
	RUN(getres(cpu_clock(pid, 1, SCHED), NULL));
	syscall_case(-1, EINVAL, "clock_getres(%s) -> %s", "thread clock of the child's pid");

	/* Sleeping on the child's clock ends once it has run 30 ms more. */
	long long before = now(id);
	write(go[1], "g", 1);
	RUN(nsleep(id, 0, &(struct timespec){ 0, 30 * MS }, NULL));
	long long after = now(id);
	syscall_case(0, 0, "clock_nanosleep(%s, 30 ms) -> %s", "the child's CPU clock");
	tap_ok(after - before >= 30 * MS, "... after the child ran 30 ms more (%lld ns)", after - before);
	read(done[0], &c, 1);

	close(go[1]);
	tap_status(reap(pid), EXITED(0), "the spinner exits at EOF");
	close(done[0]);
	RUN(gettime(id, &t));
	syscall_case(-1, EINVAL, "clock_gettime(%s) -> %s", "CPU clock of a reaped child");
	RUN(nsleep(id, 0, (void *)1, NULL));
	syscall_case(-1, EFAULT, "clock_nanosleep(%s, (void *)1) -> %s", "CPU clock of a reaped child");
	RUN(nsleep(id, 0, &(struct timespec){ 0, 0 }, NULL));
	syscall_case(-1, EINVAL, "clock_nanosleep(%s, 0) -> %s", "CPU clock of a reaped child");
	tap_eq(clock_getcpuclockid(pid, &id), EINVAL, "musl's clock_getcpuclockid(reaped child) -> EINVAL");
}

/* ---- clock_nanosleep ---------------------------------------------------------- */

static void sleeps(void)
{
	static const struct { clockid_t id; const char *name; } unsleepable[] = {
		{ CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME_ID" }, { CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW" },
		{ CLOCK_REALTIME_COARSE, "REALTIME_COARSE" }, { CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE" },
		{ -5, "-5 (fd 0 as a clock)" },
	};
	struct timespec zero = { 0, 0 }, rem = { 7, 7 };

	for (size_t i = 0; i < sizeof unsleepable / sizeof unsleepable[0]; i++) {
		RUN(nsleep(unsleepable[i].id, 0, (void *)1, NULL));
		syscall_case(-1, EOPNOTSUPP, "clock_nanosleep(%s, bad req) -> %s", unsleepable[i].name);
	}
	/* The alarm clocks look for their RTC only after reading the request. */
	for (clockid_t id = CLOCK_REALTIME_ALARM; id <= CLOCK_BOOTTIME_ALARM; id++) {
		RUN(nsleep(id, 0, (void *)1, NULL));
		syscall_case(-1, EFAULT, "clock_nanosleep(%s, bad req) -> %s", id == 8 ? "REALTIME_ALARM" : "BOOTTIME_ALARM");
		RUN(nsleep(id, 0, &zero, NULL));
		syscall_case(-1, EOPNOTSUPP, "clock_nanosleep(%s, 0) -> %s", id == 8 ? "REALTIME_ALARM" : "BOOTTIME_ALARM");
	}
	RUN(nsleep(10, 0, (void *)1, NULL));
	syscall_case(-1, EINVAL, "clock_nanosleep(%s, bad req) -> %s", "10");
	RUN(nsleep(CLOCK_MONOTONIC, 0, (void *)1, NULL));
	syscall_case(-1, EFAULT, "clock_nanosleep(%s, (void *)1) -> %s", "MONOTONIC");
	RUN(nsleep(CLOCK_MONOTONIC, 0, &(struct timespec){ 0, NS }, NULL));
	syscall_case(-1, EINVAL, "clock_nanosleep(%s, tv_nsec 1e9) -> %s", "MONOTONIC");
	RUN(nsleep(CLOCK_MONOTONIC, 0, &(struct timespec){ -1, 0 }, NULL));
	syscall_case(-1, EINVAL, "clock_nanosleep(%s, tv_sec -1) -> %s", "MONOTONIC");
	RUN(nsleep(cpu_clock(0, 1, SCHED), 0, (void *)1, NULL));
	syscall_case(-1, EFAULT, "clock_nanosleep(%s, (void *)1) -> %s", "own thread CPU clock");
	RUN(nsleep(cpu_clock(0, 1, SCHED), 0, &zero, NULL));
	syscall_case(-1, EINVAL, "clock_nanosleep(%s, 0) -> %s", "own thread CPU clock");
	RUN(nsleep(-1, 0, &zero, NULL));
	syscall_case(-1, EINVAL, "clock_nanosleep(%s, 0) -> %s", "-1");
	RUN(nsleep(CLOCK_PROCESS_CPUTIME_ID, 0, &zero, NULL));
	syscall_case(0, 0, "clock_nanosleep(%s, 0) -> %s", "PROCESS_CPUTIME_ID");
	RUN(nsleep(cpu_clock(0, 0, PROF), TIMER_ABSTIME, &(struct timespec){ 0, 1 }, NULL));
	syscall_case(0, 0, "clock_nanosleep(%s, ABSTIME 1 ns, passed) -> %s", "own PROF clock");

	static const struct { clockid_t id; const char *name; } wall[] = {
		{ CLOCK_REALTIME, "REALTIME" }, { CLOCK_MONOTONIC, "MONOTONIC" },
		{ CLOCK_BOOTTIME, "BOOTTIME" }, { CLOCK_TAI, "TAI" },
	};
	for (size_t i = 0; i < sizeof wall / sizeof wall[0]; i++) {
		/* MONOTONIC first: the sleep ends 20 ms after t0 (or a little
		 * more), so MONOTONIC read after t0 could see less than 20 ms if
		 * the host stalled QEMU between the two readings. */
		long long m0 = now(CLOCK_MONOTONIC), t0 = now(wall[i].id);
		struct timespec until = { (t0 + 20 * MS) / NS, (t0 + 20 * MS) % NS };

		RUN(nsleep(wall[i].id, TIMER_ABSTIME, &until, &rem));
		syscall_case(0, 0, "clock_nanosleep(%s, ABSTIME now + 20 ms) -> %s", wall[i].name);
		tap_ok(now(wall[i].id) >= t0 + 20 * MS && now(CLOCK_MONOTONIC) - m0 >= 20 * MS,
		       "... woke no earlier than the deadline");
		m0 = now(CLOCK_MONOTONIC);
		RUN(nsleep(wall[i].id, 0, &(struct timespec){ 0, 20 * MS }, &rem));
		syscall_case(0, 0, "clock_nanosleep(%s, 20 ms) -> %s", wall[i].name);
		tap_ok(now(CLOCK_MONOTONIC) - m0 >= 20 * MS, "... slept at least 20 ms");
	}
	RUN(nsleep(CLOCK_REALTIME, TIMER_ABSTIME, &(struct timespec){ 1, 0 }, NULL));
	syscall_case(0, 0, "clock_nanosleep(%s, ABSTIME 1970) -> %s", "REALTIME");
	long long m0 = now(CLOCK_MONOTONIC);
	RUN(nsleep(CLOCK_MONOTONIC, ~TIMER_ABSTIME, &(struct timespec){ 0, 10 * MS }, NULL));
	syscall_case(0, 0, "clock_nanosleep(%s, every flag but ABSTIME, 10 ms) -> %s", "MONOTONIC");
	tap_ok(now(CLOCK_MONOTONIC) - m0 >= 10 * MS, "... a relative sleep of at least 10 ms");
	RUN(nsleep(CLOCK_MONOTONIC, ~0, &zero, NULL));
	syscall_case(0, 0, "clock_nanosleep(%s, every flag, ABSTIME 0) -> %s", "MONOTONIC");
	tap_ok(rem.tv_sec == 7 && rem.tv_nsec == 7, "an uninterrupted sleep leaves rem alone");
}

/* ---- sleeps too long for 64-bit nanoseconds ---------------------------------- */

static void on_alarm(int sig) { (void)sig; }

/* Linux turns a relative time into ns saturating at KTIME_MAX (2^63 - 1 ns,
 * 292 years: timespec64_to_ktime) and adds it to now saturating again
 * (ktime_add_safe): a request of more seconds than that is a wait for ever,
 * ended here by a SIGALRM after 20 ms (EINTR), with what is left of the
 * saturated wait in rem. It must not overflow into a short or past deadline
 * and return at once. rt_sigtimedwait's timeout is the same kind. */
static void long_sleeps(void)
{
	static const struct timespec huge[] = {
		{ INT64_MAX, NS - 1 }, { 10000000000, 0 }, { 9223372036, 854775807 }, { 9223372037, 0 },
	};
	struct sigaction sa = { .sa_handler = on_alarm };
	sigset_t usr1;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigaction(SIGALRM, &sa, NULL);
	for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++) {
		for (int call = 0; call < 3; call++) {
			static const char *const names[] = { "nanosleep", "clock_nanosleep(MONOTONIC)",
							     "rt_sigtimedwait(SIGUSR1)" };
			struct timespec rem = { 0, 0 };
			long long t0 = now(CLOCK_MONOTONIC);

			ualarm(20000, 0);
			RUN(call == 0   ? syscall(SYS_nanosleep, &huge[i], &rem)
			    : call == 1 ? nsleep(CLOCK_MONOTONIC, 0, &huge[i], &rem)
					: syscall(SYS_rt_sigtimedwait, &usr1, NULL, &huge[i], 8));
			long long took = now(CLOCK_MONOTONIC) - t0;
			ualarm(0, 0);
			tap_syscall(got, got_err, -1, EINTR, NULL, "%s of %lld s: interrupted by SIGALRM",
				    names[call], (long long)huge[i].tv_sec);
			tap_ok(took >= 15 * MS, "... after the alarm, not at once (%lld ms)", took / MS);
			if (call < 2)
				tap_ok(rem.tv_sec >= 9000000000, "... rem is the rest of a 292-year wait (%lld s)",
				       (long long)rem.tv_sec);
		}
	}
	signal(SIGALRM, SIG_DFL);
}

int main(void)
{
	every_id();
	relations();
	never_backwards();
	long_syscall();
	cpu_time();
	other_process();
	sleeps();
	long_sleeps();
	return done_testing();
}
