/* kernel/syscall.h — how a system call is declared.
 *
 * The entry code (arch/syscall_entry.asm) hands the six argument registers (RDI,
 * RSI, RDX, R10, R8, R9: the Linux x86-64 convention) to the table in
 * kernel/syscall.c as raw 64-bit words. SYSCALLn(name, type, arg, ...) writes
 * the typed function 'do_name' and the untyped entry 'sys_name' that casts
 * the words to the declared types, so handlers read like ordinary C and user
 * pointers arrive as __user pointers the compiler watches over. */
#pragma once
#include "kernel/errno.h"
#include "kernel/types.h"
#include "mm/uaccess.h"

typedef long (*syscall_fn)(u64, u64, u64, u64, u64, u64);

/* The table's name for system call nr ("read"), or "(no syscall)": for reports. */
const char *syscall_name(long nr);

/* Most syscalls that answer with a structure end with this: build it in
 * kernel memory, hand it over in one copy, -EFAULT if that copy fell short. */
static inline long copy_out(void __user *to, const void *from, size_t n)
{
	return copy_to_user(to, from, n) ? -EFAULT : 0;
}

#define SYSCALL_ENTRY(name) \
	long sys_##name(UNUSED u64 a0, UNUSED u64 a1, UNUSED u64 a2, UNUSED u64 a3, UNUSED u64 a4, UNUSED u64 a5)

#define SYSCALL0(name)                                      \
	static long do_##name(void);                        \
	SYSCALL_ENTRY(name) { return do_##name(); }         \
	static long do_##name(void)
#define SYSCALL1(name, t0, n0)                              \
	static long do_##name(t0 n0);                       \
	SYSCALL_ENTRY(name) { return do_##name((t0)a0); }   \
	static long do_##name(t0 n0)
#define SYSCALL2(name, t0, n0, t1, n1)                              \
	static long do_##name(t0 n0, t1 n1);                        \
	SYSCALL_ENTRY(name) { return do_##name((t0)a0, (t1)a1); }   \
	static long do_##name(t0 n0, t1 n1)
#define SYSCALL3(name, t0, n0, t1, n1, t2, n2)                              \
	static long do_##name(t0 n0, t1 n1, t2 n2);                         \
	SYSCALL_ENTRY(name) { return do_##name((t0)a0, (t1)a1, (t2)a2); }   \
	static long do_##name(t0 n0, t1 n1, t2 n2)
#define SYSCALL4(name, t0, n0, t1, n1, t2, n2, t3, n3)                              \
	static long do_##name(t0 n0, t1 n1, t2 n2, t3 n3);                          \
	SYSCALL_ENTRY(name) { return do_##name((t0)a0, (t1)a1, (t2)a2, (t3)a3); }   \
	static long do_##name(t0 n0, t1 n1, t2 n2, t3 n3)
#define SYSCALL5(name, t0, n0, t1, n1, t2, n2, t3, n3, t4, n4)                                  \
	static long do_##name(t0 n0, t1 n1, t2 n2, t3 n3, t4 n4);                               \
	SYSCALL_ENTRY(name) { return do_##name((t0)a0, (t1)a1, (t2)a2, (t3)a3, (t4)a4); }       \
	static long do_##name(t0 n0, t1 n1, t2 n2, t3 n3, t4 n4)
#define SYSCALL6(name, t0, n0, t1, n1, t2, n2, t3, n3, t4, n4, t5, n5)                          \
	static long do_##name(t0 n0, t1 n1, t2 n2, t3 n3, t4 n4, t5 n5);                        \
	SYSCALL_ENTRY(name) { return do_##name((t0)a0, (t1)a1, (t2)a2, (t3)a3, (t4)a4, (t5)a5); } \
	static long do_##name(t0 n0, t1 n1, t2 n2, t3 n3, t4 n4, t5 n5)
