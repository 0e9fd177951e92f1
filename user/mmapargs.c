/* user/mmapargs.c — mmap's arguments and the limits on an address space,
 * as Linux decides them:
 *
 *   - prot bits mmap does not know are ignored (all 32 tried);
 *   - /dev/zero maps anonymous memory: private, or shared with a child;
 *     other descriptors without an mmap (/dev/null, a pipe's read end) are
 *     ENODEV, one not open for reading (a pipe's write end) EACCES, and
 *     so is a shared writable mapping of one not open for writing, or an
 *     mprotect that would make such a mapping writable;
 *   - an offset beyond the largest a file can have (LLONG_MAX bytes for a
 *     regular file, ULONG_MAX for a device) is EOVERFLOW; anonymous
 *     mappings ignore the offset;
 *   - RLIMIT_DATA bounds brk and private writable mappings (also ones that
 *     mprotect makes writable), RLIMIT_AS every mapping;
 *   - brk stops a page short of the next mapping.
 * The limits are set with the raw prlimit64 (this host's musl setrlimit
 * refuses some of them), in children, since they cannot be raised again. */
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child.h"
#include "swap.h"

#define MIB_(n) ((size_t)(n) << 20)

static long raw_mmap(size_t len, int prot, int flags, int fd, unsigned long off)
{
	return syscall(SYS_mmap, NULL, len, prot, flags, fd, off);
}

static void prot_bits(void)
{
	int refused = 0;

	for (int bit = 0; bit < 32; bit++) {
		long p = raw_mmap(PAGE, 1u << bit, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == -1)
			refused++;
		else
			munmap((void *)p, PAGE);
	}
	tap_eq(refused, 0, "mmap accepts every single prot bit 0..31");
}

static int shared_child(void *p)
{
	((char *)p)[0] = 'c';
	return 0;
}

static void dev_zero(void)
{
	int z = open("/dev/zero", O_RDWR);
	char *priv, *shared;

	if (z < 0)
		bail("/dev/zero");
	priv = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, z, 0);
	shared = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, z, 0);
	tap_ok(priv != MAP_FAILED && shared != MAP_FAILED, "/dev/zero maps private and shared");
	if (priv == MAP_FAILED || shared == MAP_FAILED)
		return;
	tap_ok(priv[0] == 0 && priv[PAGE] == 0, "a private /dev/zero mapping reads zeros");
	priv[0] = 'p';
	tap_ok(priv[0] == 'p', "... and keeps what is written");
	child_case(shared_child, shared, EXITED(0), "a child writes the shared /dev/zero mapping");
	tap_eq(shared[0], 'c', "... and the parent sees it");
	child_case(shared_child, priv, EXITED(0), "a child writes the private one");
	tap_eq(priv[0], 'p', "... and the parent does not see it");
	munmap(priv, 2 * PAGE);
	munmap(shared, 2 * PAGE);
	close(z);
}

