/* kernel/fs/pipe.h — pipes: a ring of page buffers between a read end and a
 * write end, shaped as Linux's (see kernel/fs/pipe.c). */
#pragma once
#include "kernel/fs/file.h"

#define PIPE_SLOTS 16                     /* Linux's default: 16 page buffers */
#define PIPE_SIZE (PIPE_SLOTS * PAGE_SIZE) /* at most this many bytes buffered */
#define PIPE_BUF 4096                     /* writes up to this size are atomic */

/* Both ends, as pipe2 makes them: flags is 0, O_NONBLOCK or both. */
int pipe_create(u32 flags, struct file *ends[2]);
long pipe_read(struct file *f, struct uio *u);
long pipe_write(struct file *f, struct uio *u);
void pipe_close(struct file *f); /* the end's last reference is gone */
struct poll_table;
u32 pipe_poll(struct file *f, struct poll_table *pt); /* POLL* bits of this end */
