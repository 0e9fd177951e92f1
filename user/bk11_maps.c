/* user/bk11_maps.c — /proc/PID/maps against what the program mapped,
 * black-box against Linux (breaker11): every line in Linux's exact format
 * (show_map_vma: "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ", the name from
 * column 73), sorted and disjoint; one line per area after mprotect splits,
 * merges back, munmap holes and adjacent mmaps; the rights and the p/s
 * column; a file's offset, device, inode and path (and " (deleted)"); shared
 * anonymous memory; [heap] following brk; [stack]; the program's own text;
 * reads in small pieces; another process's maps and a zombie's.
 */
#include <poll.h>
#include <sys/sysmacros.h>

#include "bk11.h"

#define P 4096UL

struct line {
	unsigned long start, end, off, ino;
	char perms[5];
	unsigned maj, min;
	char name[256];
};

static char text[1 << 17];
static struct line lines[2048];
static int nlines;
static char *region; /* 256 pages nothing else uses */

static long read_all(const char *path, char *buf, size_t size, size_t chunk)
{
	int fd = open(path, O_RDONLY);
	size_t n = 0;
	long r;

	if (fd < 0)
		return -1;
	while (n < size - 1 && (r = read(fd, buf + n, chunk < size - 1 - n ? chunk : size - 1 - n)) > 0)
		n += r;
	close(fd);
	buf[n] = 0;
	return n;
}

/* Parses text into lines; the number of lines that do not re-render
 * byte for byte in Linux's format. */
static int parse(void)
{
	int bad = 0;
	char *s = text, *nl, again[512];

	nlines = 0;
	for (; *s && (nl = strchr(s, '\n')); s = nl + 1) {
		struct line *l = &lines[nlines++];
		int at = 0;

		*nl = 0;
		memset(l, 0, sizeof *l);
		sscanf(s, "%lx-%lx %4c %lx %x:%x %lu %n", &l->start, &l->end, l->perms, &l->off,
		       &l->maj, &l->min, &l->ino, &at);
		if (at)
			snprintf(l->name, sizeof l->name, "%s", s + at);
		int n = snprintf(again, sizeof again, "%08lx-%08lx %s %08lx %02x:%02x %lu ", l->start,
				 l->end, l->perms, l->off, l->maj, l->min, l->ino);
		if (l->name[0])
			snprintf(again + n, sizeof again - n, "%*s%s", n < 73 ? 73 - n : 0, "", l->name);
		if (strcmp(again, s)) {
			if (!bad)
				tap_diag("line '%s' renders as '%s'", s, again);
			bad++;
		}
		*nl = '\n';
	}
	return bad;
}

static void load(void)
{
	if (read_all("/proc/self/maps", text, sizeof text, sizeof text) <= 0)
		bail("read /proc/self/maps");
	parse();
}

static struct line *find(unsigned long addr)
{
	for (int i = 0; i < nlines; i++)
		if (lines[i].start <= addr && addr < lines[i].end)
			return &lines[i];
	return NULL;
}

/* The lines within [lo, hi) must be exactly these "start end perms" triples
 * (offsets from lo in pages). */
static void expect_lines(char *lo, size_t pages, const char *want, const char *name)
{
	char got[1024] = "", one[64];

	load();
	for (int i = 0; i < nlines; i++) {
		struct line *l = &lines[i];
		if (l->end <= (unsigned long)lo || l->start >= (unsigned long)lo + pages * P)
			continue;
		snprintf(one, sizeof one, "%s%ld-%ld %s", got[0] ? " " : "",
			 ((long)l->start - (long)lo) / (long)P, ((long)l->end - (long)lo) / (long)P, l->perms);
		strcat(got, one);
	}
	tap_ok(!strcmp(got, want), "%s", name);
	if (strcmp(got, want))
		tap_diag("want '%s', got '%s'", want, got);
}

static char *fixed(char *at, size_t pages, int prot, int flags, int fd, off_t off)
{
	char *p = mmap(at, pages * P, prot, flags | MAP_FIXED, fd, off);

	if (p == MAP_FAILED)
		bail("mmap MAP_FIXED");
	return p;
}

