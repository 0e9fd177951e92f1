/* kernel/drivers/blk.h — block devices: disks named vda, vdb, ... in the order the
 * drivers find them, read and written in 512-byte sectors. Swap sits on
 * top; a disk can be made to fail every I/O to test what sits on top. */
#pragma once
#include "kernel/types.h"

#define SECTOR_SIZE 512
#define SECTOR_SHIFT 9
#define S_IFBLK 0060000 /* Linux's, as ramfs.h's S_IF* values */
#define BLK_MAJOR 254   /* what Linux's virtio_blk is usually given (it is dynamic) */

struct blkdev {
	char name[8];
	u64 sectors;
	bool readonly;
	u32 rdev;  /* Linux's encoding (MKDEV): BLK_MAJOR, minors 0, 16, 32, ... */
	/* The driver's transfer: buf is physically contiguous, in the direct
	 * map or the kernel image, and holds at most max_sectors. */
	int (*rw)(struct blkdev *d, bool write, u64 sector, void *buf, u32 nsectors);
	u32 max_sectors;
	bool fail_io;  /* fault injection: every I/O fails with -EIO */
	u64 failed;    /* I/Os that fault injection failed */
};

/* A driver's new disk: names it, prints it. what describes the hardware. */
void blk_register(struct blkdev *d, const char *what);
void blk_init(void);        /* finds the disks */
void blk_make_nodes(void);  /* /dev/vda, ... in the ramfs */
struct blkdev *blk_get(const char *name);
struct blkdev *blk_by_rdev(u32 rdev);

/* 0, -EINVAL past the end of the disk, -EROFS writing a read-only disk,
 * or -EIO. */
int blk_read(struct blkdev *d, u64 sector, void *buf, u32 nsectors);
int blk_write(struct blkdev *d, u64 sector, const void *buf, u32 nsectors);
void blk_set_fail(struct blkdev *d, bool fail);

/* read() and write() on /dev/vdX: any offset and length, through a bounce
 * page (partial sectors are read, changed and written back). */
struct uio;
long blk_file_rw(struct blkdev *d, struct uio *u, u64 *pos, bool write);
