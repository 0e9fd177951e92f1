/* user/splitmix.h — the seeded generator of the differential testers
 * (mmfuzz, sysfuzz): splitmix64, never rand(), so that a seed draws the
 * same numbers on every libc and kernel. Returns the next 64 random bits. */
#pragma once
#include <stdint.h>

static inline uint64_t splitmix(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ul);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ul;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebul;
	return z ^ (z >> 31);
}
