/* user/vdso.c — the vDSO: the ELF image the kernel maps into every process
 * (AT_SYSINFO_EHDR), found and read here with a parser of our own, as a
 * C library finds it (musl's __vdsosym): its functions, looked up by name
 * and version LINUX_2.6, must tell the same time as the system calls, and
 * never less than a reading made before by either path. The vvar page
 * beside it is read-only (a write is SIGSEGV, mprotect may not make it
 * writable or executable); both are named in /proc/self/maps, kept across
 * fork, made anew by execve. */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "tap.h"

typedef int (*cgt_fn)(clockid_t, struct timespec *);
typedef int (*gtod_fn)(struct timeval *, struct timezone *);
typedef time_t (*time_fn)(time_t *);
typedef long (*getcpu_fn)(unsigned *, unsigned *, void *);

/* What the dynamic section of the image says. */
struct image {
	const char *base;   /* load bias: the image's address 0 */
	const Elf64_Sym *syms;
	const char *strings;
	const uint32_t *hash; /* DT_HASH: nchain, the number of symbols, is hash[1] */
	const uint16_t *versym;
	const Elf64_Verdef *verdef;
};

static int parse(const char *ehdr_addr, struct image *im)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)ehdr_addr;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(ehdr_addr + eh->e_phoff);
	const Elf64_Dyn *dyn = NULL;

	memset(im, 0, sizeof(*im));
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !im->base)
			im->base = ehdr_addr + ph[i].p_offset - ph[i].p_vaddr;
		else if (ph[i].p_type == PT_DYNAMIC)
			dyn = (const Elf64_Dyn *)(ehdr_addr + ph[i].p_offset);
	}
	if (!im->base || !dyn)
		return -1;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		const char *p = im->base + dyn->d_un.d_ptr;
		switch (dyn->d_tag) {
		case DT_SYMTAB: im->syms = (const Elf64_Sym *)p; break;
		case DT_STRTAB: im->strings = p; break;
		case DT_HASH: im->hash = (const uint32_t *)p; break;
		case DT_VERSYM: im->versym = (const uint16_t *)p; break;
		case DT_VERDEF: im->verdef = (const Elf64_Verdef *)p; break;
		}
	}
	return im->syms && im->strings && im->hash && im->versym && im->verdef ? 0 : -1;
}

/* The name of version index ndx, from the version definitions. */
static const char *version_name(const struct image *im, unsigned ndx)
{
	const Elf64_Verdef *d = im->verdef;

	for (;;) {
		if (!(d->vd_flags & VER_FLG_BASE) && (d->vd_ndx & 0x7fff) == (ndx & 0x7fff)) {
			const Elf64_Verdaux *a = (const Elf64_Verdaux *)((const char *)d + d->vd_aux);
			return im->strings + a->vda_name;
		}
		if (!d->vd_next)
			return NULL;
		d = (const Elf64_Verdef *)((const char *)d + d->vd_next);
	}
}

/* The address of function name, version LINUX_2.6, or NULL. */
static void *lookup(const struct image *im, const char *name)
{
	for (uint32_t i = 1; i < im->hash[1]; i++) {
		const Elf64_Sym *s = &im->syms[i];
		const char *v = version_name(im, im->versym[i]);
		if (ELF64_ST_TYPE(s->st_info) == STT_FUNC && s->st_shndx != SHN_UNDEF &&
		    !strcmp(im->strings + s->st_name, name) && v && !strcmp(v, "LINUX_2.6"))
			return (void *)(im->base + s->st_value);
	}
	return NULL;
}

static struct image vdso;
static cgt_fn vdso_cgt;
static gtod_fn vdso_gtod;
static time_fn vdso_time;
static getcpu_fn vdso_getcpu;

/* Find the image and its four functions; 0 if all are there. */
static int find_vdso(void)
{
	const char *e = (const char *)getauxval(AT_SYSINFO_EHDR);

	if (!e || memcmp(e, ELFMAG, SELFMAG) || parse(e, &vdso))
		return -1;
	vdso_cgt = (cgt_fn)lookup(&vdso, "__vdso_clock_gettime");
	vdso_gtod = (gtod_fn)lookup(&vdso, "__vdso_gettimeofday");
	vdso_time = (time_fn)lookup(&vdso, "__vdso_time");
	vdso_getcpu = (getcpu_fn)lookup(&vdso, "__vdso_getcpu");
	return vdso_cgt && vdso_gtod && vdso_time && vdso_getcpu ? 0 : -1;
}

