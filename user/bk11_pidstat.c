/* user/bk11_pidstat.c — /proc/PID/stat, status and cmdline, and /proc's
 * listing, black-box against Linux (breaker11; proc(5)): stat's 52 fields
 * with pid, comm (with spaces and parentheses, set by PR_SET_NAME), state,
 * ppid, pgrp, session, tty_nr/tpgid and num_threads; status's lines and
 * their order; cmdline byte for byte (empty and long arguments); a child
 * sleeping, stopped, a zombie and reaped; getdents64 of /proc while
 * children come and go; who may open another user's files.
 */
#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <sys/prctl.h>

#include "bk11.h"

static char buf[1 << 16];
static const char *prog; /* the exec'd file's name: what comm starts as */

static long slurp(const char *path)
{
	int fd = open(path, O_RDONLY);
	long n = 0, r;

	if (fd < 0)
		return -1;
	while (n < (long)sizeof buf - 1 && (r = read(fd, buf + n, sizeof buf - 1 - n)) > 0)
		n += r;
	close(fd);
	buf[n] = 0;
	return n;
}

struct stat_line {
	int pid, ppid, pgrp, session, tty_nr, tpgid, nfields;
	long threads;
	char comm[64], state;
};

/* Parses /proc/PID/stat (comm ends at the *last* ')'); nfields 0 if the file
 * could not be read. */
static struct stat_line stat_of_pid(const char *pid)
{
	struct stat_line s = { 0 };
	char path[64];

	snprintf(path, sizeof path, "/proc/%s/stat", pid);
	if (slurp(path) <= 0)
		return s;
	char *open_ = strchr(buf, '('), *close_ = strrchr(buf, ')');
	if (!open_ || !close_)
		return s;
	s.pid = atoi(buf);
	snprintf(s.comm, sizeof s.comm, "%.*s", (int)(close_ - open_ - 1), open_ + 1);
	char *rest = close_ + 2;
	sscanf(rest, "%c %d %d %d %d %d", &s.state, &s.ppid, &s.pgrp, &s.session, &s.tty_nr, &s.tpgid);
	s.nfields = 2;
	for (char *t = strtok(rest, " \n"); t; t = strtok(NULL, " \n"))
		if (++s.nfields == 20)
			s.threads = atol(t);
	return s;
}

/* The value of "Key:\t..." in /proc/PID/status, or "" */
static const char *status_field(const char *pid, const char *key)
{
	static char val[256];
	char path[64];

	snprintf(path, sizeof path, "/proc/%s/status", pid);
	val[0] = 0;
	if (slurp(path) <= 0)
		return val;
	size_t kl = strlen(key);
	for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, key, kl) && l[kl] == ':' && l[kl + 1] == '\t') {
			snprintf(val, sizeof val, "%.*s", (int)strcspn(l + kl + 2, "\n"), l + kl + 2);
			break;
		}
	return val;
}

static void *idle(void *a)
{
	int *pp = a;
	char c;

	read(pp[0], &c, 1);
	return NULL;
}

