/* kernel/fs/copylimits.c — /proc/sys/debug/copy_limits (faultline's own):
 * what the kernel's own memcpy and memset cost at the sizes bench/copy
 * moves across the user boundary, 8 B to 1 MiB, so that a pread or a read
 * of /dev/zero can be shown as "the copy itself" plus "the overhead beyond
 * it" (docs/performance.md). Each read measures again; the text is
 *   SIZE memcpy N memset N
 * a line, N in TSC ticks: under QEMU's -icount shift=0 these are executed
 * instructions, each iteration of a rep string instruction counting as one.
 * As with every /proc file here, read it whole in one read (stdio does):
 * reads in pieces may take them from different measurements.
 * Nothing else reads the scratch buffer; it lives only for the read. */
#include "kernel/fs/procfs.h"
#include "arch/x86.h"
#include "kernel/errno.h"
#include "kernel/fs/file.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/frame.h"
#include "mm/layout.h"

#define LIMIT_MAX (1ul << 20)                  /* the largest size measured */
#define SCRATCH_FRAMES (2 * LIMIT_MAX / PAGE_SIZE) /* source, then destination */
#define LINE_MAX 64

/* Ticks between two rdtsc around nothing: taken off every figure, so a
 * figure is the call alone. lfence keeps rdtsc from running early. */
static u64 stamp(void)
{
	asm volatile("lfence" ::: "memory");
	return rdtsc();
}

static u64 empty_ticks(void)
{
	u64 t = stamp();
	return stamp() - t;
}

/* memset (SET) or memcpy of n bytes: the cheaper of two runs, as the first
 * may pay for cold TLB entries; the branch between them is two instructions. */
static u64 time_op(bool set, char *dst, const char *src, size_t n, u64 empty)
{
	u64 best = ~0ul;
	for (int run = 0; run < 2; run++) {
		u64 t = stamp();
		if (set)
			memset(dst, run, n);
		else
			memcpy(dst, src, n);
		u64 d = stamp() - t;
		best = MIN(best, d);
	}
	return best > empty ? best - empty : 0;
}

/* 8 B, 64 B, 512 B, 4 KiB, 64 KiB, 1 MiB: bench/copy's sizes. */
static size_t next_size(size_t n) { return n < 4096 ? n * 8 : n * 16; }

static long limits_read(UNUSED struct file *f, struct uio *u, u64 *pos)
{
	u64 pa = frame_alloc_contig(SCRATCH_FRAMES);
	if (!pa)
		return -ENOMEM;
	char *src = phys_to_virt(pa), *dst = src + LIMIT_MAX;
	char text[6 * LINE_MAX];
	size_t len = 0;
	u64 empty = empty_ticks();
	for (size_t n = 8; n <= LIMIT_MAX; n = next_size(n))
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%lu memcpy %lu memset %lu\n",
					n, time_op(false, dst, src, n, empty),
					time_op(true, dst, src, n, empty));
	frame_free_contig(pa, SCRATCH_FRAMES);
	return uio_read_buf(u, text, len, pos);
}

/* Read-only, as the figures are the kernel's to say (mode 0444). */
static long limits_write(UNUSED struct file *f, UNUSED struct uio *u, UNUSED u64 *pos)
{
	return -EIO;
}

const struct devops copylimits_ops = { .read = limits_read, .write = limits_write,
				       .seekable = true, .positional = true };
