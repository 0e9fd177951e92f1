/* user/procview.h — reading a process's /proc files as Linux lays them
 * out, for the demos that show memory (ptdump, cowdemo, swapdemo) and the
 * test of the formats (procpid): the whole of a text file, the
 * /proc/PID/maps line of an address, and the /proc/PID/pagemap word of a
 * page (Documentation/admin-guide/mm/pagemap.rst: one u64 per page at
 * offset vaddr / 4096 * 8). */
#pragma once
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PM_PRESENT (1ull << 63)
#define PM_SWAP (1ull << 62)
#define PM_FILE (1ull << 61)
#define PM_EXCLUSIVE (1ull << 56)
#define PM_SOFT_DIRTY (1ull << 55) /* Linux sets it on new areas; faultline never */
#define PM_PFN(w) ((w) & ((1ull << 55) - 1))
#define PM_SWAP_TYPE(w) ((w) & 31)
#define PM_SWAP_OFFSET(w) (PM_PFN(w) >> 5)

/* The whole file into buf (NUL-terminated); its length, or -1. */
static inline long slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	long n = 0, r = 0;
	if (fd < 0)
		return -1;
	while (n < (long)size - 1 && (r = read(fd, buf + n, size - 1 - n)) > 0)
		n += r;
	close(fd);
	buf[n] = '\0';
	return r < 0 ? -1 : n;
}

/* The line of maps text (as slurp read it) whose area holds addr, copied
 * into line without its newline; 0, or -1 if no area holds it. */
static inline int maps_find(const char *maps, uintptr_t addr, char *line, size_t size)
{
	for (const char *l = maps; *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		unsigned long start, end;
		if (sscanf(l, "%lx-%lx", &start, &end) == 2 && addr >= start && addr < end) {
			len = len < size - 1 ? len : size - 1;
			memcpy(line, l, len);
			line[len] = '\0';
			return 0;
		}
		l += len + (nl != NULL);
	}
	return -1;
}

/* The pagemap word of addr's page from an open pagemap file; 0 on error. */
static inline uint64_t pagemap_word(int fd, uintptr_t addr)
{
	uint64_t w = 0;
	if (pread(fd, &w, 8, (off_t)(addr / 4096 * 8)) != 8)
		return 0;
	return w;
}
