/* tests/kernel/ubsan_test.c — in the `make SANITIZE=1` build, undefined
 * behaviour in the kernel is reported by kernel/ubsan.c: a signed overflow
 * and a shift past the width, each made on purpose here, give one report
 * each, of the right kind at the right line, and a second pass over the
 * same site stays quiet (one report per site). The normal build has no
 * checks to prove, and no test. */
#ifdef CONFIG_UBSAN
#include "kernel/ktest.h"
#include "kernel/string.h"
#include "kernel/ubsan.h"

static volatile int big = 0x7fffffff, count = 40;

static unsigned long reports(void)
{
	return *(volatile unsigned long *)&ubsan_reports;
}

static void expect_report(unsigned long before, const char *kind, u32 line)
{
	KEXPECT_EQ(reports(), before + 1);
	KEXPECT(strcmp(ubsan_last.kind, kind) == 0);
	KEXPECT(strcmp(ubsan_last.file, __FILE__) == 0);
	KEXPECT_EQ(ubsan_last.line, line);
	ktest_expected("the ubsan report above");
}

/* One site, reached twice. It stores through a volatile pointer: gcc takes
 * the sanitizer's calls for free of side effects, and would read the report
 * count after a pure function's calls as well as before them. */
enum { ADD_ONE_LINE = __LINE__ + 3 };
__attribute__((noinline)) static void add_one(volatile int *x)
{
	*x = *x + 1; /* INT_MAX + 1: C11 6.5p5 */
}

KTEST(ubsan_signed_overflow_reported)
{
	unsigned long before = reports();
	volatile int x = big, y = big;
	add_one(&x);
	add_one(&y);
	expect_report(before, "signed-integer-overflow", ADD_ONE_LINE);
}

KTEST(ubsan_shift_reported)
{
	unsigned long before = reports();
	volatile u32 v = 1;
	v = v << count; /* a 32-bit value shifted by 40: C11 6.5.7p3 */
	expect_report(before, "shift-out-of-bounds", __LINE__ - 1);
}
#endif
