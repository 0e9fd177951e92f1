/* arch/context.h — switching C contexts by hand: setjmp/longjmp for the
 * kernel (a self-test survives a fault it provoked on purpose, see
 * kernel/ktest.c) and running a function on a fresh stack. */
#pragma once
#include "kernel/types.h"

struct jmpbuf {
	u64 rbx, rbp, r12, r13, r14, r15, rsp, rip, rflags;
};

__attribute__((returns_twice)) int kjmp_save(struct jmpbuf *b); /* 0, then the value passed to kjmp_restore */
NORETURN void kjmp_restore(struct jmpbuf *b, int value);
NORETURN void call_on_stack(u64 stack_top, void (*fn)(void));
void swtch(u64 *save_rsp, u64 next_rsp);