static void self_stat(void)
{
	struct stat_line s = stat_of_pid("self");

	tap_eq(s.nfields, 52, "/proc/self/stat has 52 fields");
	tap_ok(s.pid == getpid() && s.ppid == getppid(), "pid and ppid");
	tap_ok(s.pgrp == getpgrp() && s.session == getsid(0), "pgrp and session");
	tap_ok(s.state == 'R', "state R for the reader itself (%c)", s.state);
	tap_ok(!strcmp(s.comm, prog), "comm is the program's name ('%s')", s.comm);
	tap_ok(s.tty_nr == 0 && s.tpgid == -1, "no controlling terminal: tty_nr 0, tpgid -1 (%d, %d)",
	       s.tty_nr, s.tpgid);
	tap_eq(s.threads, 1, "num_threads 1");

	int pp[2];
	pthread_t t;
	if (pipe(pp) || pthread_create(&t, NULL, idle, pp))
		bail("thread");
	tap_eq(stat_of_pid("self").threads, 2, "num_threads 2 with a second thread");
	tap_ok(!strcmp(status_field("self", "Threads"), "2"), "status Threads: 2");
	write(pp[1], "x", 1);
	pthread_join(t, NULL);
	/* The join returns once the thread cleared its tid, a moment before
	 * Linux releases it: give it up to a second to leave the count. */
	int threads = stat_of_pid("self").threads;
	for (int i = 0; i < 100 && threads != 1; i++) {
		usleep(10000);
		threads = stat_of_pid("self").threads;
	}
	tap_eq(threads, 1, "num_threads 1 after the join");
	close(pp[0]);
	close(pp[1]);

	char name[32] = "";
	errno = 0;
	TRY(prctl(PR_SET_NAME, "a) (b c"), 0, 0, "prctl(PR_SET_NAME)");
	s = stat_of_pid("self");
	prctl(PR_GET_NAME, name);
	tap_ok(!strcmp(s.comm, "a) (b c") && s.state == 'R' && s.ppid == getppid(),
	       "PR_SET_NAME \"a) (b c\": stat's comm, and the fields after it still parse");
	tap_ok(!strcmp(name, "a) (b c"), "PR_GET_NAME gives it back");
	tap_ok(!strcmp(status_field("self", "Name"), "a) (b c"), "status Name: a) (b c");
	prctl(PR_SET_NAME, "0123456789abcdefXYZ");
	tap_ok(!strcmp(stat_of_pid("self").comm, "0123456789abcde"), "a 19-byte name is cut to 15");
	prctl(PR_SET_NAME, "t\\ab");
	tap_ok(!strcmp(status_field("self", "Name"), "t\\\\ab"), "status escapes a backslash in Name as \\\\");
	if (strcmp(status_field("self", "Name"), "t\\\\ab"))
		tap_diag("'%s'", status_field("self", "Name"));
	tap_ok(!strcmp(stat_of_pid("self").comm, "t\\ab"), "stat shows the backslash as it is");
	prctl(PR_SET_NAME, prog);
}

static void self_status(void)
{
	static const char *const keys[] = { "Name", "State", "Tgid", "Pid", "PPid", "Uid", "Gid", "Threads" };
	char want[64];
	const char *at[8];

	slurp("/proc/self/status");
	snprintf(want, sizeof want, "Name:\t%s\n", prog);
	tap_ok(!strncmp(buf, want, strlen(want)), "status starts with Name:\\t and the program's name");
	int ordered = 1;
	for (int i = 0; i < 8; i++) {
		char k[16];
		snprintf(k, sizeof k, "\n%s:\t", keys[i]);
		at[i] = i == 0 ? buf : strstr(buf, k);
		ordered &= at[i] && (i == 0 || at[i] > at[i - 1]);
	}
	tap_ok(ordered, "Name, State, Tgid, Pid, PPid, Uid, Gid, Threads in Linux's order");
	tap_ok(!strcmp(status_field("self", "State"), "R (running)"), "State:\\tR (running)");
	snprintf(want, sizeof want, "%d", getpid());
	tap_ok(!strcmp(status_field("self", "Pid"), want) && !strcmp(status_field("self", "Tgid"), want),
	       "Pid and Tgid");
	snprintf(want, sizeof want, "%d", getppid());
	tap_ok(!strcmp(status_field("self", "PPid"), want), "PPid");
	tap_ok(!strcmp(status_field("self", "Uid"), "0\t0\t0\t0"), "Uid:\\t0\\t0\\t0\\t0 ('%s')",
	       status_field("self", "Uid"));
}

static int blocked(void *pp_)
{
	int *pp = pp_;
	char c;

	close(pp[1]);
	return read(pp[0], &c, 1) == 0 ? 0 : 1;
}

