/* user/bk11_pagemap.c — /proc/PID/pagemap, black-box against Linux
 * (breaker11; Documentation/admin-guide/mm/pagemap.rst): the present, file,
 * exclusive bits and frame numbers of pages touched, untouched, shared with a child after fork and copied on write,
 * file-backed, shared, mlocked, dropped with MADV_DONTNEED and PROT_NONE;
 * EINVAL for offsets and counts that are not whole entries; the end of user
 * space; a bad buffer; a zombie's; frame numbers hidden from non-root.
 * Bit 55 (soft-dirty) is masked out everywhere: faultline never sets it
 * (docs/memory.md says so).
 */
#include <poll.h>
#include <sys/prctl.h>

#include "bk11.h"

#define P 4096UL
#define PRESENT (1UL << 63)
#define SWAPPED (1UL << 62)
#define FILEPG (1UL << 61)
#define EXCL (1UL << 56)
#define SOFTDIRTY (1UL << 55)
#define PFN(e) ((e) & ((1UL << 55) - 1))

static int pm;

static uint64_t entry_of(int fd, const void *addr)
{
	uint64_t e = 0xdeadbeef;

	if (pread(fd, &e, 8, (uintptr_t)addr / P * 8) != 8)
		return 0xdeadbeef;
	return e & ~SOFTDIRTY;
}

static uint64_t entry(const void *addr) { return entry_of(pm, addr); }

static char *anon(size_t pages, int flags)
{
	char *p = mmap(NULL, pages * P, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		bail("mmap");
	return p;
}

static void flags_case(uint64_t e, uint64_t want, const char *name)
{
	uint64_t mask = PRESENT | SWAPPED | FILEPG | EXCL;

	tap_ok((e & mask) == want && (!(want & PRESENT) || PFN(e)), "%s", name);
	if ((e & mask) != want || ((want & PRESENT) && !PFN(e)))
		tap_diag("entry %#lx, want flags %#lx%s", (unsigned long)e, (unsigned long)want,
			 want & PRESENT ? " and a frame" : "");
}

static void basics(void)
{
	char *a = anon(8, MAP_PRIVATE);
	a[0] = 1;
	flags_case(entry(a), PRESENT | EXCL, "written private page: present, exclusive, a frame");
	tap_eq(entry(a + P), 0, "untouched page of the same area: 0");
	a[4 * P] = 1;
	madvise(a + 4 * P, P, MADV_DONTNEED);
	tap_eq(entry(a + 4 * P), 0, "written then MADV_DONTNEED: 0");
	a[5 * P] = 1;
	uint64_t before = entry(a + 5 * P);
	mprotect(a + 5 * P, P, PROT_NONE);
	tap_ok(entry(a + 5 * P) == before, "written then PROT_NONE: still present, same frame");
	mlock(a + 6 * P, 2 * P);
	flags_case(entry(a + 7 * P), PRESENT | EXCL, "mlocked, never touched: present, exclusive");
	munmap(a, 8 * P);
	tap_eq(entry(a), 0, "unmapped address: 0");

	char *s = anon(2, MAP_SHARED);
	s[0] = 1;
	flags_case(entry(s), PRESENT | FILEPG | EXCL, "shared anonymous page written: present, file/shared, exclusive");
	tap_eq(entry(s + P), 0, "shared anonymous page untouched: 0");
	munmap(s, 2 * P);

	char path[64];
	snprintf(path, sizeof path, "/dev/shm/bk11_pagemap.%d", getpid());
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, "data", 4) != 4 || ftruncate(fd, 2 * P))
		bail("file");
	char *f = mmap(NULL, 2 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (f == MAP_FAILED)
		bail("mmap file");
	volatile char sink = f[0];

	(void)sink;
	flags_case(entry(f), PRESENT | FILEPG | EXCL, "private file page read: present, file, exclusive");
	f[0] = 'D';
	flags_case(entry(f), PRESENT | EXCL, "... written (private copy): present, exclusive, not file");
	munmap(f, 2 * P);
	close(fd);
	unlink(path);
}

static int cow_child(void *pp_)
{
	int *pp = pp_;
	char c;

	close(pp[1]);
	read(pp[0], &c, 1);
	return 0;
}

