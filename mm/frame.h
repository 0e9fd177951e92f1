/* mm/frame.h — physical page frames: who owns each 4 KiB of RAM. */
#pragma once
#include "kernel/types.h"

void frame_init(void);
u64 frame_alloc(void);             /* a zeroed frame's physical address, 0 when none left */
u64 frame_alloc_contig(size_t n);  /* n physically contiguous zeroed frames, or 0 */
/* A frame NOT zeroed, or 0: only for a caller that writes all of it
 * before it is mapped or read (a copy-on-write copy, a swap-in read). */
u64 frame_alloc_unzeroed(void);
void frame_free(u64 pa);           /* drops a reference; panics on a double free */
void frame_get(u64 pa);            /* one more page table maps it (copy-on-write sharing) */
unsigned frame_refs(u64 pa);
/* Not the zero page, one reference and no private tag: the frame is this
 * mapping's alone, and may be written in place (mm/pte.c's rule). */
bool frame_exclusive(u64 pa);
u64 zero_frame(void);               /* the shared zero page: never freed, never written */
/* A tag an owner may hang on a frame (the swap cache keeps the frame's swap
 * slot there), and what to do with the tag when the last reference goes. */
void frame_set_private(u64 pa, u64 tag);
u64 frame_private(u64 pa);
void frame_on_release(void (*hook)(u64 pa, u64 tag));
void frame_for_each_private(void (*fn)(u64 pa, u64 tag));
void frame_free_contig(u64 pa, size_t n);
/* A frame given out for user memory (mm/reclaim.c's user_frame_alloc),
 * zeroed or not (frame_alloc_unzeroed's rule), or 0. It is marked so until
 * it is freed: the only RAM a user page-table entry may map, besides the
 * zero page (mm/wxcheck.c's user audit). */
u64 frame_alloc_user(bool zeroed);
bool frame_is_user(u64 pa);
size_t frames_free(void);
size_t frames_usable(void);        /* RAM frames the allocator manages (free + in use) */