static void offsets_and_kinds(void)
{
	int z = open("/dev/zero", O_RDONLY), null = open("/dev/null", O_RDONLY);
	int f = open("mmapargs.tmp", O_RDWR | O_CREAT | O_TRUNC, 0600);
	int fds[2];

	if (z < 0 || null < 0 || f < 0 || write(f, "x", 1) != 1 || pipe(fds))
		bail("setup");
	tap_try(raw_mmap(2 * PAGE, PROT_READ, MAP_PRIVATE, f, 0x7fffffffffffe000UL), -1, EOVERFLOW,
		"a file at an offset whose end passes LLONG_MAX -> EOVERFLOW");
	tap_try(raw_mmap(2 * PAGE, PROT_READ, MAP_PRIVATE, f, 0x8000000000000000UL), -1, EOVERFLOW,
		"a file at an offset past LLONG_MAX -> EOVERFLOW");
	long p = raw_mmap(2 * PAGE, PROT_READ, MAP_PRIVATE, f, 0x7fffffffffffd000UL);
	tap_ok(p != -1, "a file at an offset whose end is LLONG_MAX rounded down -> mapped");
	munmap((void *)p, 2 * PAGE);
	tap_try(raw_mmap(2 * PAGE, PROT_READ, MAP_PRIVATE, z, 0xfffffffffffff000UL), -1, EOVERFLOW,
		"/dev/zero at an offset whose end passes ULONG_MAX -> EOVERFLOW");
	p = raw_mmap(2 * PAGE, PROT_READ, MAP_PRIVATE, z, 0x7ffffffffffff000UL);
	tap_ok(p != -1, "/dev/zero at an offset past LLONG_MAX -> mapped");
	munmap((void *)p, 2 * PAGE);
	p = raw_mmap(2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0xfffffffffffff000UL);
	tap_ok(p != -1, "an anonymous mapping ignores its offset");
	munmap((void *)p, 2 * PAGE);
	tap_try(raw_mmap(PAGE, PROT_READ, MAP_PRIVATE, null, 0), -1, ENODEV, "/dev/null -> ENODEV");
	tap_try(raw_mmap(PAGE, PROT_READ, MAP_PRIVATE, fds[0], 0), -1, ENODEV,
		"a pipe's read end -> ENODEV");
	tap_try(raw_mmap(PAGE, PROT_READ, MAP_PRIVATE, fds[1], 0), -1, EACCES,
		"a pipe's write end -> EACCES");
	tap_try(raw_mmap(PAGE, PROT_READ, 0, f, 0), -1, EINVAL, "a file without MAP_PRIVATE or MAP_SHARED -> EINVAL");
	/* The map type is the low four bits, not two (found by the raw-syscall
	 * fuzzer: 0xd was taken for MAP_SHARED, with MAP_FIXED over the text). */
	tap_try(raw_mmap(PAGE, PROT_READ, 0xd | MAP_ANONYMOUS, -1, 0), -1, EINVAL, "anonymous, type 0xd -> EINVAL");
	tap_try(raw_mmap(PAGE, PROT_READ, 0x7 | MAP_ANONYMOUS, -1, 0), -1, EINVAL, "anonymous, type 0x7 -> EINVAL");
	tap_try(raw_mmap(PAGE, PROT_READ, 0xe, f, 0), -1, EINVAL, "a file, type 0xe -> EINVAL");
	tap_try(raw_mmap(PAGE, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0), -1, EINVAL,
		"anonymous, MAP_SHARED_VALIDATE -> EINVAL");
	/* mprotect's prot is an unsigned long: a high bit is an unknown bit. */
	tap_try(syscall(SYS_mprotect, (void *)raw_mmap(PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), PAGE,
			0x8000000000000000UL | PROT_READ), -1, EINVAL, "mprotect with prot bit 63 -> EINVAL");
	long v = raw_mmap(PAGE, PROT_READ, MAP_SHARED_VALIDATE, z, 0);
	tap_ok(v != -1, "/dev/zero, MAP_SHARED_VALIDATE -> mapped");
	if (v != -1)
		munmap((void *)v, PAGE);
	/* Writing through a shared mapping needs a descriptor open for writing,
	 * now and later (Linux clears VM_MAYWRITE). */
	tap_try(raw_mmap(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, z, 0), -1, EACCES,
		"/dev/zero read-only, shared and writable -> EACCES");
	int rf = open("mmapargs.tmp", O_RDONLY);
	tap_try(raw_mmap(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, rf, 0), -1, EACCES,
		"a file open read-only, shared and writable -> EACCES");
	close(rf);
	v = raw_mmap(PAGE, PROT_READ, MAP_SHARED, z, 0);
	tap_try(mprotect((void *)v, PAGE, PROT_READ | PROT_WRITE), -1, EACCES,
		"... shared and read-only, then mprotect writable -> EACCES");
	tap_try(mprotect((void *)v, PAGE, PROT_READ | PROT_EXEC), 0, 0,
		"... mprotect to PROT_EXEC is allowed");
	munmap((void *)v, PAGE);
	v = raw_mmap(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, z, 0);
	tap_ok(v != -1, "/dev/zero read-only, private and writable -> mapped");
	munmap((void *)v, PAGE);
	close(z), close(null), close(f), close(fds[0]), close(fds[1]);
	unlink("mmapargs.tmp");
}

