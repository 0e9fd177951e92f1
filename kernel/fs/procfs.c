/* kernel/fs/procfs.c — the system's /proc files: what memory and swap hold,
 * and the counters of faults and reclaim, in Linux's formats so that the
 * scripts and habits that read Linux's /proc read these too; the switch
 * /proc/sys/debug/uaccess_trace; the place of copy_limits (copylimits.c's);
 * and which driver serves which /proc
 * device number (the per-process files are procpid.c's, procmem.c's and
 * procmaps.c's). Each read writes the
 * whole text again and hands out the part from the file's offset on. Linux's
 * seq_file keeps the text until it is read to the end; here a program that
 * reads in small pieces may get figures from different moments (cat's
 * reads are large enough to take each file whole). */
#include "kernel/fs/procfs.h"
#include "kernel/accounting.h"
#include "kernel/errno.h"
#include "kernel/fs/file.h"
#include "kernel/fs/path.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "mm/extable.h"
#include "mm/frame.h"
#include "mm/kheap.h"
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

/* /proc/sys/debug/boot_tsc (faultline's own): `KMAIN FIRST_USER`, the TSC
 * at kmain's entry and just before init first runs (kernel/init.h). Under
 * QEMU's -icount the TSC counts instructions, so the difference is the
 * kernel's boot in instructions (bench/ prints it; docs/boot.md). */
static void boot_tsc_show(char *buf, size_t size)
{
	snprintf(buf, size, "%lu %lu\n", boot_tsc_kmain, boot_tsc_first_user);
}

