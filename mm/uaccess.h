/* mm/uaccess.h — the only way the kernel touches user memory.
 *
 * Linux's eight functions with Linux's exact results (see docs/uaccess.md):
 *   access_ok(p, n)            could [p, p+n) be user memory? (no wrap, below TASK_SIZE_MAX)
 *   get_user(x, p)             0 or -EFAULT; x = 0 on failure
 *   put_user(x, p)             0 or -EFAULT; nothing written on failure
 *
 * In the SANITIZE=1 build, what copy_to_user and put_user write is first
 * searched for the leak canaries (mm/poison.h).
 *   clear_user(p, n)           bytes NOT cleared
 *   copy_to_user(to, from, n)  bytes NOT copied
 *   copy_from_user(to, from, n) bytes NOT copied; the uncopied tail of 'to' is zeroed
 *   strnlen_user(s, n)         length including the NUL; 0 on fault; > n if no NUL in n
 *   strncpy_from_user(d, s, n) length without the NUL; n if no NUL in n; -EFAULT on fault
 *
 * The copies are hand-written rep movs/stos/scas in arch/uaccess.asm; every
 * instruction there that touches user memory has an exception-table entry
 * (mm/extable.c) so that a fault becomes a short count or -EFAULT, not an oops.
 *
 * User pointers carry __user. Under clang it is an address space plus
 * 'noderef': dereferencing one, or passing it where a kernel pointer is
 * expected, is a compile error (-Werror), so a syscall cannot touch user
 * memory by accident. gcc builds accept the annotation silently; the clang
 * build is part of CI for exactly this reason.
 */
#pragma once
#include "kernel/errno.h"
#include "kernel/types.h"
#include "mm/layout.h"
#include "mm/poison.h"

#ifdef __clang__
#define __user __attribute__((noderef, address_space(1)))
#else
#define __user
#endif
/* Leave the user address space on purpose: only uaccess code does this. */
#define __force_kernel(p) ((void *)(uintptr_t)(p))
#define uptr(addr) ((void __user *)(uintptr_t)(addr))
#define uaddr(p) ((u64)(uintptr_t)(p))
/* The address of a field of the user struct p points to, made without a
 * member access through p: p is whatever the user passed, and a member
 * access through a pointer misaligned for its type is undefined behaviour
 * (C11 6.3.2.3p7; the SANITIZE=1 build reports it) even when nothing is
 * read there. Write ufield(p, f), never &p->f. */
#define ufield(p, field)                                                              \
	((__typeof__(&(p)->field))((const char __user *)(p) + offsetof(__typeof__(*(p)), field)))

static inline bool access_ok(const void __user *p, size_t size)
{
	u64 a = uaddr(p);
	return size <= TASK_SIZE_MAX && a <= TASK_SIZE_MAX - size;
}

unsigned long copy_to_user(void __user *to, const void *from, unsigned long n);
unsigned long copy_from_user(void *to, const void __user *from, unsigned long n);
/* copy_from_user without the zero-fill: bytes it could not copy are left as
 * they were. For a destination that already holds data, a file's page
 * (Linux's copy_page_from_iter_atomic, on raw_copy_from_user). */
unsigned long copy_from_user_keep(void *to, const void __user *from, unsigned long n);
unsigned long clear_user(void __user *to, unsigned long n);
long strnlen_user(const char __user *s, long n);
long strncpy_from_user(char *dst, const char __user *src, long n);

/* get_user/put_user pick the 1, 2, 4 or 8-byte routine from the pointee's type. */
struct uget {
	u64 val;  /* RAX */
	long err; /* RDX */
};
struct uget uaccess_get1(const void __user *p), uaccess_get2(const void __user *p);
struct uget uaccess_get4(const void __user *p), uaccess_get8(const void __user *p);
long uaccess_put1(void __user *p, u64 v), uaccess_put2(void __user *p, u64 v);
long uaccess_put4(void __user *p, u64 v), uaccess_put8(void __user *p, u64 v);
long uaccess_bad_size(void); /* never defined: a wrong size fails to link */

#define get_user(x, ptr)                                                            \
	({                                                                          \
		const void __user *p_ = (ptr);                                      \
		struct uget g_ = { 0, -EFAULT };                                    \
		if (access_ok(p_, sizeof(*(ptr)))) {                                \
			switch (sizeof(*(ptr))) {                                   \
			case 1: g_ = uaccess_get1(p_); break;                       \
			case 2: g_ = uaccess_get2(p_); break;                       \
			case 4: g_ = uaccess_get4(p_); break;                       \
			case 8: g_ = uaccess_get8(p_); break;                       \
			default: g_.err = uaccess_bad_size();                       \
			}                                                           \
		}                                                                   \
		(x) = (__typeof__(x))g_.val;                                        \
		g_.err;                                                             \
	})

#define put_user(x, ptr)                                                            \
	({                                                                          \
		void __user *p_ = (ptr);                                            \
		u64 v_ = (u64)(x);                                                  \
		long e_ = -EFAULT;                                                  \
		if (access_ok(p_, sizeof(*(ptr)))) {                                \
			if (sizeof(*(ptr)) == 8)                                    \
				poison_check_value(v_, uaddr(p_));                  \
			switch (sizeof(*(ptr))) {                                   \
			case 1: e_ = uaccess_put1(p_, v_); break;                   \
			case 2: e_ = uaccess_put2(p_, v_); break;                   \
			case 4: e_ = uaccess_put4(p_, v_); break;                   \
			case 8: e_ = uaccess_put8(p_, v_); break;                   \
			default: e_ = uaccess_bad_size();                           \
			}                                                           \
		}                                                                   \
		e_;                                                                 \
	})
