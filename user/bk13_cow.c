/* user/bk13_cow.c — copy-on-write after fork: each side sees only its own
 * writes, pages never touched read zero on both sides, fork chains keep
 * every generation's bytes, and MADV_DONTNEED in one side of a private
 * mapping drops only that side's copy (Linux: the next read is zero).
 */
#include <sys/wait.h>

#include "child.h"
#include "bk13.h"

#define NP 64

static unsigned char *m;

/* Page i holds byte value v everywhere but the first byte? Whole page. */
static int page_is(int i, int v)
{
	for (int j = 0; j < PG; j++)
		if (m[i * PG + j] != v)
			return 0;
	return 1;
}

static int child_writes(void *a)
{
	(void)a;
	int bad = 0;

	for (int i = 0; i < NP; i += 2)
		memset(m + i * PG, 0xc0 + i % 16, PG);
	for (int i = 0; i < NP; i++)
		bad += !page_is(i, i % 2 ? (i < NP / 2 ? i : 0) : 0xc0 + i % 16);
	return bad ? 1 : 0;
}

static int chain(void *a)
{
	int depth = (int)(long)a;

	for (int d = 0; d < depth; d++)
		if (!page_is(d, 0x10 + d))
			return 10 + d;
	if (!page_is(depth, 0) || !page_is(NP - 1, 0))
		return 20;
	if (depth == 8)
		return 0;
	memset(m + depth * PG, 0x10 + depth, PG);
	pid_t c = spawn(chain, (void *)(long)(depth + 1));
	int st = reap(c);
	/* The descendant's writes must not reach us. */
	if (!page_is(depth + 1, 0))
		return 30;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 40;
}

static int child_dontneed(void *a)
{
	(void)a;
	if (madvise(m, NP * PG, MADV_DONTNEED))
		return 1;
	for (int i = 0; i < NP; i++)
		if (!page_is(i, 0))
			return 2;
	memset(m, 0x77, PG);
	return 0;
}

int main(void)
{
	m = mmap(NULL, NP * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		bail("mmap");
	/* Odd pages in the first half hold their index; the rest untouched. */
	for (int i = 1; i < NP / 2; i += 2)
		memset(m + i * PG, i, PG);
	child_case(child_writes, NULL, 0, "child sees parent's pages, its own writes, zeros");
	int bad = 0;
	for (int i = 0; i < NP; i++)
		bad += !page_is(i, i % 2 && i < NP / 2 ? i : 0);
	tap_eq(bad, 0, "parent's pages untouched by child's writes");
	for (int i = 1; i < NP / 2; i += 2)
		memset(m + i * PG, 0, PG);
	child_case(chain, (void *)0L, 0, "fork chain of 8: each generation's bytes kept");
	tap_eq(!page_is(0, 0), 0, "chain's writes never reached the top");
	/* Parent writes after fork; the child must keep the old bytes. */
	int p[2];
	pipe(p);
	memset(m, 0x55, NP * PG);
	pid_t c = fork();
	if (c == 0) {
		char go;
		read(p[0], &go, 1);
		int b = 0;
		for (int i = 0; i < NP; i++)
			b += !page_is(i, 0x55);
		_exit(b);
	}
	memset(m, 0x66, NP * PG);
	write(p[1], "g", 1);
	tap_status(reap(c), 0, "child keeps pre-fork bytes after parent rewrote all");
	child_case(child_dontneed, NULL, 0, "MADV_DONTNEED in child: zeros there");
	bad = 0;
	for (int i = 0; i < NP; i++)
		bad += !page_is(i, 0x66);
	tap_eq(bad, 0, "parent unchanged after child's MADV_DONTNEED");
	TRY(madvise(m, NP * PG, MADV_DONTNEED), 0, 0, "parent MADV_DONTNEED");
	tap_ok(page_is(0, 0) && page_is(NP - 1, 0), "parent reads zero after DONTNEED");
	/* Many forks racing on writes to the same shared-then-private page. */
	memset(m, 0x21, PG);
	pid_t k[8];
	for (int i = 0; i < 8; i++) {
		k[i] = fork();
		if (k[i] == 0) {
			for (int r = 0; r < 200; r++) {
				if (!page_is(0, r ? 0x30 + i : 0x21))
					_exit(1);
				memset(m, 0x30 + i, PG);
			}
			_exit(0);
		}
	}
	bad = 0;
	for (int i = 0; i < 8; i++)
		bad += reap(k[i]) != 0;
	tap_eq(bad, 0, "8 siblings write one page: each sees only its own");
	tap_ok(page_is(0, 0x21), "parent's copy still 0x21");
	return done_testing();
}
