/* mm/uaccess.c — Linux's return conventions around the raw routines of
 * arch/uaccess.asm. The range check comes first and is overflow-safe
 * (access_ok); the assembly only ever sees ranges that could be user memory.
 * copy_from_user zero-fills whatever it could not copy: callers that ignore
 * the short count must not go on to use stale kernel bytes (CVE-2008-2729). */
#include "mm/uaccess.h"
#include "kernel/string.h"
#include "mm/poison.h"

unsigned long copy_user_raw(void *dst, const void *src, unsigned long n);
unsigned long clear_user_raw(void *dst, unsigned long n);
long strnlen_user_raw(const char *s, unsigned long max);
long strncpy_user_raw(char *dst, const char *src, unsigned long max);

unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
{
	if (!access_ok(to, n))
		return n;
	poison_check_out(from, uaddr(to), n, (u64)__builtin_return_address(0));
	return copy_user_raw(__force_kernel(to), from, n);
}

unsigned long copy_from_user_keep(void *to, const void __user *from, unsigned long n)
{
	if (!access_ok(from, n))
		return n;
	return copy_user_raw(to, __force_kernel(from), n);
}

unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
{
	unsigned long left = copy_from_user_keep(to, from, n);
	if (left)
		memset((char *)to + (n - left), 0, left);
	return left;
}

unsigned long clear_user(void __user *to, unsigned long n)
{
	if (!access_ok(to, n))
		return n;
	return clear_user_raw(__force_kernel(to), n);
}

/* How far a string starting at 'a' may run before leaving user space. */
static u64 user_room(u64 a, long n)
{
	return MIN((u64)n, TASK_SIZE_MAX - a);
}

long strnlen_user(const char __user *s, long n)
{
	u64 a = uaddr(s);
	if (n <= 0 || a >= TASK_SIZE_MAX)
		return 0;
	u64 max = user_room(a, n);
	long i = strnlen_user_raw(__force_kernel(s), max);
	if (i < 0)
		return 0;                        /* faulted */
	if ((u64)i < max)
		return i + 1;                    /* found: count the NUL */
	return max == (u64)n ? n + 1 : 0;        /* too long, or ran into the user limit */
}

long strncpy_from_user(char *dst, const char __user *src, long n)
{
	u64 a = uaddr(src);
	if (n <= 0)
		return 0;
	if (a >= TASK_SIZE_MAX)
		return -EFAULT;
	u64 max = user_room(a, n);
	long r = strncpy_user_raw(dst, __force_kernel(src), max);
	if (r == (long)max && max < (u64)n)
		return -EFAULT;                  /* no NUL before the end of user space */
	return r;
}
