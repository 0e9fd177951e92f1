/* kernel/pipe.h — pipes: a ring buffer between a read end and a write end. */
#pragma once
#include "kernel/file.h"

#define PIPE_SIZE (16 * PAGE_SIZE) /* Linux's default capacity: 16 pages */
#define PIPE_BUF 4096              /* writes up to this size are atomic */

/* Both ends, as pipe2 makes them: flags is 0, O_NONBLOCK or both. */
int pipe_create(u32 flags, struct file *ends[2]);
long pipe_read(struct file *f, struct uio *u);
long pipe_write(struct file *f, struct uio *u);
void pipe_close(struct file *f); /* the end's last reference is gone */
