/* kernel/drivers/blk.c — the block layer: the table of disks, their names and
 * device numbers, the checks every transfer needs whatever the driver
 * (range, read-only, fault injection), and splitting a transfer into
 * requests the driver takes. */
#include "kernel/drivers/blk.h"
#include "kernel/cmdline.h"
#include "kernel/fs/dev.h"
#include "kernel/errno.h"
#include "kernel/failinject.h"
#include "kernel/fs/file.h"
#include "kernel/fs/path.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "kernel/drivers/virtio_blk.h"
#include "mm/frame.h"
#include "mm/layout.h"

#define MAX_DISKS 26       /* vda .. vdz */
#define MINORS_PER_DISK 16 /* as Linux's virtio_blk: the disk, then 15 partitions */

static struct blkdev *disks[MAX_DISKS];
static int ndisks;

/* Whether name is one of the comma-separated names in list. */
static bool listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	while (*list) {
		const char *comma = strchr(list, ',');
		size_t len = comma ? (size_t)(comma - list) : strlen(list);
		if (len == n && strncmp(list, name, n) == 0)
			return true;
		list += comma ? len + 1 : len;
	}
	return false;
}

void blk_register(struct blkdev *d, const char *what)
{
	if (ndisks == MAX_DISKS) {
		printk("blk: %s: more than %d disks: ignored\n", what, MAX_DISKS);
		return;
	}
	snprintf(d->name, sizeof(d->name), "vd%c", 'a' + ndisks);
	d->rdev = MKDEV(BLK_MAJOR, (u32)ndisks * MINORS_PER_DISK);
	disks[ndisks++] = d;
	pr_info("blk: %s: %lu sectors (%lu MiB)%s %s\n", d->name, d->sectors,
		d->sectors >> (20 - SECTOR_SHIFT), d->readonly ? " read-only" : "", what);
	const char *fail = cmdline_get("blk_fail");
	if (fail && listed(fail, d->name)) {
		blk_set_fail(d, true);
		printk("blk: %s: blk_fail: every I/O will fail with EIO\n", d->name);
	}
}

void blk_init(void)
{
	virtio_blk_probe();
	if (!ndisks)
		pr_info("blk: no disks\n");
}

/* A name the initramfs already put in /dev is left alone. */
void blk_make_nodes(void)
{
	struct inode *dev, *ip;
	int err = path_lookup(ramfs_root(), "/dev", &dev);
	for (int i = 0; !err && i < ndisks; i++) {
		size_t len = strlen(disks[i]->name);
		if (!ramfs_find(dev, disks[i]->name, len))
			err = ramfs_create(dev, disks[i]->name, len, S_IFBLK | 0660, disks[i]->rdev,
					   &ip);
	}
	if (err)
		printk("blk: cannot make the /dev nodes: error %d\n", -err);
}

struct blkdev *blk_get(const char *name)
{
	for (int i = 0; i < ndisks; i++)
		if (strcmp(disks[i]->name, name) == 0)
			return disks[i];
	return NULL;
}

struct blkdev *blk_by_rdev(u32 rdev)
{
	for (int i = 0; i < ndisks; i++)
		if (disks[i]->rdev == rdev)
			return disks[i];
	return NULL;
}

static int blk_rw(struct blkdev *d, bool write, u64 sector, void *buf, u32 n)
{
	if (sector > d->sectors || n > d->sectors - sector)
		return -EINVAL;
	if (write && d->readonly)
		return -EROFS;
	if (d->fail_io || should_fail(FAIL_BLK)) {
		d->failed++;
		return -EIO;
	}
	for (u32 done = 0; done < n;) {
		u32 part = MIN(n - done, d->max_sectors);
		int err = d->rw(d, write, sector + done, (char *)buf + (u64)done * SECTOR_SIZE, part);
		if (err)
			return err;
		done += part;
	}
	return 0;
}

int blk_read(struct blkdev *d, u64 sector, void *buf, u32 nsectors)
{
	return blk_rw(d, false, sector, buf, nsectors);
}

/* The driver only reads buf on a write. */
int blk_write(struct blkdev *d, u64 sector, const void *buf, u32 nsectors)
{
	return blk_rw(d, true, sector, (void *)buf, nsectors);
}

void blk_set_fail(struct blkdev *d, bool fail)
{
	d->fail_io = fail;
}

/* One page-sized piece of a file transfer at *pos: the sectors holding it
 * come into a bounce page (physically contiguous, as the driver needs),
 * the bytes move between it and the user, and for a write go back. */
static long blk_file_piece(struct blkdev *d, struct uio *u, u64 pos, bool write, u8 *page)
{
	u64 sector = pos / SECTOR_SIZE, off = pos % SECTOR_SIZE, end = d->sectors * SECTOR_SIZE;
	u32 n = (u32)MIN(PAGE_SIZE / SECTOR_SIZE, d->sectors - sector);
	size_t len = MIN(MIN(u->resid, (size_t)n * SECTOR_SIZE - off), end - pos);
	int err = blk_read(d, sector, page, n);
	if (err)
		return err;
	if (!write)
		return (long)uio_copy_out(u, page + off, len);
	size_t got = uio_copy_in(u, page + off, len);
	err = got ? blk_write(d, sector, page, n) : 0;
	return err ? err : (long)got;
}

long blk_file_rw(struct blkdev *d, struct uio *u, u64 *pos, bool write)
{
	u64 pa = frame_alloc();
	size_t done = 0;
	long err = pa ? 0 : -ENOMEM;
	while (pa && u->resid && !u->fault && *pos < d->sectors * SECTOR_SIZE) {
		long n = blk_file_piece(d, u, *pos, write, phys_to_virt(pa));
		if (n <= 0) {
			err = n;
			break;
		}
		*pos += (u64)n;
		done += (size_t)n;
	}
	if (pa)
		frame_free(pa);
	return done ? (long)done : err ? err : uio_result(u, 0);
}
