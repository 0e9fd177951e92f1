/* kernel/init.h — starting the first user process, and the leak check
 * after it. */
#pragma once
#include "kernel/types.h"

void run_init(void); /* never returns */
/* Frames free or kept for reuse (by the heap, and as the kernel-stack
 * area's page tables): the leak check's figure, with kheap_in_use(). */
size_t frames_back(void);