static int set_limit(int resource, unsigned long cur, unsigned long max)
{
	unsigned long r[2] = { cur, max };

	return (int)syscall(SYS_prlimit64, 0, resource, r, NULL);
}

/* Each limit case is a child exiting with the number of the first check
 * that went wrong, 0 if none did. */
static int data_limit(void *unused)
{
	long brk0;
	char *ro;

	(void)unused;
	if (set_limit(RLIMIT_DATA, MIB_(16), RLIM_INFINITY))
		return 100;
	if (raw_mmap(MIB_(32), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != -1 || errno != ENOMEM)
		return 1;
	ro = (char *)raw_mmap(MIB_(32), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro == (char *)-1)
		return 2;
	if (raw_mmap(MIB_(32), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0) == -1)
		return 3;
	if (mprotect(ro, MIB_(32), PROT_READ | PROT_WRITE) != -1 || errno != ENOMEM)
		return 4;
	if (mprotect(ro, MIB_(4), PROT_READ | PROT_WRITE))
		return 5;
	if (raw_mmap(MIB_(4), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == -1)
		return 6;
	brk0 = syscall(SYS_brk, 0);
	if (syscall(SYS_brk, brk0 + MIB_(32)) != brk0)
		return 7;
	if (syscall(SYS_brk, brk0 + MIB_(1)) != brk0 + (long)MIB_(1))
		return 8;
	if (set_limit(RLIMIT_DATA, 0, RLIM_INFINITY))
		return 101;
	if (raw_mmap(MIB_(32), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == -1)
		return 9; /* a soft limit of 0 under an infinite hard one lets data through */
	if (set_limit(RLIMIT_DATA, 0, 0))
		return 102;
	if (raw_mmap(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != -1 || errno != ENOMEM)
		return 10;
	return 0;
}

static int as_limit(void *unused)
{
	(void)unused;
	if (set_limit(RLIMIT_AS, MIB_(64), RLIM_INFINITY))
		return 100;
	if (raw_mmap(MIB_(128), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != -1 || errno != ENOMEM)
		return 1;
	if (raw_mmap(MIB_(16), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == -1)
		return 2;
	long brk0 = syscall(SYS_brk, 0);
	if (syscall(SYS_brk, brk0 + MIB_(64)) != brk0)
		return 3;
	return 0;
}

static void limits(void)
{
	child_case(data_limit, NULL, EXITED(0), "RLIMIT_DATA 16 MiB: private writable mmap, mprotect and brk bounded, "
		   "read-only and shared not; a soft 0 under an infinite hard limit is no limit");
	child_case(as_limit, NULL, EXITED(0), "RLIMIT_AS 64 MiB: even PROT_NONE mmap and brk are bounded");
}

static void brk_gap(void)
{
	long top = (syscall(SYS_brk, 0) + PAGE - 1) & ~(PAGE - 1);
	long guard = syscall(SYS_mmap, top + 16 * PAGE, PAGE, PROT_READ,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (guard != top + (long)(16 * PAGE))
		bail("a mapping above the break");
	tap_eq(syscall(SYS_brk, top + 15 * PAGE + 1) - top, 0,
	       "brk into the page below a mapping fails (the old break stays)");
	tap_eq(syscall(SYS_brk, top + 16 * PAGE) - top, 0, "brk up to the mapping fails");
	tap_eq(syscall(SYS_brk, top + 15 * PAGE) - top, 15 * PAGE, "brk that leaves one page free -> done");
	tap_eq(syscall(SYS_brk, top) - top, 0, "brk back down -> done");
	munmap((void *)guard, PAGE);
}

int main(void)
{
	prot_bits();
	dev_zero();
	offsets_and_kinds();
	limits();
	brk_gap();
	return done_testing();
}
