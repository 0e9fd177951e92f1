/* mm/frame.h — physical page frames: who owns each 4 KiB of RAM. */
#pragma once
#include "kernel/types.h"

void frame_init(void);
u64 frame_alloc(void);             /* a zeroed frame's physical address, 0 when none left */
u64 frame_alloc_contig(size_t n);  /* n physically contiguous zeroed frames, or 0 */
void frame_free(u64 pa);           /* panics on a double free or a frame never handed out */
void frame_free_contig(u64 pa, size_t n);
size_t frames_free(void);
size_t frames_usable(void);        /* RAM frames the allocator manages (free + in use) */
