/* user/bk13_vma.c — thousands of mmap/munmap/mprotect splits and merges,
 * checked against a model of each page without /proc: mincore says
 * mapped (0) or not (ENOMEM), a probe with a SIGSEGV handler says
 * readable and writable, and each written page keeps its own byte.
 * Then the area count limit: Linux refuses a split past vm.max_map_count
 * with ENOMEM and leaves the mapping as it was. An mprotect over a hole
 * fails ENOMEM but keeps its changes to the areas before the hole.
 */
#include <stdint.h>

#include "bk13.h"
#include "probe.h"

#define NPG 3000

static unsigned rnd = 12345;
static unsigned next(void) { rnd = rnd * 1103515245 + 12345; return rnd >> 8; }

/* 0 unmapped, else PROT bits + 1; val is the byte each page holds */
static unsigned char state[NPG], val[NPG];

static int check_all(char *base, const char *when)
{
	unsigned char vec[1];
	int bad = 0;

	for (int i = 0; i < NPG && bad < 3; i++) {
		char *p = base + (size_t)i * PG;
		int mapped = mincore(p, PG, vec) == 0;
		int err = mapped ? 0 : errno;
		int prot = state[i] - 1;
		int r = mapped ? probe_read(p) : 0;
		int w = mapped && r && (prot & PROT_WRITE) ? probe_write(p) : 0;
		int ok = mapped == !!state[i] && (mapped || err == ENOMEM) &&
			 r == (mapped && prot & PROT_READ) &&
			 w == (mapped && (prot & PROT_WRITE) != 0) &&
			 (!r || (unsigned char)*p == val[i]);
		if (!ok) {
			bad++;
			tap_diag("%s: page %d state %d: mapped %d err %d r %d w %d byte %#x want %#x",
				 when, i, state[i], mapped, err, r, w, r ? *p & 0xff : 0, val[i]);
		}
	}
	return bad;
}

static void randomized(void)
{
	char *base = mmap(NULL, (size_t)NPG * PG, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int prots[] = { PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE };
	int bad = 0;

	for (int i = 0; i < NPG; i++) {
		state[i] = PROT_READ | PROT_WRITE;
		state[i]++;
		val[i] = (unsigned char)(i * 7 + 1);
		base[(size_t)i * PG] = (char)val[i];
	}
	for (int round = 0; round < 4000; round++) {
		int a = next() % NPG, n = 1 + next() % (next() % 4 ? 3 : 60);
		if (a + n > NPG)
			n = NPG - a;
		char *p = base + (size_t)a * PG;
		int op = next() % 10;
		if (op < 6) {
			int pr = prots[next() % 3];
			long r = mprotect(p, (size_t)n * PG, pr);
			int any_hole = 0;
			for (int i = a; i < a + n; i++)
				any_hole |= !state[i];
			if ((r == 0) == any_hole) {
				bad++;
				tap_diag("mprotect %d+%d -> %ld (hole %d)", a, n, r, any_hole);
			}
			/* Linux changes the areas before the first hole, then
			 * fails; nothing when the range starts in a hole. */
			for (int i = a; i < a + n && state[i]; i++)
				state[i] = pr + 1;
		} else if (op < 8) {
			munmap(p, (size_t)n * PG);
			for (int i = a; i < a + n; i++)
				state[i] = 0;
		} else {
			int pr = prots[next() % 3];
			char *q = mmap(p, (size_t)n * PG, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
			if (q != p) {
				bad++;
				continue;
			}
			for (int i = a; i < a + n; i++) {
				val[i] = (unsigned char)(next() | 1);
				p[(size_t)(i - a) * PG] = (char)val[i];
				state[i] = pr + 1;
			}
			mprotect(p, (size_t)n * PG, pr);
		}
		if (round % 500 == 499)
			bad += check_all(base, "round");
		if (bad > 5)
			break;
	}
	tap_eq(bad, 0, "4000 random mprotect/munmap/mmap ops match the model");
	/* madvise and msync over ranges with holes: ENOMEM, ranges without: 0 */
	int hole = -1, solid = -1;
	for (int i = 0; i + 4 < NPG; i++) {
		int h = 0;
		for (int j = i; j < i + 4; j++)
			h += !state[j];
		if (h && h < 4 && state[i] && hole < 0)
			hole = i;
		if (!h && solid < 0)
			solid = i;
	}
	if (hole >= 0) {
		TRY(msync(base + (size_t)hole * PG, 4 * PG, MS_ASYNC), -1, ENOMEM, "msync over hole");
		TRY(madvise(base + (size_t)hole * PG, 4 * PG, MADV_NORMAL), -1, ENOMEM, "madvise over hole");
	}
	tap_ok(hole >= 0 && solid >= 0, "random state has holes and solid runs");
	if (solid >= 0)
		TRY(madvise(base + (size_t)solid * PG, 4 * PG, MADV_NORMAL), 0, 0, "madvise over mapped run");
	munmap(base, (size_t)NPG * PG);
	unsigned char v;
	TRY(mincore(base + PG * 5, PG, &v), -1, ENOMEM, "all gone after munmap of the span");
}

static void map_limit(void)
{
	long max = 65530; /* Linux's default vm.max_map_count */
	FILE *f = fopen("/proc/sys/vm/max_map_count", "r");

	if (f) {
		fscanf(f, "%ld", &max);
		fclose(f);
	}
	size_t n = (size_t)max + 200;
	char *base = mmap(NULL, n * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		bail("mmap big");
	long i, r = 0;
	for (i = 1; i < (long)n; i += 2)
		if ((r = mprotect(base + i * PG, PG, PROT_NONE)) != 0)
			break;
	int e = errno;
	tap_ok(r == -1 && e == ENOMEM, "splitting past max_map_count %ld: ENOMEM at page %ld", max, i);
	/* The refused page stays readable, the one before is PROT_NONE. */
	tap_ok(r == -1 && probe_read(base + i * PG) && !probe_read(base + (i - 2) * PG),
	       "refused split left the mapping as it was");
	/* Merging back frees areas: a refused op works again after. */
	TRY(mprotect(base, (size_t)i * PG, PROT_READ), 0, 0, "merge everything back");
	TRY(mprotect(base + i * PG, PG, PROT_NONE), 0, 0, "the refused split now works");
	TRY(munmap(base, n * PG), 0, 0, "unmap it all");
}

int main(void)
{
	probe_arm();
	randomized();
	map_limit();
	return done_testing();
}
