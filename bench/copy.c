/* bench/copy.c — data across the user boundary, at 8 B, 64 B, 512 B,
 * 4 KiB, 64 KiB and 1 MiB:
 *   pread_SIZE, pwrite_SIZE   a file on tmpfs (/tmp; faultline's ramfs)
 *   read_zero_SIZE            /dev/zero: the kernel clears user memory
 * and beside them the LIMIT, what the copy alone costs at that size:
 *   limit_memcpy_SIZE, limit_memset_SIZE
 * from the kernel itself where it says (faultline's
 * /proc/sys/debug/copy_limits: its own memcpy and memset); elsewhere `rep
 * movsb` / `rep stosb` timed here, which is what Linux 6.1 copies and
 * clears user memory with on a CPU with ERMS (QEMU's -cpu max). The
 * overhead beyond the copy is a figure minus its limit (tools/bench). */
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"

#define MAX_SIZE (1 << 20)
#define FILE_PATH "/tmp/bench-copy"
#define LIMITS_PATH "/proc/sys/debug/copy_limits"

static const long sizes[] = { 8, 64, 512, 4096, 65536, MAX_SIZE };
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

/* Fewer operations for the large sizes: the figure is per operation. */
static long count_for(long size) { return size >= 65536 ? 2 : 20; }

static char *buf;

static void file_io(void)
{
	int fd = open(FILE_PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
	need(fd >= 0, "open " FILE_PATH);
	need(pwrite(fd, buf, MAX_SIZE, 0) == MAX_SIZE, "pwrite"); /* no holes */
	for (size_t i = 0; i < NSIZES; i++) {
		long n = sizes[i];
		char name[32];
		snprintf(name, sizeof(name), "pread_%ld", n);
		MEASURE_LOOP(name, count_for(n), pread(fd, buf, n, 0));
		snprintf(name, sizeof(name), "pwrite_%ld", n);
		MEASURE_LOOP(name, count_for(n), pwrite(fd, buf, n, 0));
	}
	close(fd);
	unlink(FILE_PATH);
}

static void dev_zero(void)
{
	int fd = open("/dev/zero", O_RDONLY);
	need(fd >= 0, "open /dev/zero");
	for (size_t i = 0; i < NSIZES; i++) {
		char name[32];
		snprintf(name, sizeof(name), "read_zero_%ld", sizes[i]);
		MEASURE_LOOP(name, count_for(sizes[i]), read(fd, buf, sizes[i]));
	}
	close(fd);
}

/* The kernel's own figures, as "SIZE memcpy N memset N" lines; false if
 * this kernel has no such file. */
static int kernel_limits(void)
{
	FILE *f = fopen(LIMITS_PATH, "r");
	long size;
	unsigned long long cpy, set;
	if (!f)
		return 0;
	while (fscanf(f, "%ld memcpy %llu memset %llu", &size, &cpy, &set) == 3) {
		char name[32];
		snprintf(name, sizeof(name), "limit_memcpy_%ld", size);
		print_figure(name, cpy);
		snprintf(name, sizeof(name), "limit_memset_%ld", size);
		print_figure(name, set);
	}
	fclose(f);
	return 1;
}

static void rep_movsb(void *dst, const void *src, size_t n)
{
	__asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n)::"memory");
}

static void rep_stosb(void *dst, size_t n)
{
	__asm__ volatile("rep stosb" : "+D"(dst), "+c"(n) : "a"(0) : "memory");
}

/* Linux's limit: its copy_user and clear_user are one rep movsb / stosb. */
static void string_limits(void)
{
	char *src = buf + MAX_SIZE;
	printf("# limits: rep movsb / rep stosb in user space (no %s)\n", LIMITS_PATH);
	for (size_t i = 0; i < NSIZES; i++) {
		char name[32];
		snprintf(name, sizeof(name), "limit_memcpy_%ld", sizes[i]);
		MEASURE_LOOP(name, count_for(sizes[i]), rep_movsb(buf, src, sizes[i]));
		snprintf(name, sizeof(name), "limit_memset_%ld", sizes[i]);
		MEASURE_LOOP(name, count_for(sizes[i]), rep_stosb(buf, sizes[i]));
	}
}

int main(int argc, char **argv)
{
	bench_init(argc, argv);
	buf = mmap(NULL, 2 * MAX_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	need(buf != MAP_FAILED, "mmap");
	memset(buf, 'x', 2 * MAX_SIZE); /* every page present before timing */
	file_io();
	dev_zero();
	if (!kernel_limits())
		string_limits();
	return 0;
}
