/* tests/kernel/blk_test.c — the block layer on a real disk, the first one
 * (vda): data written at both ends of the disk and across the driver's
 * request size reads back the same, transfers past the end are refused,
 * and fault injection fails I/O without touching the buffer or the disk.
 * The test harness attaches no disk, and then every test says so and
 * passes; attach a scratch disk by hand (`-drive file=d.img,format=raw,
 * if=none,id=d0 -device virtio-blk-pci,drive=d0`) to run them. Whatever
 * they write over is put back. */
#include "kernel/drivers/blk.h"
#include "kernel/cmdline.h"
#include "kernel/fs/dev.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/fs/path.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/frame.h"
#include "mm/layout.h"

#define PAGE_SECTORS (PAGE_SIZE / SECTOR_SIZE)
#define SPLIT_SECTORS 320 /* more than two of virtio-blk's 128-sector requests */

static struct blkdev *disk(bool writes)
{
	struct blkdev *d = blk_get("vda");
	if (!d)
		printk("# no virtio disk attached: skipped\n");
	else if (writes && d->readonly)
		printk("# vda is read-only: skipped\n");
	return d && !(writes && d->readonly) ? d : NULL;
}

/* Different for every sector and every seed. */
static void pattern(u8 *p, size_t n, u32 seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (u8)(seed * 13 + i * 7 + i / SECTOR_SIZE);
}

static bool all(const u8 *p, size_t n, u8 v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

/* Write a pattern over n sectors at sector, read it back, and put back
 * what was there. */
static void roundtrip(struct blkdev *d, u64 sector, u32 n, u32 seed)
{
	size_t bytes = (size_t)n * SECTOR_SIZE, pages = ALIGN_UP(bytes, PAGE_SIZE) / PAGE_SIZE;
	u64 pa = frame_alloc_contig(3 * pages);
	KEXPECT(pa);
	if (!pa)
		return;
	u8 *saved = phys_to_virt(pa), *out = saved + pages * PAGE_SIZE, *in = out + pages * PAGE_SIZE;
	KEXPECT_EQ(blk_read(d, sector, saved, n), 0);
	pattern(out, bytes, seed);
	memset(in, 0xa5, bytes);
	KEXPECT_EQ(blk_write(d, sector, out, n), 0);
	KEXPECT_EQ(blk_read(d, sector, in, n), 0);
	KEXPECT(memcmp(in, out, bytes) == 0);
	KEXPECT_EQ(blk_write(d, sector, saved, n), 0);
	KEXPECT_EQ(blk_read(d, sector, in, n), 0);
	KEXPECT(memcmp(in, saved, bytes) == 0);
	frame_free_contig(pa, 3 * pages);
}

KTEST(blk_first_and_last_sectors)
{
	struct blkdev *d = disk(true);
	if (!d)
		return;
	roundtrip(d, d->sectors - PAGE_SECTORS, PAGE_SECTORS, 1);
	roundtrip(d, d->sectors - 1, 1, 2);
	roundtrip(d, 0, PAGE_SECTORS, 3);
}

/* The block layer splits it into requests the driver takes, from an odd
 * sector so no boundary lines up with a page of the disk. */
KTEST(blk_transfer_split)
{
	struct blkdev *d = disk(true);
	if (!d)
		return;
	if (d->sectors <= SPLIT_SECTORS) {
		printk("# vda is too small: skipped\n");
		return;
	}
	roundtrip(d, 1, SPLIT_SECTORS, 4);
}

KTEST(blk_range_checked)
{
	struct blkdev *d = disk(false);
	if (!d)
		return;
	u64 pa = frame_alloc();
	u8 *buf = phys_to_virt(pa), on_stack[SECTOR_SIZE];
	KEXPECT_EQ(blk_read(d, d->sectors, buf, 1), -EINVAL);
	KEXPECT_EQ(blk_read(d, d->sectors - 1, buf, 2), -EINVAL);
	KEXPECT_EQ(blk_read(d, UINT64_MAX, buf, 1), -EINVAL);
	KEXPECT_EQ(blk_write(d, d->sectors - PAGE_SECTORS + 1, buf, PAGE_SECTORS), -EINVAL);
	KEXPECT_EQ(blk_read(d, d->sectors, buf, 0), 0);
	/* Kernel stacks are not in the direct map: no physical address for DMA. */
	KEXPECT_EQ(blk_read(d, 0, on_stack, 1), -EINVAL);
	frame_free(pa);
}

KTEST(blk_fault_injection)
{
	struct blkdev *d = disk(true);
	if (!d)
		return;
	bool was = d->fail_io;
	u64 pa = frame_alloc_contig(2);
	u8 *before = phys_to_virt(pa), *buf = before + PAGE_SIZE;
	blk_set_fail(d, false);
	KEXPECT_EQ(blk_read(d, 0, before, PAGE_SECTORS), 0);
	blk_set_fail(d, true);
	u64 failed = d->failed;
	memset(buf, 0x5a, PAGE_SIZE);
	KEXPECT_EQ(blk_read(d, 0, buf, PAGE_SECTORS), -EIO);
	KEXPECT(all(buf, PAGE_SIZE, 0x5a));
	pattern(buf, PAGE_SIZE, 5);
	KEXPECT_EQ(blk_write(d, 0, buf, PAGE_SECTORS), -EIO);
	KEXPECT_EQ(blk_read(d, d->sectors, buf, 1), -EINVAL); /* checked first, not counted */
	KEXPECT_EQ(d->failed, failed + 2);
	blk_set_fail(d, false);
	KEXPECT_EQ(blk_read(d, 0, buf, PAGE_SECTORS), 0);
	KEXPECT(memcmp(buf, before, PAGE_SIZE) == 0); /* the failed write never reached it */
	blk_set_fail(d, was);
	frame_free_contig(pa, 2);
}

/* Boot with blk_fail=vda to see the flag work. */
KTEST(blk_fail_flag)
{
	struct blkdev *d = disk(false);
	if (!d)
		return;
	const char *names = cmdline_get("blk_fail");
	KEXPECT_EQ(d->fail_io, names && strcmp(names, "vda") == 0);
	if (d->fail_io) {
		u64 pa = frame_alloc();
		KEXPECT_EQ(blk_read(d, 0, phys_to_virt(pa), 1), -EIO);
		frame_free(pa);
	}
}

KTEST(blk_names_and_nodes)
{
	struct blkdev *d = disk(false);
	if (!d)
		return;
	KEXPECT_EQ(d->rdev, MKDEV(BLK_MAJOR, 0));
	KEXPECT(blk_by_rdev(d->rdev) == d);
	KEXPECT(blk_by_rdev(MKDEV(BLK_MAJOR, 1)) == NULL);
	KEXPECT(blk_get("vd") == NULL);
	struct inode *ip = NULL;
	KEXPECT_EQ(path_lookup(ramfs_root(), "/dev/vda", &ip), 0);
	KEXPECT(ip && ip->mode == (S_IFBLK | 0660) && ip->rdev == d->rdev);
}
