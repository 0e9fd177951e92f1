/* kernel/drivers/fbdev.h — /dev/fb0: the boot framebuffer for user programs. */
#pragma once
#include "kernel/fs/dev.h"
#include "kernel/drivers/screen.h"

extern const struct devops fbdev_ops; /* dev.c finds it by DEV_FB0 */

/* After paging: offer fb (a direct-RGB framebuffer from GRUB) as /dev/fb0.
 * Anything else (none, EGA text) leaves /dev/fb0 failing open with ENODEV. */
void fbdev_init(const struct fbinfo *fb);
