/* user/procpid.c — the per-process /proc files in Linux's formats, checked
 * against what the program knows about itself: the areas it just mapped
 * (maps), which of its pages it touched (pagemap), its pid, parent, group
 * and name (stat, status), its arguments (cmdline); a child it forked
 * appears in a listing of /proc as a directory and is gone once reaped. */
#define _GNU_SOURCE
#include <dirent.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "child.h"
#include "procview.h"
#include "tap.h"

static char text[65536];
static char comm[16]; /* Linux's comm: the executed file's base name, at most 15 bytes */

static void find_comm(void)
{
	char exe[256] = "";
	readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *base = strrchr(exe, '/') ? strrchr(exe, '/') + 1 : exe;
	snprintf(comm, sizeof(comm), "%s", base);
}

/* The maps line of addr must read "start-end perms offset dev inode" with
 * these perms, and end with name ("" for none: then "0 " ends the line). */
static void check_line(uintptr_t addr, const char *perms, const char *name, const char *what)
{
	char line[512] = "", p[8] = "", dev[16] = "", path[256] = "";
	unsigned long start = 0, end = 0, off = 1, ino = 1;
	int n = maps_find(text, addr, line, sizeof(line)) ? 0 :
		sscanf(line, "%lx-%lx %7s %lx %15s %lu %255s", &start, &end, p, &off, dev, &ino, path);
	bool shape = n >= 6 && strlen(p) == 4 && dev[2] == ':' && strchr(line, '-') == line + strcspn(line, "-");
	tap_ok(shape && strcmp(p, perms) == 0 && strcmp(path, name) == 0 && addr >= start && addr < end,
	       "maps: %s is in a %s area named '%s'", what, perms, name);
	if (*name)
		tap_ok(strlen(line) > 73 && line[72] == ' ' && line[73] == name[0],
		       "maps: the name of the %s line starts in column 74", what);
	else
		tap_ok(line[strlen(line) - 1] == ' ' && line[strlen(line) - 2] == '0',
		       "maps: the nameless %s line ends in \"0 \"", what);
}

static void maps_cases(char *fresh, char *ro)
{
	char exe[256] = "";
	long n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	uintptr_t brk0 = syscall(SYS_brk, 0);
	syscall(SYS_brk, brk0 + 8192);
	int local = 0;
	tap_ok(n > 0 && slurp("/proc/self/maps", text, sizeof(text)) > 0, "read /proc/self/maps");
	check_line((uintptr_t)maps_cases, "r-xp", exe, "code of main's file");
	check_line((uintptr_t)fresh, "rw-p", "", "fresh mmap page");
	check_line((uintptr_t)ro, "r--p", "", "PROT_READ mmap page");
	check_line(brk0, "rw-p", "[heap]", "brk area");
	check_line((uintptr_t)&local, "rw-p", "[stack]", "local variable");
	char line[512];
	unsigned long s, e;
	tap_ok(maps_find(text, (uintptr_t)ro, line, sizeof(line)) == 0 &&
		       sscanf(line, "%lx-%lx", &s, &e) == 2 && s == (uintptr_t)ro && e == s + 4096,
	       "maps: the PROT_READ page's area is exactly that page");
}

static void pagemap_cases(char *fresh, char *ro)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	fresh[0] = 1;
	uint64_t w = pagemap_word(fd, (uintptr_t)fresh), u = pagemap_word(fd, (uintptr_t)fresh + 4096);
	tap_ok(fd >= 0 && (w & PM_PRESENT) && !(w & PM_SWAP) && (w & PM_EXCLUSIVE) && !(w & PM_FILE),
	       "pagemap: the written page is present, not swapped, exclusive, anonymous");
	tap_ok(getuid() != 0 || PM_PFN(w) != 0, "pagemap: root sees its frame number (%#llx)",
	       (unsigned long long)PM_PFN(w));
	tap_ok((u & ~PM_SOFT_DIRTY) == 0, "pagemap: the untouched page next to it is 0 (but soft-dirty)");
	tap_ok((pagemap_word(fd, (uintptr_t)ro) & ~PM_SOFT_DIRTY) == 0, "pagemap: the never-read page is 0");
	uint64_t words[4];
	errno = 0;
	tap_ok(pread(fd, words, 8, 4) == -1 && errno == EINVAL, "pagemap: offset not a multiple of 8 -> EINVAL");
	errno = 0;
	tap_ok(pread(fd, words, 12, 0) == -1 && errno == EINVAL, "pagemap: count not a multiple of 8 -> EINVAL");
	tap_ok(pread(fd, words, 32, (off_t)(0x7ffffffff000ul / 4096 * 8)) == 0,
	       "pagemap: reading at the top of user space gives 0 bytes");
	/* 1 GiB of address space below the stack, almost all unmapped: 2 MiB of zeros */
	static uint64_t big[262144];
	uintptr_t at = ((uintptr_t)&fd & ~((1ul << 30) - 1)) - (1ul << 30);
	tap_ok(pread(fd, big, sizeof(big), (off_t)(at / 4096 * 8)) == sizeof(big),
	       "pagemap: one read of 1 GiB's entries (%zu bytes)", sizeof(big));
	close(fd);
}