static long long ns_of(const struct timespec *t)
{
	return t->tv_sec * 1000000000ll + t->tv_nsec;
}

static long raw_cgt(clockid_t id, struct timespec *t)
{
	return syscall(SYS_clock_gettime, id, t);
}

/* ---- the image ----------------------------------------------------------- */

static void image(void)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)getauxval(AT_SYSINFO_EHDR);

	tap_ok(eh != NULL, "AT_SYSINFO_EHDR is in the auxiliary vector");
	if (!eh)
		bail("no vDSO");
	tap_ok(!memcmp(eh->e_ident, ELFMAG, SELFMAG) && eh->e_ident[EI_CLASS] == ELFCLASS64,
	       "an ELF64 header is there");
	tap_eq(eh->e_type, ET_DYN, "the vDSO is a shared object");
	tap_eq(eh->e_machine, EM_X86_64, "for x86-64");
	tap_ok(find_vdso() == 0, "__vdso_clock_gettime, _gettimeofday, _time, _getcpu found, version LINUX_2.6");
	if (!vdso_cgt || !vdso_gtod || !vdso_time || !vdso_getcpu)
		bail("the vDSO lacks a function");
	tap_ok(lookup(&vdso, "__vdso_no_such_function") == NULL, "a name it does not define is not found");
}

/* ---- the time ------------------------------------------------------------ */

/* vDSO and system call readings interleaved: each no less than the one
 * before it, whichever path made either, with the nanoseconds below a
 * second. At least 2000 of them and over at least 30 ms, so that they
 * span timer ticks: a kernel that moves the clock's base on at a tick
 * (Linux) must agree with the cycles counted since the old one. */
static void interleaved(clockid_t id, const char *name)
{
	struct timespec t;
	long long first = 0, last = 0, now = 0;
	int bad = 0, errs = 0;

	for (int i = 0; i < 2000 || (now - first < 30000000 && !errs); i++) {
		errs += (i & 1) ? vdso_cgt(id, &t) != 0 : raw_cgt(id, &t) != 0;
		now = ns_of(&t);
		first = i ? first : now;
		if ((now < last || t.tv_nsec >= 1000000000) && !bad++)
			tap_diag("reading %d (%s): %lld after %lld", i, (i & 1) ? "vDSO" : "syscall", now, last);
		last = now;
	}
	tap_ok(!errs && !bad, "%s: vDSO and syscall readings interleaved never go back", name);
}

