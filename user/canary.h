/* user/canary.h — ring-3 half of the leak canaries: look for the patterns
 * a SANITIZE=1 faultline fills freed frames and heap blocks with
 * (mm/poison.h, the same constants) in what a program got from the kernel:
 * buffers a call filled, and pages mapped fresh, which never pass through
 * copy_to_user. On Linux and on a plain build the patterns never appear,
 * and a check passes; on a SANITIZE=1 faultline a hit is freed kernel
 * memory shown to user space. Include after tap.h. */
#pragma once
#include <stdint.h>
#include <string.h>

#include "../mm/poison.h"

/* Offset of the first canary in [p, p+n) at any byte offset (a buffer's
 * alignment in user space need not be the kernel's), or -1. */
static inline long canary_find(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i + 8 <= n; i++) {
		uint64_t w;
		memcpy(&w, b + i, 8);
		if (w == POISON_FRAME || w == POISON_HEAP)
			return (long)i;
	}
	return -1;
}

/* One TAP case: no canary in what 'what' returned. */
static inline int canary_check(const void *p, size_t n, const char *what)
{
	long at = canary_find(p, n);
	uint64_t w = 0;
	if (at >= 0)
		memcpy(&w, (const char *)p + at, 8);
	return tap_ok(at < 0, "%s: no freed kernel memory in its %zu bytes%s%s", what, n,
		      at < 0 ? "" : w == POISON_FRAME ? " (freed-frame canary" : " (freed-heap canary",
		      at < 0 ? "" : " found)");
}
