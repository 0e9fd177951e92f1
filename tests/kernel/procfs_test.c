/* tests/kernel/procfs_test.c — the /proc files read as a program reads
 * them: looked up by path, opened, and read through file_read into user
 * memory, in pieces and whole. The figures must be the kernel's own: frames
 * for MemTotal and MemFree, swap.c's text for /proc/swaps, the counters for
 * /proc/vmstat. */
#include "kernel/fs/file.h"
#include "kernel/ktest.h"
#include "kernel/fs/path.h"
#include "kernel/string.h"
#include "mm/extable.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/reclaim.h"
#include "mm/swap.h"
#include "tests/kernel/usermem.h"

#define U USERMEM
#define MEMINFO_LINE 28 /* "MemTotal:" padded to 16, the value to 8, " kB\n" */

static char text[PAGE_SIZE + 1], expected[PAGE_SIZE];

static long xfer(struct file *f, size_t n, bool write)
{
	struct iovec iov = { uptr(U), n };
	struct uio u = { .iov = &iov, .resid = n };
	return write ? file_write(f, &u, &f->off) : file_read(f, &u, &f->off);
}

static struct file *open_file(const char *path)
{
	struct inode *ip;
	struct file *f = NULL;
	int err = path_lookup(ramfs_root(), path, &ip);
	KEXPECT_EQ(err, 0);
	if (!err)
		KEXPECT_EQ(file_open(ip, O_RDWR, &f), 0);
	return f;
}

/* All of path into text, chunk bytes a read; the read after the last
 * byte must be end of file. */
static size_t slurp(const char *path, size_t chunk)
{
	struct file *f = open_file(path);
	size_t len = 0;
	long n = 0;
	while (f && len < PAGE_SIZE && (n = xfer(f, MIN(chunk, PAGE_SIZE - len), false)) > 0) {
		KEXPECT_EQ(copy_from_user(text + len, uptr(U), (size_t)n), 0);
		len += (size_t)n;
	}
	KEXPECT_EQ(n, 0);
	if (f)
		file_close(f);
	text[len] = '\0';
	return len;
}

