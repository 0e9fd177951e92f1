/* kernel/sys_swap.c — swapon and swapoff (the syscalls and the `swapon=`
 * boot flag): from a path to a block device to the swap areas of mm/swap.c. Only whole block devices are accepted: a
 * swap *file* would live in the ramfs, which is itself in RAM. */
#include "kernel/drivers/blk.h"
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "kernel/fs/path.h"
#include "kernel/syscall.h"
#include "mm/kheap.h"
#include "mm/reclaim.h"
#include "mm/swap.h"

/* The block device named by a user path, or an errno. */
static long device_at(const char __user *upath, struct blkdev **dev, char **path)
{
	int err = path_from_user(upath, path);
	struct inode *ip;
	if (!err)
		err = path_lookup(ramfs_root(), *path, &ip);
	if (!err && S_ISDIR(ip->mode))
		err = -EISDIR; /* Linux opens the path for writing first */
	else if (!err && ((ip->mode & S_IFMT) != S_IFBLK || !(*dev = blk_by_rdev(ip->rdev))))
		err = -EINVAL;
	if (err) {
		kfree(*path);
		*path = NULL;
	}
	return err;
}

SYSCALL2(swapon, const char __user *, upath, int, flags)
{
	struct blkdev *dev;
	char *path = NULL;
	if (flags & ~SWAP_FLAGS_VALID)
		return -EINVAL; /* checked before the path, as Linux does */
	long err = device_at(upath, &dev, &path);
	if (err)
		return err;
	err = swap_on(dev, path, flags);
	kfree(path);
	return err;
}

SYSCALL1(swapoff, const char __user *, upath)
{
	struct blkdev *dev;
	char *path = NULL;
	long err = device_at(upath, &dev, &path);
	if (err)
		return err;
	kfree(path);
	return swap_off(dev);
}

static int boot_swapon(const char *name, bool quiet_if_not_swap)
{
	char path[16];
	snprintf(path, sizeof(path), "/dev/%s", name);
	struct blkdev *dev = blk_get(name);
	int err = dev ? swap_on(dev, path, 0) : -ENODEV;
	if (err && !(quiet_if_not_swap && err == -EINVAL))
		printk("swap: cannot use %s as swap (error %d)\n", path, err);
	return err;
}

/* `swapon=vda,vdb`: turn those disks on as swap before /init runs, the first
 * with the highest priority (Linux's default -2, -3, ... order).
 * `swapon=auto`: every disk that carries a swap signature, in disk order. */
void swap_boot(void)
{
	const char *list = cmdline_get("swapon");
	char name[8] = "vda";
	if (list && strcmp(list, "auto") == 0) {
		for (; blk_get(name); name[2]++)
			boot_swapon(name, true);
		return;
	}
	while (list && *list) {
		size_t n = 0;
		while (list[n] && list[n] != ',')
			n++;
		memset(name, 0, sizeof(name));
		memcpy(name, list, MIN(n, sizeof(name) - 1));
		boot_swapon(name, false);
		list += n + (list[n] == ',');
	}
}
