/* kernel/fs/dev.h — character devices, found by device number as Linux's
 * chrdev table finds them, so a /dev node from the initramfs works too. */
#pragma once
#include "kernel/types.h"

struct file;
struct uio;
struct mm;
struct poll_table;

/* Linux's encoding of a device number, as stat's st_rdev shows it (new_encode_dev). */
#define MKDEV(major, minor) \
	((u32)(((minor) & 0xff) | ((major) << 8) | (((minor) & ~0xffu) << 12)))
#define DEV_NULL MKDEV(1, 3)
#define DEV_ZERO MKDEV(1, 5)
#define DEV_TTY MKDEV(5, 0)
#define DEV_CONSOLE MKDEV(5, 1)
#define DEV_FB0 MKDEV(29, 0)

struct devops {
	/* pos: the file position to use and advance (f->off, or pread's own) */
	long (*read)(struct file *f, struct uio *u, u64 *pos);
	long (*write)(struct file *f, struct uio *u, u64 *pos);
	long (*ioctl)(struct file *f, u32 cmd, u64 arg); /* NULL: not a tty, -ENOTTY */
	bool seekable;   /* lseek succeeds and returns 0 (Linux's null_lseek); else -ESPIPE */
	bool positional; /* a real position instead: lseek moves it, pread uses it */
	bool sized;      /* ... and SEEK_END counts from the node's size, 0 (default_llseek);
	                    else SEEK_END is -EINVAL (a generated file: seq_lseek) */
	bool unsigned_pos; /* ... which runs to 2^64 - 1 (Linux's FMODE_UNSIGNED_OFFSET, an
	                      address in /proc/PID/mem): lseek takes any, as mem_lseek */
	int (*open)(struct file *f); /* NULL: always opens; else 0 or the errno open returns */
	/* NULL: always ready, DEFAULT_POLLMASK (kernel/fs/poll.h); else the
	 * device's POLL* bits now, as Linux's file_operations.poll. */
	u32 (*poll)(struct file *f, struct poll_table *pt);
	/* NULL: mmap is ENODEV (/dev/zero aside); else maps the device's own
	 * memory, bytes [off, off + len), at addr: 0 or an errno. */
	int (*mmap)(struct file *f, struct mm *mm, u64 addr, u64 len, u32 prot, bool shared, u64 off);
};

const struct devops *dev_find(u32 rdev); /* NULL if no driver: open gives ENXIO */