static void child_states(void)
{
	int pp[2];
	char id[16], path[64];

	if (pipe(pp))
		bail("pipe");
	pid_t ch = spawn(blocked, pp);
	snprintf(id, sizeof id, "%d", ch);
	struct stat_line s = stat_of_pid(id);
	for (int i = 0; i < 500 && s.state != 'S'; i++) { /* until it blocks: up to 5 s */
		msleep(10);
		s = stat_of_pid(id);
	}
	tap_ok(s.pid == ch && s.state == 'S' && s.ppid == getpid(), "child blocked in read: S, ppid us");
	tap_ok(!strcmp(status_field(id, "State"), "S (sleeping)"), "status State:\\tS (sleeping)");
	kill(ch, SIGSTOP);
	int st;
	waitpid(ch, &st, WUNTRACED);
	tap_ok(stat_of_pid(id).state == 'T' && !strcmp(status_field(id, "State"), "T (stopped)"),
	       "stopped child: T, T (stopped)");
	kill(ch, SIGCONT);
	snprintf(path, sizeof path, "/proc/%d/stat", ch);
	int early = open(path, O_RDONLY);
	snprintf(path, sizeof path, "/proc/%d/cmdline", ch);
	close(pp[1]);
	siginfo_t si;
	waitid(P_PID, ch, &si, WEXITED | WNOWAIT);
	s = stat_of_pid(id);
	tap_ok(s.state == 'Z' && s.ppid == getpid() && s.pid == ch, "zombie: Z, ppid us");
	tap_ok(!strcmp(status_field(id, "State"), "Z (zombie)"), "status State:\\tZ (zombie)");
	tap_eq(slurp(path), 0, "zombie's cmdline is empty");
	reap(ch);
	snprintf(path, sizeof path, "/proc/%d", ch);
	struct stat sb;
	errno = 0;
	tap_ok(stat(path, &sb) == -1 && errno == ENOENT, "reaped: /proc/PID is ENOENT");
	snprintf(path, sizeof path, "/proc/%d/stat", ch);
	errno = 0;
	tap_ok(open(path, O_RDONLY) == -1 && errno == ENOENT, "reaped: /proc/PID/stat is ENOENT");
	errno = 0;
	long n = read(early, buf, sizeof buf);
	tap_ok(n == -1 && errno == ESRCH, "stat opened before the reap, read after: ESRCH");
	if (!(n == -1 && errno == ESRCH))
		tap_diag("read %ld (%s)", n, tap_errname(errno));
	close(early);
	close(pp[0]);
}

static const char *const kid_args[] = { "cmdline-child", "", "two words", NULL /* long */, "", NULL };

static int cmdline_child(int argc, char **argv)
{
	long n = slurp("/proc/self/cmdline");
	size_t want = 0;

	for (int i = 0; i < argc; i++)
		want += strlen(argv[i]) + 1;
	if (n != (long)want)
		return 2;
	return memcmp(buf, argv[0], want) ? 3 : 0; /* the strings sit together */
}

static int exec_kid(void *argv0)
{
	static char lng[5001];
	char *args[8];

	memset(lng, 'a', 5000);
	args[0] = argv0;
	for (int i = 0; i < 5; i++)
		args[i + 1] = (char *)(i == 3 ? lng : kid_args[i]);
	args[6] = NULL;
	execv(argv0, args);
	/* faultline's runner passes the bare name; its programs are in /bin. */
	char path[300];
	snprintf(path, sizeof path, "/bin/%s", prog);
	execv(path, args);
	return 99;
}

static void cmdline(char *argv0)
{
	int st = reap(spawn(exec_kid, argv0));
	tap_status(st, EXITED(0), "exec'd with \"\", \"two words\", 5000 bytes, \"\": /proc/self/cmdline byte for byte");
	slurp("/proc/self/cmdline");
	tap_ok(!strcmp(buf, argv0) && buf[strlen(argv0) + 1] == 0, "our own cmdline: argv[0] and its NUL");
}

static int count_in_proc(pid_t want, int *dups, int step_spawn)
{
	int fd = open("/proc", O_RDONLY | O_DIRECTORY), found = 0;
	static char d[4096] __attribute__((aligned(8)));
	static char seen[4096][12];
	int nseen = 0, pp[2], churn[8];
	int nch = 0;

	*dups = 0;
	if (fd < 0 || pipe(pp))
		return -1;
	long n;
	while ((n = syscall(SYS_getdents64, fd, d, step_spawn ? 64 : sizeof d)) > 0) {
		for (long o = 0; o < n;) {
			struct dirent *e = (struct dirent *)(d + o);
			for (int i = 0; i < nseen; i++)
				*dups += !strcmp(seen[i], e->d_name);
			if (nseen < 4096)
				snprintf(seen[nseen++], 12, "%.11s", e->d_name);
			found += atoi(e->d_name) == want && e->d_type == DT_DIR;
			o += e->d_reclen;
		}
		if (step_spawn && nch < 8)
			churn[nch++] = spawn(blocked, pp);
		if (step_spawn && nch > 2 && nch % 2)
			kill(churn[nch - 3], SIGKILL), reap(churn[nch - 3]), churn[nch - 3] = 0;
	}
	close(pp[1]);
	for (int i = 0; i < nch; i++)
		if (churn[i])
			reap(churn[i]);
	close(pp[0]);
	close(fd);
	return found;
}