/* Field n (1-based) of a stat line, counted after the ")" of comm. */
static long stat_field(const char *stat, int n)
{
	const char *p = strrchr(stat, ')');
	for (int i = 2; p && i < n; i++)
		p = strchr(p + 1, ' ');
	return p ? strtol(p + 1, NULL, 10) : -999;
}

static void stat_cases(pid_t pid, pid_t ppid, char state, const char *who)
{
	char path[64], want[64], stat[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	snprintf(want, sizeof(want), "%d (%s) %c ", pid, comm, state);
	tap_ok(slurp(path, stat, sizeof(stat)) > 0 && strncmp(stat, want, strlen(want)) == 0,
	       "stat (%s): starts \"%s\"", who, want);
	tap_ok(stat_field(stat, 4) == ppid && stat_field(stat, 5) == getpgid(pid) &&
		       stat_field(stat, 6) == getsid(pid),
	       "stat (%s): ppid, pgrp, session", who);
	int fields = 0;
	for (const char *p = strrchr(stat, ')'); p; p = strchr(p + 1, ' '))
		fields++;
	tap_ok(fields + 1 == 52 && stat[strlen(stat) - 1] == '\n', "stat (%s): 52 fields and a newline", who);
	tap_ok(stat_field(stat, 20) >= 1 && stat_field(stat, 23) > 0 && stat_field(stat, 24) > 0,
	       "stat (%s): threads, vsize and rss", who);
}

static void status_cases(void)
{
	char st[4096], want[128];
	snprintf(want, sizeof(want), "Name:\t%s\n", comm);
	tap_ok(slurp("/proc/self/status", st, sizeof(st)) > 0 && strncmp(st, want, strlen(want)) == 0,
	       "status: Name first");
	snprintf(want, sizeof(want), "\nPid:\t%d\nPPid:\t%d\n", getpid(), getppid());
	tap_ok(strstr(st, want) != NULL, "status: Pid and PPid");
	snprintf(want, sizeof(want), "\nUid:\t%d\t%d\t", getuid(), geteuid());
	tap_ok(strstr(st, want) && strstr(st, "\nState:\tR (running)\n") && strstr(st, "\nVmRSS:\t"),
	       "status: Uid, State, VmRSS");
}

static void cmdline_cases(int argc, char **argv)
{
	char cmd[4096], want[4096];
	long n = slurp("/proc/self/cmdline", cmd, sizeof(cmd)), len = 0;
	for (int i = 0; i < argc; i++) {
		strcpy(want + len, argv[i]);
		len += strlen(argv[i]) + 1;
	}
	tap_ok(n == len && memcmp(cmd, want, len) == 0, "cmdline: argv, each string ending in NUL (%ld bytes)", n);
}

/* Does a listing of /proc show pid as a directory? */
static bool listed(pid_t pid)
{
	DIR *d = opendir("/proc");
	char name[16];
	bool found = false;
	snprintf(name, sizeof(name), "%d", pid);
	for (struct dirent *e; d && (e = readdir(d));)
		found |= strcmp(e->d_name, name) == 0 && e->d_type == DT_DIR;
	if (d)
		closedir(d);
	return found;
}

static void child_cases(void)
{
	int p[2];
	if (pipe(p))
		bail("pipe");
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(p[1]);
		read(p[0], &c, 1); /* sleeps until the parent closes its end */
		_exit(0);
	}
	close(p[0]);
	usleep(100000);
	tap_ok(listed(pid), "getdents of /proc lists the child's pid as a directory");
	stat_cases(pid, getpid(), 'S', "sleeping child");
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	int fd = open(path, O_RDONLY);
	close(p[1]);
	tap_ok(reap(pid) == EXITED(0), "child exits");
	char c;
	errno = 0;
	tap_ok(read(fd, &c, 1) == -1 && errno == ESRCH, "reading its cmdline after it is reaped -> ESRCH");
	close(fd);
	tap_ok(!listed(pid) && access(path, F_OK) == -1, "its /proc/PID is gone");
}

int main(int argc, char **argv)
{
	char *fresh = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fresh == MAP_FAILED || ro == MAP_FAILED)
		bail("mmap");
	find_comm();
	maps_cases(fresh, ro);
	pagemap_cases(fresh, ro);
	stat_cases(getpid(), getppid(), 'R', "self");
	status_cases();
	cmdline_cases(argc, argv);
	tap_ok(listed(getpid()), "getdents of /proc lists our own pid");
	child_cases();
	return done_testing();
}
