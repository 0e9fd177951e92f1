/* user/bk12.h — breaker12's shared checks: byte images of what a system
 * call wrote into a buffer that was filled with a pattern first.
 *
 * A kernel that copies a whole structure out of its own stack or heap
 * leaks whatever was in the padding and reserved fields; Linux clears its
 * copy first (the CVE-2010-4083-style "padding leak" fixes), so those
 * bytes read zero. A kernel that copies more than it says leaks whatever
 * followed; Linux copies exactly what it returns, so the pattern past the
 * end must survive.
 */
#pragma once
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child.h"

#define PAT 0xa5 /* the fill byte */

/* One case: buf[lo, hi) must all equal `want`. */
static inline int bytes_are(const void *buf, size_t lo, size_t hi, int want, const char *fmt, ...)
{
	const unsigned char *b = buf;
	size_t bad = hi;
	va_list ap;

	for (size_t i = lo; i < hi && bad == hi; i++)
		if (b[i] != want)
			bad = i;
	va_start(ap, fmt);
	tap_vok(bad == hi, fmt, ap);
	va_end(ap);
	if (bad != hi)
		tap_diag("byte %zu is %#x, want %#x (range %zu..%zu)", bad, b[bad], want, lo, hi);
	return bad == hi;
}

/* One case: no aligned 8-byte word in buf[0, n) is a kernel-half address
 * (0xffff8... and up): a frame or structure handed to user space must not
 * carry the kernel's pointers. */
static inline int no_kernel_words(const void *buf, size_t n, const char *fmt, ...)
{
	const uint64_t *w = buf;
	size_t bad = n / 8;
	va_list ap;

	for (size_t i = 0; i < n / 8 && bad == n / 8; i++)
		if (w[i] >= 0xffff800000000000ull && w[i] != ~0ull)
			bad = i;
	va_start(ap, fmt);
	tap_vok(bad == n / 8, fmt, ap);
	va_end(ap);
	if (bad != n / 8)
		tap_diag("word at +%zu is %#llx", bad * 8, (unsigned long long)w[bad]);
	return bad == n / 8;
}
