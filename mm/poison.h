/* mm/poison.h — the leak canaries: what freed memory is filled with in the
 * SANITIZE=1 build (CONFIG_POISON), so that a byte of it reaching user space
 * is recognised wherever it shows up.
 *
 * Two 64-bit patterns, one per allocator, so a hit says which memory leaked.
 * Neither is a repeated byte, printable text, a canonical address or a small
 * number: ordinary data does not contain them by chance. Freed memory is
 * filled from 8-byte-aligned addresses (frames and heap blocks are aligned),
 * so a leak shows the pattern at an aligned kernel address.
 *
 * user/canary.h includes this header too, so ring-3 tests look for exactly
 * the values the kernel writes; they are hosted C programs, and see only the
 * constants (the kernel is built -ffreestanding: __STDC_HOSTED__ is 0). */
#pragma once

#define POISON_FRAME 0xd15ea5edf4a3e0f1ull /* a freed frame, every word */
#define POISON_HEAP  0xd15ea5edb10cf4eeull /* a freed heap block, past its free-list link */

#if !__STDC_HOSTED__
#include "kernel/types.h"

#ifdef CONFIG_POISON
void poison_fill(void *p, size_t n, u64 pattern); /* n bytes at p (8-aligned, n % 8 == 0) */
/* "freed-frame" or "freed-heap" if an aligned word of [p, p+n) is a canary
 * (*off: its offset from p), else NULL. */
const char *poison_find(const void *p, size_t n, size_t *off);
/* The copy out about to write n bytes from kernel memory 'from' to user
 * address 'to' on behalf of the code at 'caller', and a put_user's 8-byte
 * value: a canary in them is reported (`canary: ...` and a backtrace) and
 * the copy goes on, so one run finds them all. */
void poison_check_out(const void *from, u64 to, size_t n, u64 caller);
void poison_check_value(u64 v, u64 to);
#else
static inline void poison_fill(UNUSED void *p, UNUSED size_t n, UNUSED u64 pattern) {}
static inline void poison_check_out(UNUSED const void *from, UNUSED u64 to, UNUSED size_t n,
				    UNUSED u64 caller) {}
static inline void poison_check_value(UNUSED u64 v, UNUSED u64 to) {}
#endif
#endif