static void listing(void)
{
	int pp[2], dups;
	pid_t kids[5];

	if (pipe(pp))
		bail("pipe");
	for (int i = 0; i < 5; i++)
		kids[i] = spawn(blocked, pp);
	int all = 1;
	for (int i = 0; i < 5; i++)
		all &= count_in_proc(kids[i], &dups, 0) == 1;
	tap_ok(all && !dups, "/proc lists each of 5 live children once, as a directory");
	kill(kids[0], SIGKILL);
	kill(kids[1], SIGKILL);
	reap(kids[0]);
	reap(kids[1]);
	tap_ok(count_in_proc(kids[0], &dups, 0) == 0 && count_in_proc(kids[1], &dups, 0) == 0,
	       "two reaped: no longer listed");
	tap_ok(count_in_proc(kids[2], &dups, 0) == 1 && count_in_proc(kids[4], &dups, 0) == 1,
	       "the others still are");
	int me = count_in_proc(getpid(), &dups, 1);
	tap_ok(me == 1 && dups == 0, "listing 64 bytes at a time while children come and go: us once, no duplicates");
	if (me != 1 || dups)
		tap_diag("found %d, %d duplicates", me, dups);
	close(pp[1]);
	for (int i = 2; i < 5; i++)
		reap(kids[i]);
	close(pp[0]);
}

static int other_user(void *a)
{
	pid_t target = *(pid_t *)a;
	char path[64];
	static const char *const closed[] = { "maps", "pagemap", "mem" };
	static const char *const open_[] = { "stat", "status", "cmdline" };

	EXPECT(setuid(4321) == 0, "setuid 4321");
	prctl(PR_SET_DUMPABLE, 1);
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "/proc/%d/%s", target, closed[i]);
		EXPECT_ERR(open(path, O_RDONLY), EACCES, path);
	}
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "/proc/%d/%s", target, open_[i]);
		int fd = open(path, O_RDONLY);
		EXPECT(fd >= 0 && read(fd, buf, sizeof buf) > 0, "%s readable by another user", path);
		close(fd);
	}
	return 0;
}

static int same_user(void *a)
{
	pid_t target = *(pid_t *)a;
	char path[64];

	EXPECT(setuid(1234) == 0, "setuid 1234");
	prctl(PR_SET_DUMPABLE, 1);
	snprintf(path, sizeof path, "/proc/%d/maps", target);
	int fd = open(path, O_RDONLY);
	EXPECT(fd >= 0 && read(fd, buf, sizeof buf) > 0, "%s readable by the same user", path);
	return 0;
}

static int target(void *pp_)
{
	int *pp = pp_;
	char c;

	close(pp[1]);
	if (setresuid(1234, 1234, 1234))
		return 1;
	prctl(PR_SET_DUMPABLE, 1);
	return read(pp[0], &c, 1) == 0 ? 0 : 1;
}

static void permissions(void)
{
	int pp[2];
	char path[64];
	struct stat sb;
	static const struct { const char *f; unsigned mode; } modes[] = {
		{ "maps", 0444 }, { "pagemap", 0400 }, { "mem", 0600 }, { "stat", 0444 },
		{ "status", 0444 }, { "cmdline", 0444 },
	};

	if (pipe(pp))
		bail("pipe");
	pid_t t = spawn(target, pp);
	snprintf(path, sizeof path, "/proc/%d", t);
	for (int i = 0; i < 500 && (stat(path, &sb) || sb.st_uid != 1234); i++)
		msleep(10); /* until it has changed its uid: up to 5 s */
	tap_ok(stat(path, &sb) == 0 && sb.st_uid == 1234, "/proc/PID of a uid-1234 process is owned by 1234");
	for (int i = 0; i < 6; i++) {
		snprintf(path, sizeof path, "/proc/%d/%s", t, modes[i].f);
		tap_ok(stat(path, &sb) == 0 && (sb.st_mode & 07777) == modes[i].mode && sb.st_uid == 1234,
		       "/proc/PID/%s: mode %o, owner 1234", modes[i].f, modes[i].mode);
	}
	jc_case(other_user, &t, "another uid: maps, pagemap, mem EACCES; stat, status, cmdline readable");
	jc_case(same_user, &t, "the same uid: maps readable");
	close(pp[1]);
	reap(t);
	close(pp[0]);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], kid_args[0]))
		return cmdline_child(argc, argv);
	why_setup();
	prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	self_stat();
	self_status();
	child_states();
	cmdline(argv[0]);
	listing();
	permissions();
	return done_testing();
}