static void format(void)
{
	load();
	int bad = parse();
	tap_ok(nlines >= 3 && bad == 0, "every line is in Linux's format (%d lines)", nlines);
	int order = 1;
	for (int i = 0; i < nlines; i++)
		order &= lines[i].start < lines[i].end && !(lines[i].start % P) && !(lines[i].end % P) &&
			 (i == 0 || lines[i - 1].end <= lines[i].start);
	tap_ok(order, "lines are page-aligned, non-empty, sorted and disjoint");

	static char small[1 << 17];
	long n1 = read_all("/proc/self/maps", text, sizeof text, sizeof text);
	long n2 = read_all("/proc/self/maps", small, sizeof small, 7);
	tap_ok(n1 > 0 && n1 == n2 && !memcmp(text, small, n1), "read 7 bytes at a time: the same text");
	parse();
}

static void splits(void)
{
	char *a = region;

	fixed(a, 3, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	expect_lines(a, 3, "0-3 rw-p", "anonymous 3 pages: one rw-p line");
	struct line *l = find((unsigned long)a);
	tap_ok(l && l->off == 0 && l->maj == 0 && l->min == 0 && l->ino == 0 && !l->name[0],
	       "... offset 0, device 00:00, inode 0, no name");
	a[0] = 1;
	a[P] = 1;
	mprotect(a + P, P, PROT_READ);
	expect_lines(a, 3, "0-1 rw-p 1-2 r--p 2-3 rw-p", "mprotect the middle page: three lines");
	mprotect(a + P, P, PROT_READ | PROT_WRITE);
	expect_lines(a, 3, "0-3 rw-p", "mprotect it back: merged into one line again");
	munmap(a + P, P);
	expect_lines(a, 3, "0-1 rw-p 2-3 rw-p", "munmap the middle page: a hole");
	fixed(a + P, 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	expect_lines(a, 3, "0-3 rw-p", "map the hole again, same rights: one line");
	munmap(a, 3 * P);

	a = region + 8 * P;
	fixed(a, 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fixed(a + P, 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	expect_lines(a, 2, "0-2 rw-p", "two adjacent anonymous mmaps with the same rights: one line");
	fixed(a + 2 * P, 1, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	expect_lines(a, 3, "0-2 rw-p 2-3 r--p", "... a third with other rights: its own line");
	munmap(a, 3 * P);

	/* Linux merges private areas only if their anon_vmas agree. An area's
	 * first page lends it a compatible neighbour's (so these two become one
	 * once alike), but a fork gives each of the child's areas its own:
	 * there they stay two. */
	a = region + 12 * P;
	fixed(a, 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fixed(a + P, 1, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	a[0] = 1;
	a[P] = 1;
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		mprotect(a + P, P, PROT_READ | PROT_WRITE);
		load();
		struct line *c = find((unsigned long)a);
		_exit(c && c->end == (unsigned long)a + P ? 0 : 1);
	}
	int st = -1;
	waitpid(child, &st, 0);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "in a fork's child, areas that got pages before the fork stay two once alike");
	mprotect(a + P, P, PROT_READ | PROT_WRITE);
	expect_lines(a, 2, "0-2 rw-p", "in the parent, the second borrowed the first's: one line");
	munmap(a, 2 * P);

	a = region + 16 * P;
	static const struct { int prot; const char *perms; } rights[] = {
		{ PROT_NONE, "---p" }, { PROT_READ, "r--p" }, { PROT_WRITE, "-w-p" },
		{ PROT_EXEC, "--xp" }, { PROT_READ | PROT_EXEC, "r-xp" },
		{ PROT_READ | PROT_WRITE | PROT_EXEC, "rwxp" },
	};
	for (int i = 0; i < 6; i++) {
		fixed(a + 2 * i * P, 1, rights[i].prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		load();
		l = find((unsigned long)(a + 2 * i * P));
		tap_ok(l && !strcmp(l->perms, rights[i].perms), "prot %d shows as %s", rights[i].prot,
		       rights[i].perms);
	}
	munmap(a, 12 * P);

	a = region + 32 * P;
	fixed(a, 64, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < 64; i += 2)
		mprotect(a + i * P, P, PROT_READ);
	load();
	int alt = 1, count = 0;
	for (int i = 0; i < nlines; i++) {
		l = &lines[i];
		if (l->start < (unsigned long)a || l->start >= (unsigned long)a + 64 * P)
			continue;
		alt &= l->end - l->start == P && !strcmp(l->perms, count % 2 ? "rw-p" : "r--p");
		count++;
	}
	tap_ok(alt && count == 64, "64 pages with every other one read-only: 64 alternating lines");
	static char small[1 << 17];
	long n1 = read_all("/proc/self/maps", text, sizeof text, sizeof text);
	long n2 = read_all("/proc/self/maps", small, sizeof small, 13);
	tap_ok(n1 > 0 && n1 == n2 && !memcmp(text, small, n1), "... read 13 bytes at a time: the same text");
	munmap(a, 64 * P);
}

static void files(void)
{
	char path[64];
	struct stat st;
	char *a = region + 100 * P;

	snprintf(path, sizeof path, "/dev/shm/bk11_maps.%d", getpid());
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, 4 * P) || fstat(fd, &st))
		bail("file");
	fixed(a, 2, PROT_READ, MAP_PRIVATE, fd, P);
	load();
	struct line *l = find((unsigned long)a);
	tap_ok(l && l->end == (unsigned long)a + 2 * P && !strcmp(l->perms, "r--p") && l->off == P,
	       "private file mapping at offset 4096: r--p, offset 00001000");
	tap_ok(l && makedev(l->maj, l->min) == st.st_dev && l->ino == st.st_ino,
	       "... device and inode are the file's (stat)");
	if (l && (makedev(l->maj, l->min) != st.st_dev || l->ino != st.st_ino))
		tap_diag("line %02x:%02x %lu, stat %02x:%02x %lu", l->maj, l->min, l->ino,
			 major(st.st_dev), minor(st.st_dev), (unsigned long)st.st_ino);
	tap_ok(l && !strcmp(l->name, path), "... its name is the file's path");
	mprotect(a, 2 * P, PROT_READ | PROT_WRITE);
	a[P] = 'x';
	load();
	l = find((unsigned long)a + P);
	tap_ok(l && l->start == (unsigned long)a && l->off == P && !strcmp(l->perms, "rw-p") &&
	       !strcmp(l->name, path), "written (COW) private file pages keep offset and name");

	char *s = a + 4 * P;
	fixed(s, 1, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 3 * P);
	fixed(s + P, 1, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 2 * P);
	load();
	l = find((unsigned long)s);
	tap_ok(l && !strcmp(l->perms, "rw-s") && l->off == 3 * P && l->end == (unsigned long)s + P,
	       "shared file mapping: rw-s, offset 00003000");
	l = find((unsigned long)s + P);
	tap_ok(l && l->start == (unsigned long)s + P && l->off == 2 * P,
	       "adjacent shared mapping of an earlier offset: not merged");
	fixed(s + 2 * P, 1, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 3 * P);
	fixed(s + 3 * P, 1, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	unlink(path);
	load();
	char del[80];
	snprintf(del, sizeof del, "%s (deleted)", path);
	l = find((unsigned long)s);
	if (!tap_not_yet(1, "name for a mapped file after unlink (it shows only \" (deleted)\")"))
		tap_ok(l && !strcmp(l->name, del), "after unlink: the name ends in \" (deleted)\"");
	if (l && strcmp(l->name, del))
		tap_diag("name '%s'", l->name);
	close(fd);
	munmap(a, 8 * P);

	fixed(a, 2, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	load();
	l = find((unsigned long)a);
	tap_ok(l && !strcmp(l->perms, "rw-s") && l->off == 0 && !strcmp(l->name, "/dev/zero (deleted)"),
	       "shared anonymous: rw-s 00000000 ... /dev/zero (deleted)");
	if (l)
		tap_diag("'%s' %s", l->name, l->perms);
	munmap(a, 2 * P);
}

static void named(char **argv)
{
	int local;

	load();
	struct line *l = find((unsigned long)&local);
	tap_ok(l && !strcmp(l->name, "[stack]") && !strcmp(l->perms, "rw-p"),
	       "the line of a local variable is [stack], rw-p");
	l = find((unsigned long)named);
	const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	const char *lbase = l && strrchr(l->name, '/') ? strrchr(l->name, '/') + 1 : "";
	tap_ok(l && !strcmp(l->perms, "r-xp") && l->name[0] == '/' && !strcmp(lbase, base),
	       "the line of a function is r-xp, named by the program's absolute path");
	if (l)
		tap_diag("'%s'", l->name);

	unsigned long b0 = syscall(SYS_brk, 0), b1 = syscall(SYS_brk, b0 + 3 * P + 100);
	load();
	struct line *h = NULL;
	for (int i = 0; i < nlines; i++)
		if (!strcmp(lines[i].name, "[heap]"))
			h = &lines[i];
	tap_ok(b1 == b0 + 3 * P + 100 && h && h->end == (b1 + P - 1) / P * P && h->start <= b0 &&
	       !strcmp(h->perms, "rw-p"), "brk grown by 3 pages + 100: [heap] ends at brk rounded up");
	syscall(SYS_brk, b0);
	load();
	h = NULL;
	for (int i = 0; i < nlines; i++)
		if (!strcmp(lines[i].name, "[heap]"))
			h = &lines[i];
	tap_ok(!h || h->end == (b0 + P - 1) / P * P, "brk shrunk back: [heap] shrinks with it");
	int heaps = 0;
	for (int i = 0; i < nlines; i++)
		heaps += !strcmp(lines[i].name, "[heap]");
	tap_ok(heaps <= 1, "at most one [heap] line");
}

static int mapper(void *pp_)
{
	int *pp = pp_;
	char *a = fixed(region + 200 * P, 5, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char c;

	(void)a;
	close(pp[0]);
	close(pp[3]);
	write(pp[1], "m", 1);
	read(pp[2], &c, 1);
	return 0;
}

static void others(void)
{
	int up[2], down[2];
	char path[64], c;

	if (pipe(up) || pipe(down))
		bail("pipe");
	int fds[4] = { up[0], up[1], down[0], down[1] };
	pid_t ch = spawn(mapper, fds);
	read(up[0], &c, 1);
	snprintf(path, sizeof path, "/proc/%d/maps", ch);
	long n = read_all(path, text, sizeof text, sizeof text);
	int bad = parse();
	struct line *l = find((unsigned long)region + 200 * P);
	tap_ok(n > 0 && !bad && l && l->start == (unsigned long)region + 200 * P &&
	       l->end == (unsigned long)region + 205 * P && !strcmp(l->perms, "r--p"),
	       "/proc/CHILD/maps shows the child's own 5-page mapping");
	tap_ok(find((unsigned long)region + 200 * P) && !find((unsigned long)region + 205 * P),
	       "... and not ours");
	int zfd = open(path, O_RDONLY);
	close(down[1]);
	struct pollfd q = { up[0], POLLIN, 0 };
	close(up[1]);
	poll(&q, 1, 5000); /* EOF: the child is gone */
	siginfo_t si;
	waitid(P_PID, ch, &si, WEXITED | WNOWAIT);
	int zfd2 = open(path, O_RDONLY);
	n = zfd2 < 0 ? -2 : read(zfd2, text, sizeof text);
	tap_ok(n == 0, "maps of a zombie, opened then: empty");
	if (n)
		tap_diag("got %ld (%s)", n, tap_errname(errno));
	n = zfd < 0 ? -2 : read(zfd, text, sizeof text);
	tap_ok(n == 0, "maps opened while it lived, read once it is a zombie: empty");
	reap(ch);
	errno = 0;
	tap_ok(open(path, O_RDONLY) == -1 && errno == ENOENT, "maps of a reaped child: ENOENT");
	close(zfd);
	close(zfd2);
	close(up[0]);
	close(down[0]);
}

int main(int argc, char **argv)
{
	(void)argc;
	region = mmap(NULL, 256 * P, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED || munmap(region, 256 * P))
		bail("mmap");
	format();
	splits();
	files();
	named(argv);
	others();
	return done_testing();
}