static void clocks(void)
{
	static const struct { clockid_t id; const char *name; } ids[] = {
		{ CLOCK_MONOTONIC, "MONOTONIC" }, { CLOCK_REALTIME, "REALTIME" },
		{ CLOCK_BOOTTIME, "BOOTTIME" }, { CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW" },
		{ CLOCK_TAI, "TAI" }, { CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE" },
		{ CLOCK_REALTIME_COARSE, "REALTIME_COARSE" },
	};
	struct timespec a, b, c;

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		interleaved(ids[i].id, ids[i].name);
	raw_cgt(CLOCK_REALTIME, &a);
	vdso_cgt(CLOCK_REALTIME, &b);
	raw_cgt(CLOCK_REALTIME, &c);
	tap_ok(ns_of(&a) <= ns_of(&b) && ns_of(&b) <= ns_of(&c) && b.tv_nsec < 1000000000,
	       "REALTIME through the vDSO lies between two syscall readings");
	tap_ok(ns_of(&c) - ns_of(&a) < 1000000000ll, "... which are less than a second apart");
	tap_eq(vdso_cgt(CLOCK_PROCESS_CPUTIME_ID, &b), 0, "a CPU-time clock through the vDSO (the syscall)");
	tap_ok(b.tv_sec >= 0 && b.tv_nsec >= 0 && b.tv_nsec < 1000000000 && ns_of(&b) > 0,
	       "... reads a time");
	tap_eq(vdso_cgt(100, &b), -EINVAL, "clock 100 through the vDSO: -EINVAL, as the syscall says");
	tap_eq(vdso_cgt(-1, &b), -EINVAL, "clock -1: -EINVAL");
	tap_eq(clock_gettime(CLOCK_MONOTONIC, &a), 0, "musl's clock_gettime (through the vDSO) works");
	vdso_cgt(CLOCK_MONOTONIC, &b);
	raw_cgt(CLOCK_MONOTONIC, &c);
	tap_ok(ns_of(&a) <= ns_of(&b) && ns_of(&b) <= ns_of(&c), "... and agrees with the other two");
}

static long long us_of(const struct timeval *v)
{
	return v->tv_sec * 1000000ll + v->tv_usec;
}

static void wall(void)
{
	struct timespec a, c;
	struct timeval v, s1, s2;
	struct timezone tz = { 99, 99 };
	time_t t1, t2, tv, stored = 0;

	syscall(SYS_gettimeofday, &s1, NULL);
	raw_cgt(CLOCK_REALTIME, &a);
	tap_eq(vdso_gtod(&v, &tz), 0, "gettimeofday through the vDSO");
	raw_cgt(CLOCK_REALTIME, &c);
	syscall(SYS_gettimeofday, &s2, NULL);
	tap_ok(ns_of(&a) / 1000 <= us_of(&v) && us_of(&v) <= ns_of(&c) / 1000 && v.tv_usec < 1000000,
	       "... agrees with clock_gettime(REALTIME)");
	tap_ok(us_of(&s1) <= us_of(&v) && us_of(&v) <= us_of(&s2), "... and with the gettimeofday syscall");
	tap_ok(tz.tz_minuteswest == 0 && tz.tz_dsttime == 0, "... the time zone is UTC");
	tap_eq(vdso_gtod(NULL, NULL), 0, "gettimeofday(NULL, NULL) through the vDSO");

	t1 = syscall(SYS_time, NULL);
	raw_cgt(CLOCK_REALTIME, &a);
	tv = vdso_time(&stored);
	raw_cgt(CLOCK_REALTIME, &c);
	t2 = syscall(SYS_time, NULL);
	tap_eq(stored, tv, "time(&t) through the vDSO stores what it returns");
	/* Linux's time() is the wall clock at the last tick: up to a tick behind. */
	tap_ok(a.tv_sec - 1 <= tv && tv <= c.tv_sec, "... agrees with clock_gettime(REALTIME)");
	tap_ok(t1 <= tv && tv <= t2, "... and with the time syscall");
	tap_ok(vdso_time(NULL) >= tv, "time(NULL) through the vDSO: no earlier");
}

static void cpu(void)
{
	unsigned c = 99, n = 99, sc = 98, sn = 98;

	tap_eq(vdso_getcpu(&c, &n, NULL), 0, "getcpu through the vDSO");
	tap_eq(syscall(SYS_getcpu, &sc, &sn, NULL), 0, "the getcpu syscall");
	if (on_faultline())
		tap_ok(c == 0 && n == 0 && sc == 0 && sn == 0, "both say CPU 0, node 0 (faultline has one)");
	else
		tap_ok(c < (unsigned)sysconf(_SC_NPROCESSORS_CONF) && sc < (unsigned)sysconf(_SC_NPROCESSORS_CONF) &&
		       n == sn, "both name a CPU there is, on the same node");
	tap_eq(vdso_getcpu(NULL, NULL, NULL), 0, "getcpu(NULL, NULL) through the vDSO");
	tap_ok(sched_getcpu() >= 0, "musl's sched_getcpu");
}

/* ---- the mappings -------------------------------------------------------- */

struct area {
	unsigned long start, end;
	char perms[5];
};

/* The /proc/self/maps line named name (the first), or start 0. */
static struct area maps_area(const char *name)
{
	struct area a = { 0, 0, "" };
	char line[512], n[256];
	FILE *f = fopen("/proc/self/maps", "r");

	while (f && fgets(line, sizeof line, f)) {
		n[0] = '\0';
		struct area l = { 0, 0, "" };
		if (sscanf(line, "%lx-%lx %4s %*s %*s %*s %255s", &l.start, &l.end, l.perms, n) >= 3 &&
		    !strcmp(n, name) && !a.start)
			a = l;
	}
	if (f)
		fclose(f);
	return a;
}

static int write_vvar(void *unused)
{
	(void)unused;
	*(volatile char *)maps_area("[vvar]").start = 1;
	return 0;
}

static int write_vdso(void *unused)
{
	(void)unused;
	*(volatile char *)getauxval(AT_SYSINFO_EHDR) = 1;
	return 0;
}

/* mprotect lets the vDSO be written, as a debugger writes a breakpoint:
 * the write lands in a copy of the page, private to this process. */
static int patch_vdso(void *unused)
{
	struct area d = maps_area("[vdso]");
	volatile char *p = (volatile char *)d.start + 0x30;

	(void)unused;
	if (mprotect((void *)d.start, d.end - d.start, PROT_READ | PROT_WRITE | PROT_EXEC))
		return 2;
	*p = 0x5a;
	return *p == 0x5a && !strcmp(maps_area("[vdso]").perms, "rwxp") ? 0 : 3;
}

static int unmap_both(void *unused)
{
	struct area v = maps_area("[vvar]"), d = maps_area("[vdso]");

	(void)unused;
	if (munmap((void *)v.start, v.end - v.start) || munmap((void *)d.start, d.end - d.start))
		return 2;
	return maps_area("[vvar]").start || maps_area("[vdso]").start ? 3 : 0;
}

/* After fork: the same image at the same place, telling the same time. */
static int forked(void *unused)
{
	struct timespec a, b, c;

	(void)unused;
	if (maps_area("[vdso]").start != getauxval(AT_SYSINFO_EHDR))
		return 2;
	raw_cgt(CLOCK_MONOTONIC, &a);
	if (vdso_cgt(CLOCK_MONOTONIC, &b))
		return 3;
	raw_cgt(CLOCK_MONOTONIC, &c);
	return ns_of(&a) <= ns_of(&b) && ns_of(&b) <= ns_of(&c) ? 0 : 4;
}

/* In the new program after execve: a vDSO found anew, which works. */
static int after_exec(void)
{
	struct timespec a, b;

	if (find_vdso())
		return 2;
	if (maps_area("[vdso]").start != getauxval(AT_SYSINFO_EHDR) || !maps_area("[vvar]").start)
		return 3;
	raw_cgt(CLOCK_REALTIME, &a);
	if (vdso_cgt(CLOCK_REALTIME, &b))
		return 4;
	return ns_of(&a) <= ns_of(&b) ? 0 : 5;
}

static int exec_self(void *unused)
{
	const char *dir = getenv("BIN_DIR") ? getenv("BIN_DIR") : "/bin";
	char path[256];

	(void)unused;
	snprintf(path, sizeof path, "%s/vdso", dir);
	execl(path, path, "exec", (char *)NULL);
	return 9;
}

static void mappings(void)
{
	struct area v = maps_area("[vvar]"), d = maps_area("[vdso]");
	unsigned char first = *(volatile unsigned char *)(d.start + 0x30);

	tap_eq(d.start, getauxval(AT_SYSINFO_EHDR), "/proc/self/maps: [vdso] starts at AT_SYSINFO_EHDR");
	tap_ok(!strcmp(d.perms, "r-xp"), "... read and execute, private (%s)", d.perms);
	tap_ok(v.start && v.end <= d.start, "[vvar] is there, below the vDSO");
	tap_ok(!strcmp(v.perms, "r--p"), "... read-only (%s)", v.perms);
	child_case(write_vvar, NULL, KILLED(SIGSEGV), "a write to the vvar page: SIGSEGV");
	child_case(write_vdso, NULL, KILLED(SIGSEGV), "a write to the vDSO: SIGSEGV");
	TRY(mprotect((void *)v.start, v.end - v.start, PROT_READ | PROT_WRITE), -1, EACCES,
	    "mprotect may not make the vvar page writable (EACCES)");
	TRY(mprotect((void *)v.start, v.end - v.start, PROT_READ | PROT_EXEC), -1, EACCES,
	    "... nor executable");
	TRY(mprotect((void *)v.start, v.end - v.start, PROT_READ), 0, 0, "... PROT_READ is allowed");
	child_case(patch_vdso, NULL, EXITED(0), "mprotect makes the vDSO writable; a write then lands");
	tap_eq(*(volatile unsigned char *)(d.start + 0x30), first, "... in the child's own copy: ours is unchanged");
	child_case(unmap_both, NULL, EXITED(0), "munmap of both: gone from /proc/self/maps");
	child_case(forked, NULL, EXITED(0), "after fork the child's vDSO is there and works");
	child_case(exec_self, NULL, EXITED(0), "after execve the new program's vDSO is there and works");
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "exec"))
		return after_exec();
	image();
	clocks();
	wall();
	cpu();
	mappings();
	return done_testing();
}
