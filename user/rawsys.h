/* user/rawsys.h — a raw system call for the differential testers (mmfuzz,
 * sysfuzz): the kernel's own result, -errno included, with no libc wrapper
 * in between (musl's brk() never calls the kernel, for one, and errno would
 * have to be saved around every call). */
#pragma once

static inline long rawsys(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#define SYS1(nr, a) rawsys(nr, (long)(a), 0, 0, 0, 0, 0)
#define SYS2(nr, a, b) rawsys(nr, (long)(a), (long)(b), 0, 0, 0, 0)
#define SYS3(nr, a, b, c) rawsys(nr, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define SYS4(nr, a, b, c, d) rawsys(nr, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define SYS6(nr, a, b, c, d, e, f) \
	rawsys(nr, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))
