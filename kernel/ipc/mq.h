/* kernel/ipc/mq.h — POSIX message queues (kernel/ipc/mq.c): what the file
 * layer calls for a queue descriptor. The syscalls are in mq.c itself. */
#pragma once
#include "kernel/fs/file.h"

struct proc;

/* read() and pread() of a queue descriptor: Linux's one status line,
 * "QSIZE:... NOTIFY:... SIGNO:... NOTIFY_PID:...\n", from byte *pos on.
 * The bytes copied (0 past the end), or -EFAULT if none could be. */
long mq_read(struct file *f, struct uio *u, u64 *pos);

/* Process p closes one descriptor of f (close, dup2 over it, exec, exit):
 * if p registered for notification on the queue, that registration ends,
 * as Linux's mqueue_flush_file ends it. */
void mq_flush(struct file *f, const struct proc *p);

/* For the leak checks: the heap bytes of the queues still linked (a queue
 * outlives its processes until mq_unlink, as a file does); name_them: each
 * is printed too, one line each. */
size_t mq_leftovers(bool name_them);

/* The last reference to f is gone; the queue goes once it is unlinked and
 * no file is open on it. */
void mq_close(struct file *f);

/* poll and select on a queue descriptor (Linux's mqueue_poll_file), by the
 * queue alone, whatever the access mode: POLLIN while a message waits,
 * POLLOUT while a slot is free. */
struct poll_table;
u32 mq_poll(struct file *f, struct poll_table *pt);