static const struct {
	const char *name;
	u32 rdev;
	void (*show)(char *buf, size_t size); /* NUL-terminated text */
	bool debug; /* in /proc/sys/debug, not /proc */
} files[] = {
	{ "meminfo", PROC_MEMINFO, meminfo_show, false },
	{ "swaps", PROC_SWAPS, swaps_show, false },
	{ "vmstat", PROC_VMSTAT, vmstat_show, false },
	{ "boot_tsc", PROC_SYS_BOOT_TSC, boot_tsc_show, true },
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

long procfs_flag_read(bool on, struct uio *u, u64 *pos)
{
	return uio_read_buf(u, on ? "1\n" : "0\n", 2, pos);
}

/* As Linux's proc_dointvec takes a number: blanks, digits, one newline;
 * anything else, or nothing, is EINVAL. Any write position is taken as 0. */
long procfs_number_write(struct uio *u, u64 *out)
{
	char text[24];
	size_t n = u->resid < sizeof(text) - 1 ? u->resid : sizeof(text) - 1;
	if (uio_copy_in(u, text, n) != n)
		return -EFAULT;
	text[n] = '\0';
	char *c = text;
	while (*c == ' ' || *c == '\t')
		c++;
	if (*c < '0' || *c > '9')
		return -EINVAL;
	u64 v = 0;
	for (; *c >= '0' && *c <= '9'; c++)
		v = v * 10 + (u64)(*c - '0');
	if (*c == '\n')
		c++;
	if (*c)
		return -EINVAL;
	*out = v;
	return (long)n;
}

long procfs_flag_write(struct uio *u, bool *on)
{
	u64 v;
	long n = procfs_number_write(u, &v);
	if (n >= 0)
		*on = v != 0;
	return n;
}

/* /proc/sys/debug/uaccess_trace: the boot flag's value, to read and change
 * while the system runs (Linux keeps its exception-trace switch in the
 * same directory). Mode 0644 root's: only root may turn it on for all. */
static long trace_read(UNUSED struct file *f, struct uio *u, u64 *pos)
{
	return procfs_flag_read(uaccess_trace, u, pos);
}

static long trace_write(UNUSED struct file *f, struct uio *u, UNUSED u64 *pos)
{
	return procfs_flag_write(u, &uaccess_trace);
}

static const struct devops sys_flag_ops = { .read = trace_read, .write = trace_write,
					    .seekable = true, .positional = true };

/* /proc/sys/debug/accounting (faultline's own): kernel/accounting.h's
 * counters, `name value` a line, then the files made since the inode
 * number last written here (0, the start: none), as `leftover PATH BYTES`.
 * The runner writes the next_ino it read before a program and reads again
 * after it (docs/testing.md). The text takes a page of heap while it is
 * written: the same in every read, so figures still compare. */
static u64 acct_since;

static long acct_read(UNUSED struct file *f, struct uio *u, u64 *pos)
{
	char *text = kmalloc(PAGE_SIZE);
	if (!text)
		return -ENOMEM;
	size_t n = acct_show(text, PAGE_SIZE, acct_since);
	long r = uio_read_buf(u, text, n, pos);
	kfree(text);
	return r;
}

static long acct_write(UNUSED struct file *f, struct uio *u, UNUSED u64 *pos)
{
	return procfs_number_write(u, &acct_since);
}

static const struct devops acct_ops = { .read = acct_read, .write = acct_write,
					.seekable = true, .positional = true };

static const struct {
	u32 rdev;
	const struct devops *ops;
} drivers[] = {
	{ PROC_MEMINFO, &procfs_ops },     { PROC_SWAPS, &procfs_ops },
	{ PROC_VMSTAT, &procfs_ops },      { PROC_PID_MEM, &procmem_ops },
	{ PROC_SYS_UACCESS_TRACE, &sys_flag_ops }, { PROC_PID_MAPS, &procmaps_ops },
	{ PROC_PID_PAGEMAP, &procpagemap_ops }, { PROC_PID_STAT, &procpid_ops },
	{ PROC_PID_STATUS, &procpid_ops }, { PROC_PID_CMDLINE, &procpid_ops },
	{ PROC_PID_UACCESS_TRACE, &procpid_ops }, { PROC_SYS_ACCOUNTING, &acct_ops },
	{ PROC_SYS_BOOT_TSC, &procfs_ops },
	{ PROC_SYS_COPY_LIMITS, &copylimits_ops },
};

const struct devops *procfs_dev(u32 rdev)
{
	for (size_t i = 0; i < ARRAY_SIZE(drivers); i++)
		if (drivers[i].rdev == rdev)
			return drivers[i].ops;
	return NULL;
}

/* dir/name, made unless it is there (the initramfs may bring it). */
static int ensure(struct inode *dir, const char *name, u32 mode, u32 rdev, struct inode **out)
{
	size_t len = strlen(name);
	*out = ramfs_find(dir, name, len);
	return *out ? 0 : ramfs_create(dir, name, len, mode, rdev, out);
}

/* The read-only text files of files[]: those in /proc/sys/debug when
 * 'debug', else those of /proc itself. */
static int make_files(struct inode *dir, bool debug)
{
	struct inode *ip;
	int err = 0;
	for (size_t i = 0; !err && i < ARRAY_SIZE(files); i++)
		if (files[i].debug == debug)
			err = ensure(dir, files[i].name, S_IFCHR | 0444, files[i].rdev, &ip);
	return err;
}

/* /proc/sys/debug: uaccess_trace, accounting, boot_tsc and copy_limits */
static int make_sys(struct inode *proc)
{
	struct inode *sys, *debug, *ip;
	int err = ensure(proc, "sys", S_IFDIR | 0555, 0, &sys);
	if (!err)
		err = ensure(sys, "debug", S_IFDIR | 0555, 0, &debug);
	if (!err)
		err = ensure(debug, "uaccess_trace", S_IFCHR | 0644, PROC_SYS_UACCESS_TRACE, &ip);
	if (!err)
		err = ensure(debug, "accounting", S_IFCHR | 0644, PROC_SYS_ACCOUNTING, &ip);
	if (!err)
		err = make_files(debug, true);
	if (!err)
		err = ensure(debug, "copy_limits", S_IFCHR | 0444, PROC_SYS_COPY_LIMITS, &ip);
	return err;
}

static struct inode *proc_root; /* /proc */

bool procfs_is_root(const struct inode *ip) { return ip && ip == proc_root; }

bool procfs_contains(const struct inode *dir)
{
	for (; proc_root; dir = dir->parent) {
		if (dir == proc_root)
			return true;
		if (dir == ramfs_root())
			return false;
	}
	return false;
}

/* The initramfs usually brings /proc; a file it put there itself stays. */
void procfs_init(void)
{
	struct inode *dir;
	int err = path_lookup(ramfs_root(), "/proc", &dir);
	if (err == -ENOENT)
		err = ramfs_create(ramfs_root(), "proc", 4, S_IFDIR | 0555, 0, &dir);
	if (!err)
		proc_root = dir;
	if (!err)
		err = procpid_init(dir);
	if (!err)
		err = make_sys(dir);
	if (!err)
		err = make_files(dir, false);
	if (err)
		printk("procfs: cannot make /proc: error %d\n", -err);
}
