/* kernel/fs/poll.h — readiness of open files, as poll and select ask for
 * it (kernel/fs/sys_poll.c), and the wakeup every change of readiness
 * sends. */
#pragma once
#include "kernel/types.h"

struct file;

/* Linux's poll bits (include/uapi/asm-generic/poll.h). */
#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020
#define POLLRDNORM 0x040
#define POLLRDBAND 0x080
#define POLLWRNORM 0x100
#define POLLWRBAND 0x200

/* What a file without a poll operation is: always ready both ways
 * (Linux's DEFAULT_POLLMASK: regular files, /dev/null, /dev/zero, ...). */
#define DEFAULT_POLLMASK (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

/* Filled in by a poll operation for the waiting caller: Linux's
 * poll_table, reduced to what a sleeping poller must know. */
struct poll_table {
	bool every_tick; /* readiness comes without a wakeup (the UART is polled):
	                    look again at the next tick */
};

/* The file's readiness now, as POLL* bits (Linux's vfs_poll). */
u32 file_poll(struct file *f, struct poll_table *pt);

/* Readiness may have changed: every process sleeping in poll or select
 * looks again. Called wherever data or room appears or an end closes
 * (pipes, message queues). */
void poll_wake(void);