/* The line of text that starts with key, or NULL. */
static const char *line_of(const char *key)
{
	const char *p = text;
	while (p && !str_starts_with(p, key)) {
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return p;
}

/* The number after key and the spaces padding it; ~0 if there is no such line. */
static u64 value_of(const char *key)
{
	const char *p = line_of(key);
	if (!p)
		return ~0ul;
	for (p += strlen(key); *p == ' '; p++)
		;
	u64 v = 0;
	for (; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (u64)(*p - '0');
	return v;
}

static size_t line_len(const char *key)
{
	const char *p = line_of(key);
	return p ? (size_t)(strchr(p, '\n') + 1 - p) : 0;
}

/* The user page is faulted in, and the heap given the blocks an open file
 * takes, before the figures are read: only then do the free frames hold
 * still between the pieces of a read and the check after it. */
static struct proc *begin(const char *path)
{
	struct proc *p = usermem_begin(1);
	KEXPECT_EQ(clear_user(uptr(U), PAGE_SIZE), 0);
	slurp(path, PAGE_SIZE);
	return p;
}

KTEST(procfs_meminfo_counts_frames)
{
	size_t heap0 = kheap_in_use();
	struct proc *p = begin("/proc/meminfo");
	KEXPECT_EQ(slurp("/proc/meminfo", 10), 5 * MEMINFO_LINE);
	KEXPECT_EQ(value_of("MemTotal:"), frames_usable() * 4);
	KEXPECT_EQ(value_of("MemFree:"), frames_free() * 4);
	KEXPECT_EQ(value_of("MemAvailable:"), frames_free() * 4);
	struct swap_stats s;
	swap_stats(&s);
	KEXPECT_EQ(value_of("SwapTotal:"), s.total_pages * 4);
	KEXPECT_EQ(value_of("SwapFree:"), s.free_pages * 4);
	KEXPECT_EQ(line_len("MemTotal:"), MEMINFO_LINE);
	usermem_end(p);
	KEXPECT_EQ(kheap_in_use(), heap0);
}

KTEST(procfs_rewind_and_write)
{
	struct proc *p = usermem_begin(1);
	struct file *f = open_file("/proc/vmstat");
	if (f) {
		KEXPECT_EQ(xfer(f, 3, false), 3);
		KEXPECT_EQ(file_lseek(f, 0, SEEK_SET), 0);
		KEXPECT_EQ(xfer(f, 7, false), 7);
		KEXPECT_EQ(copy_from_user(text, uptr(U), 7), 0);
		KEXPECT(memcmp(text, "pswpin ", 7) == 0);
		KEXPECT_EQ(xfer(f, 1, true), -EIO); /* proc_reg_write, as root */
		file_close(f);
	}
	usermem_end(p);
}

KTEST(procfs_swaps_and_vmstat)
{
	struct proc *p = begin("/proc/swaps");
	swap_show(expected, sizeof(expected));
	KEXPECT_EQ(slurp("/proc/swaps", 16), strlen(expected));
	KEXPECT(strcmp(text, expected) == 0);
	slurp("/proc/vmstat", 64);
	KEXPECT_EQ(value_of("pgfault "), vmstat.pgfault);
	KEXPECT_EQ(value_of("pswpout "), vmstat.pswpout);
	KEXPECT_EQ(value_of("oom_kill "), vmstat.oom_kill);
	usermem_end(p);
}

/* /proc/sys/debug/uaccess_trace shows and sets the boot flag: a number
 * written turns it on (nonzero) or off, anything else is EINVAL. */
static long write_text(struct file *f, const char *s)
{
	KEXPECT_EQ(copy_to_user(uptr(U), s, strlen(s)), 0);
	f->off = 0;
	return xfer(f, strlen(s), true);
}

KTEST(procfs_uaccess_trace_switch)
{
	bool was = uaccess_trace;
	struct proc *p = usermem_begin(1);
	struct file *f = open_file("/proc/sys/debug/uaccess_trace");
	if (f) {
		KEXPECT_EQ(write_text(f, "1\n"), 2);
		KEXPECT(uaccess_trace);
		KEXPECT_EQ(slurp("/proc/sys/debug/uaccess_trace", 1), 2);
		KEXPECT(strcmp(text, "1\n") == 0);
		KEXPECT_EQ(write_text(f, " 0"), 2);
		KEXPECT(!uaccess_trace);
		KEXPECT_EQ(write_text(f, "on"), -EINVAL);
		KEXPECT_EQ(write_text(f, "1x"), -EINVAL);
		KEXPECT(!uaccess_trace);
		file_close(f);
	}
	uaccess_trace = was;
	usermem_end(p);
}

/* The number at *p, and *p moved past it and one space. */
static u64 take_number(const char **p)
{
	u64 v = 0;
	for (; **p >= '0' && **p <= '9'; (*p)++)
		v = v * 10 + (u64)(**p - '0');
	if (**p == ' ')
		(*p)++;
	return v;
}

/* /proc/sys/debug/copy_limits: a line per size, 8 B to 1 MiB, each
 * "SIZE memcpy N memset N"; the figures are measured, so only their shape
 * is checked, and that 1 MiB costs more than 8 bytes on any clock. Its
 * scratch frames go back after the read. */
KTEST(procfs_copy_limits_lines)
{
	static const u64 sizes[] = { 8, 64, 512, 4096, 65536, 1 << 20 };
	u64 first[2] = { 0, 0 }, last[2] = { 0, 0 };
	struct proc *p = begin("/proc/sys/debug/copy_limits");
	size_t free0 = frames_free();
	/* One read: each read measures anew, so a second one may not continue
	 * the first's text. */
	struct file *f = open_file("/proc/sys/debug/copy_limits");
	long n = f ? xfer(f, PAGE_SIZE, false) : 0;
	KEXPECT(n > 0 && n < (long)PAGE_SIZE);
	KEXPECT_EQ(copy_from_user(text, uptr(U), (size_t)n), 0);
	text[n > 0 ? n : 0] = '\0';
	if (f)
		file_close(f);
	KEXPECT_EQ(frames_free(), free0);
	const char *at = text;
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		KEXPECT_EQ(take_number(&at), sizes[i]);
		for (int op = 0; op < 2; op++) {
			const char *word = op ? "memset " : "memcpy ";
			KEXPECT(str_starts_with(at, word));
			at += strlen(word);
			last[op] = take_number(&at);
			first[op] = i ? first[op] : last[op];
		}
		KEXPECT_EQ(*at, '\n');
		at += *at == '\n';
	}
	KEXPECT_EQ(*at, '\0');
	KEXPECT(last[0] > first[0] && last[1] > first[1]);
	usermem_end(p);
}
