/* kernel/fs/procfs.c — the /proc files: what memory and swap hold, and the
 * counters of faults and reclaim, in Linux's formats so that the scripts
 * and habits that read Linux's /proc read these too. Each read writes the
 * whole text again and hands out the part from the file's offset on. Linux's
 * seq_file keeps the text until it is read to the end; here a program that
 * reads in small pieces may get figures from different moments (cat's
 * reads are large enough to take each file whole). */
#include "kernel/fs/procfs.h"
#include "kernel/errno.h"
#include "kernel/fs/file.h"
#include "kernel/fs/path.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "mm/frame.h"
#include "mm/reclaim.h"
#include "mm/swap.h"

/* Holds the longest text even at its widest: /proc/swaps or /proc/vmstat
 * with all 8 areas and every figure 20 digits long is under 900 bytes. */
#define TEXT_SIZE 1024

static u64 kb(u64 pages) { return pages * (PAGE_SIZE / 1024); }

/* Only the lines we can fill honestly. MemAvailable is MemFree: Linux adds
 * page cache and reclaimable slab, which faultline does not have, and it
 * never counts anonymous pages that could go to swap. Keys are padded as
 * Linux's show_val_kb pads them. */
static void meminfo_show(char *buf, size_t size)
{
	struct swap_stats s;
	swap_stats(&s);
	snprintf(buf, size,
		 "MemTotal:       %8lu kB\n"
		 "MemFree:        %8lu kB\n"
		 "MemAvailable:   %8lu kB\n"
		 "SwapTotal:      %8lu kB\n"
		 "SwapFree:       %8lu kB\n",
		 kb(frames_usable()), kb(frames_free()), kb(frames_free()), kb(s.total_pages),
		 kb(s.free_pages));
}

static void swaps_show(char *buf, size_t size) { swap_show(buf, size); }

/* Linux's names, in Linux's order, then faultline's own zero_page_maps
 * (Linux counts no such thing). Reclaim runs only in the process that needs
 * a frame (there is no kswapd), so it is all "direct". */
static void vmstat_show(char *buf, size_t size)
{
	snprintf(buf, size,
		 "pswpin %lu\npswpout %lu\npgactivate %lu\npgfault %lu\npgmajfault %lu\n"
		 "pgsteal_direct %lu\npgscan_direct %lu\noom_kill %lu\nzero_page_maps %lu\n",
		 vmstat.pswpin, vmstat.pswpout, vmstat.pgactivate, vmstat.pgfault,
		 vmstat.pgmajfault, vmstat.pgsteal, vmstat.pgscan, vmstat.oom_kill, vmstat.zero_page_maps);
	size_t n = strlen(buf);
	swap_show_counters(buf + n, size - n);
}

static const struct {
	const char *name;
	u32 rdev;
	void (*show)(char *buf, size_t size); /* NUL-terminated text */
} files[] = {
	{ "meminfo", PROC_MEMINFO, meminfo_show },
	{ "swaps", PROC_SWAPS, swaps_show },
	{ "vmstat", PROC_VMSTAT, vmstat_show },
};

/* The text is on this reader's stack, where the fault a copy out may take
 * (and sleep in) leaves it alone. Not from the heap: that would take two
 * frames for the moment MemFree is being counted, and could fail for want
 * of memory just when someone looks at why memory is short. */
static long proc_read(UNUSED struct file *f, struct uio *u, u64 *pos)
{
	char text[TEXT_SIZE] = "";
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		if (files[i].rdev == f->ip->rdev)
			files[i].show(text, TEXT_SIZE);
	return uio_read_buf(u, text, strlen(text), pos);
}

/* What Linux answers root, whom mode 0444 does not stop: proc_reg_write's
 * -EIO for a file with no write operation. */
static long proc_write(UNUSED struct file *f, UNUSED struct uio *u, UNUSED u64 *pos) { return -EIO; }

/* Seekable, so that lseek to 0 rereads from the start. */
const struct devops procfs_ops = { .read = proc_read, .write = proc_write, .seekable = true,
				    .positional = true };

/* /proc/self/exe: a symlink to the file the reading process runs. */
static const char *self_exe(void)
{
	struct proc *p = myproc();
	return p && p->exe ? p->exe : "";
}

/* On Linux /proc/self is a symlink to /proc/PID; here it is a directory
 * that means whoever looks into it. */
static int make_self(struct inode *proc)
{
	struct inode *self;
	int err = ramfs_create(proc, "self", 4, S_IFDIR | 0555, 0, &self);
	if (!err)
		err = ramfs_symlink(self, "exe", 3, "");
	if (!err)
		ramfs_find(self, "exe", 3)->target = self_exe;
	return err;
}

/* The initramfs usually brings /proc; a file it put there itself stays. */
void procfs_init(void)
{
	struct inode *dir, *ip;
	int err = path_lookup(ramfs_root(), "/proc", &dir);
	if (err == -ENOENT)
		err = ramfs_create(ramfs_root(), "proc", 4, S_IFDIR | 0555, 0, &dir);
	if (!err && !ramfs_find(dir, "self", 4))
		err = make_self(dir);
	if (!err)
		err = procmem_init(dir, ramfs_find(dir, "self", 4));
	for (size_t i = 0; !err && i < ARRAY_SIZE(files); i++) {
		size_t len = strlen(files[i].name);
		if (!ramfs_find(dir, files[i].name, len))
			err = ramfs_create(dir, files[i].name, len, S_IFCHR | 0444, files[i].rdev,
					   &ip);
	}
	if (err)
		printk("procfs: cannot make /proc: error %d\n", -err);
}
