/* kernel/random.c — RDRAND when the CPU has it; otherwise a xorshift
 * generator seeded from the TSC. The fallback is not cryptographic and does
 * not pretend to be: it only keeps AT_RANDOM and getrandom working on old
 * CPUs. */
#include "kernel/random.h"
#include "arch/cpu.h"
#include "arch/x86.h"
#include "kernel/string.h"

static u64 xorshift_state;

static u64 next_word(void)
{
	u64 v;
	if (cpu.rdrand) {
		for (int tries = 0; tries < 10; tries++) {
			bool ok;
			asm volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
			if (ok)
				return v;
		}
	}
	if (!xorshift_state)
		xorshift_state = rdtsc() | 1;
	xorshift_state ^= xorshift_state << 13;
	xorshift_state ^= xorshift_state >> 7;
	xorshift_state ^= xorshift_state << 17;
	return xorshift_state;
}

void random_bytes(void *buf, size_t n)
{
	u8 *p = buf;
	while (n) {
		u64 w = next_word();
		size_t chunk = MIN(n, sizeof(w));
		memcpy(p, &w, chunk);
		p += chunk;
		n -= chunk;
	}
}
