/* mm/kstack.h — kernel stacks, each with an unmapped guard page below it. */
#pragma once
#include "kernel/types.h"

#define KSTACK_PAGES 4
#define KSTACK_SIZE (KSTACK_PAGES * 4096ul)

u64 kstack_alloc(void);        /* returns the top (initial RSP); 0 when out of memory */
void kstack_free(u64 top);
bool kstack_guard_hit(u64 va); /* is va inside some stack's guard page? (oops hint) */
size_t kstack_table_frames(void); /* page-table frames the stack area holds (never given back) */
