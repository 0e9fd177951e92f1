/* bench/bench.h — what every benchmark program shares: the clock, the
 * rounds, the median, and the one line a measure prints.
 *
 * Under QEMU's -icount shift=0,align=off (tests/run-program --icount, and
 * tools/bench for Linux) rdtsc counts executed instructions, the same on
 * every run, so a figure is a path length, not a time (docs/performance.md).
 * A measure times its operation ROUNDS times and reports the median, so a
 * round that paid for a cold cache or a first-touch fault does not count:
 *   bench NAME VALUE
 * VALUE in instructions (TSC ticks) per operation, NAME stable snake_case
 * (tools/bench reads these lines). A measure that cannot run here says why
 * on a "# " line and prints no figure.
 *
 * Every program takes one optional argument, "quick": one round of one or
 * a few operations, to check in `make test` that the programs still run
 * and print well-formed lines (the figures then mean nothing). */
#pragma once
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUNDS 15

static int quick;

static inline void bench_init(int argc, char **argv)
{
	quick = argc > 1 && strcmp(argv[1], "quick") == 0;
}

/* lfence: rdtsc must not run before the instructions ahead of it finish
 * (on real hardware; under icount it changes nothing but is one more). */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline int rounds(void) { return quick ? 1 : ROUNDS; }

/* N operations a round, or 1 in quick mode. */
static inline long ops(long n) { return quick ? 1 : n; }

/* A measure's rounds: sample_start before the operations, sample_stop
 * after them with their count; report prints the median per operation. */
struct samples {
	uint64_t per_op[ROUNDS];
	int n;
	uint64_t t0;
};

static inline void sample_start(struct samples *s) { s->t0 = rdtsc(); }

static inline void sample_stop(struct samples *s, long count)
{
	uint64_t t = rdtsc() - s->t0;
	if (s->n < ROUNDS)
		s->per_op[s->n++] = t / (uint64_t)count;
}

static inline uint64_t median(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

static inline void print_figure(const char *name, uint64_t value)
{
	printf("bench %s %llu\n", name, (unsigned long long)value);
	fflush(stdout);
}

/* The median of S under the name made from FMT; S is emptied for reuse. */
__attribute__((format(printf, 2, 3))) static inline void report(struct samples *s,
								 const char *fmt, ...)
{
	char name[64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	if (s->n)
		print_figure(name, median(s->per_op, s->n));
	s->n = 0;
}

/* The common measure: STMT run N times a round (once in quick mode), the
 * median per run reported as NAME. A macro, not a function taking a
 * callback, so the figure holds the call itself, not an indirect call. */
#define MEASURE_LOOP(name, n, stmt)                                 \
	do {                                                        \
		struct samples s_ = { 0 };                          \
		for (int r_ = 0; r_ < rounds(); r_++) {             \
			sample_start(&s_);                          \
			for (long i_ = 0; i_ < ops(n); i_++)        \
				stmt;                               \
			sample_stop(&s_, ops(n));                   \
		}                                                   \
		report(&s_, "%s", name);                            \
	} while (0)

/* A measure that cannot run here: a comment line, no figure. */
static inline void not_here(const char *name, const char *why)
{
	printf("# %s n/a: %s\n", name, why);
	fflush(stdout);
}

/* A setup step that must work: else the program stops, saying which. */
static inline void need(int ok, const char *what)
{
	if (!ok) {
		perror(what);
		exit(1);
	}
}
