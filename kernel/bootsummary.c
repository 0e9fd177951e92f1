/* kernel/bootsummary.c — the few lines the screen shows of the boot: what was
 * found, in words a student at the machine can check at a glance. The
 * boot log in full goes to the serial port (and to the screen with the
 * `verbose` flag, kernel/printk.h): on a screen of 25 lines it would
 * scroll by before anyone could read it. */
#include "kernel/bootsummary.h"
#include "arch/cpu.h"
#include "kernel/bootinfo.h"
#include "kernel/drivers/blk.h"
#include "kernel/printk.h"
#include "mm/frame.h"
#include "mm/swap.h"

#define MAX_DISK_NAMES 26 /* vda..vdz */

static void disks(void)
{
	char name[8];
	int found = 0;
	printk_screen("  disks:  ");
	for (int i = 0; i < MAX_DISK_NAMES; i++) {
		snprintf(name, sizeof(name), "vd%c", 'a' + i);
		struct blkdev *d = blk_get(name);
		if (!d)
			break;
		printk_screen("%s%s %lu MiB", found++ ? ", " : "", d->name,
			      d->sectors >> (20 - SECTOR_SHIFT));
	}
	printk_screen("%s\n", found ? "" : "none");
}

void boot_summary(const char *version)
{
	struct swap_stats swap;
	swap_stats(&swap);
	printk_screen("faultline %s, booted via %s by %s\n", version, bootinfo.uefi ? "UEFI" : "BIOS",
		      *bootinfo.loader ? bootinfo.loader : "an unknown loader");
	cpu_print_protections();
	printk_screen("  RAM:    %lu MiB usable\n", (u64)frames_usable() >> (20 - PAGE_SHIFT));
	disks();
	if (swap.total_pages)
		printk_screen("  swap:   %lu MiB on\n", swap.total_pages >> (20 - PAGE_SHIFT));
	else
		printk_screen("  swap:   off (boot with swapon=vda to use a swap disk)\n");
	printk_screen("The boot log in full is on serial (COM1); boot with `verbose` to see it here.\n"
		      "Shift+PgUp and Shift+PgDn scroll the screen back and forth.\n\n");
}