static void cow(void)
{
	char *a = anon(3, MAP_PRIVATE), path[64];
	int pp[2];

	a[0] = a[P] = a[2 * P] = 1;
	uint64_t e0 = entry(a), e1 = entry(a + P);
	if (pipe(pp))
		bail("pipe");
	pid_t ch = spawn(cow_child, pp);
	snprintf(path, sizeof path, "/proc/%d/pagemap", ch);
	int cfd = open(path, O_RDONLY);
	flags_case(entry(a), PRESENT, "after fork, parent's page: present, not exclusive");
	tap_ok(PFN(entry(a)) == PFN(e0), "... same frame as before the fork");
	uint64_t c0 = entry_of(cfd, a);
	flags_case(c0, PRESENT, "child's page (its pagemap): present, not exclusive");
	tap_ok(PFN(c0) == PFN(e0), "... the parent's frame");
	a[P] = 2;
	flags_case(entry(a + P), PRESENT | EXCL, "parent writes a shared page: exclusive again");
	tap_ok(PFN(entry(a + P)) != PFN(e1), "... in a new frame (the child keeps the old one)");
	tap_ok(PFN(entry_of(cfd, a + P)) == PFN(e1), "child's pagemap: still the old frame");
	close(pp[1]);
	siginfo_t si;
	waitid(P_PID, ch, &si, WEXITED | WNOWAIT);
	uint64_t zb = 0x1234;
	long n = pread(cfd, &zb, 8, (uintptr_t)a / P * 8);
	tap_ok(n == 0, "pagemap opened while the child lived, read once it is a zombie: 0 bytes");
	if (n)
		tap_diag("read %ld, %#lx", n, (unsigned long)zb);
	reap(ch);
	close(cfd);
	close(pp[0]);
	flags_case(entry(a), PRESENT | EXCL, "child reaped: the page it shared is exclusive again");
	tap_ok(PFN(entry(a)) == PFN(e0), "... same frame, no copy");
	munmap(a, 3 * P);
}

static void edges(void)
{
	uint64_t b[4];
	char *a = anon(2, MAP_PRIVATE);

	a[0] = 1;
	errno = 0;
	TRY(pread(pm, b, 8, 4), -1, EINVAL, "pread at offset 4 -> EINVAL");
	TRY(pread(pm, b, 4, 0), -1, EINVAL, "pread of 4 bytes -> EINVAL");
	TRY(pread(pm, b, 12, 8), -1, EINVAL, "pread of 12 bytes -> EINVAL");
	TRY(pread(pm, b, 0, 8), 0, 0, "pread of 0 bytes -> 0");
	TRY(pread(pm, b, 16, 0x7fffffffe000UL / P * 8), 8, 0,
	    "16 bytes at the last user page's entry -> 8 (stops at the end of user space)");
	TRY(pread(pm, b, 8, 0x7ffffffff000UL / P * 8), 0, 0, "at the end of user space -> 0");
	TRY(pread(pm, b, 8, (1UL << 47) / P * 8 + 8 * 100), 0, 0, "past the end of user space -> 0");
	TRY(pread(pm, NULL, 8, (uintptr_t)a / P * 8), -1, EFAULT, "into NULL -> EFAULT");
	TRY(pread(pm, (void *)0xffff800000000000UL, 8, (uintptr_t)a / P * 8), -1, EFAULT,
	    "into a kernel address -> EFAULT");

	lseek(pm, (uintptr_t)a / P * 8, SEEK_SET);
	long n = read(pm, b, 16);
	tap_ok(n == 16 && (b[0] & ~SOFTDIRTY) == entry(a) && (b[1] & ~SOFTDIRTY) == 0,
	       "lseek + read of 2 entries: the same as pread");
	tap_eq(lseek(pm, 0, SEEK_CUR), (uintptr_t)a / P * 8 + 16, "... and the offset moved by 16");

	/* A long read across mapped pages and holes. */
	char *big = anon(40, MAP_PRIVATE);
	munmap(big + 10 * P, 10 * P);
	for (int i = 0; i < 40; i += 3)
		if (i < 10 || i >= 20)
			big[i * P] = 1;
	static uint64_t all[40];
	n = pread(pm, all, sizeof all, (uintptr_t)big / P * 8);
	int same = n == sizeof all;
	for (int i = 0; i < 40 && same; i++)
		same = (all[i] & ~SOFTDIRTY) == entry(big + i * P) &&
		       !!(all[i] & PRESENT) == ((i < 10 || i >= 20) && i % 3 == 0);
	tap_ok(same, "one read of 40 entries over pages, untouched pages and a hole: each right");
	munmap(big, 40 * P);
	munmap(a, 2 * P);
}

static int nonroot(void *a_)
{
	char *a = a_;

	a[0] = 3;
	if (setuid(1000))
		return 10;
	prctl(PR_SET_DUMPABLE, 1); /* setuid made it undumpable: /proc/self root's */
	int fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		return 11;
	uint64_t e = entry_of(fd, a);
	return (e & PRESENT) && PFN(e) == 0 ? 0 : 12;
}

int main(void)
{
	pm = open("/proc/self/pagemap", O_RDONLY);
	if (pm < 0)
		bail("open pagemap");
	basics();
	cow();
	edges();
	char *a = anon(1, MAP_PRIVATE);
	child_case(nonroot, a, EXITED(0), "uid 1000 opens its pagemap: present, frame number 0");
	return done_testing();
}
