/* kernel/fs/dev.c — the character devices: /dev/null, /dev/zero,
 * /dev/console and /dev/tty (the terminal: kernel/drivers/tty.c),
 * /dev/fb0 (its driver is kernel/drivers/fbdev.c),
 * and the /proc files (their drivers: kernel/fs/procfs.h). Each behaves as its
 * Linux driver does where a program could tell the difference: what a fault
 * in the user buffer returns, what lseek and ioctl answer, that /dev/null
 * never reads the buffer it is given. */
#include "kernel/fs/dev.h"
#include "kernel/drivers/fbdev.h"
#include "kernel/drivers/tty.h"
#include "kernel/fs/file.h"
#include "kernel/fs/procfs.h"

static long null_read(UNUSED struct file *f, UNUSED struct uio *u, UNUSED u64 *pos) { return 0; }
static long null_write(UNUSED struct file *f, struct uio *u, UNUSED u64 *pos) { return (long)u->resid; }

/* As read_zero: the bytes cleared before a fault, or -EFAULT if none. */
static long zero_read(UNUSED struct file *f, struct uio *u, UNUSED u64 *pos)
{
	return uio_result(u, uio_clear(u, u->resid));
}

static const struct devops null_ops = { .read = null_read, .write = null_write, .seekable = true };
static const struct devops zero_ops = { .read = zero_read, .write = null_write, .seekable = true };

static const struct {
	u32 rdev;
	const struct devops *ops;
} devices[] = {
	{ DEV_NULL, &null_ops },
	{ DEV_ZERO, &zero_ops },
	{ DEV_TTY, &tty_ops },
	{ DEV_CONSOLE, &console_ops },
	{ DEV_FB0, &fbdev_ops },
};

const struct devops *dev_find(u32 rdev)
{
	if (((rdev >> 8) & 0xfff) == PROC_MAJOR) /* MKDEV's major bits */
		return procfs_dev(rdev);
	for (size_t i = 0; i < ARRAY_SIZE(devices); i++)
		if (devices[i].rdev == rdev)
			return devices[i].ops;
	return NULL;
}
