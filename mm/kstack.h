/* mm/kstack.h — kernel stacks, each with an unmapped guard page below it. */
#pragma once
#include "kernel/types.h"

#define KSTACK_PAGES 4
#define KSTACK_SIZE (KSTACK_PAGES * 4096ul)

u64 kstack_alloc(void);        /* returns the top (initial RSP); 0 when out of memory */
void kstack_free(u64 top);
/* The top of the stack whose guard page holds va, 0 if va is in no guard
 * page: an oops names the stack that overflowed. */
u64 kstack_guard_top(u64 va);
extern u64 kstack_boot; /* the stack kmain moves to, which becomes the scheduler's */
size_t kstack_table_frames(void); /* page-table frames the stack area holds (never given back) */
