/* kernel/fs/initramfs.h — filling the root filesystem from the boot archive. */
#pragma once
#include "kernel/fs/ramfs.h"

/* Unpack the GRUB module named "initrd" (or the first module) into the
 * root, then make /dev/console, /dev/null, /dev/zero and /tmp. */
void initramfs_init(void);

/* Unpack a cpio "newc" archive into dir: 0, or -EINVAL (with the reason
 * printed) if it is malformed; the entries before the fault stay unpacked. */
int cpio_unpack(struct inode *dir, const u8 *buf, size_t size);
