/* user/hostile.h — what the two syscall fuzzers share: sysfuzz (differential,
 * one call per child, compared with Linux) and fuzz (high volume, stateful,
 * hostile; docs/testing.md). Both fuzz every call of the kernel's own table,
 * build/user/syscalls.h, which user/build.mk makes from kernel/syscall.c, so
 * a call added there is fuzzed from the next build on; both draw flag words
 * and kernel addresses the same way, and both clean up their work directory
 * with remove_tree.
 */
#pragma once
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "syscalls.h" /* KERNEL_SYSCALLS(X): X(nr, name) for each call */

#define PAGE 4096ul
#define TOP 0x7ffffffff000ul /* TASK_SIZE_MAX: the end of user space */

struct call {
	int nr;
	const char *name;
};

#define HOSTILE_CALL(nr, name) { nr, #name },
static const struct call calls[] = { KERNEL_SYSCALLS(HOSTILE_CALL) };
#undef HOSTILE_CALL
#define NCALLS (int)(sizeof(calls) / sizeof(calls[0]))

/* Addresses no user pointer may reach. The first four are sysfuzz's pools
 * kern1, kern2, noncanon1, noncanon2; fuzz draws from all of them. The
 * kernel's are faultline's map (mm/layout.h): the direct map (and the heap
 * in it, a few MiB up), the image, the kernel stacks; 0xffff888000000000
 * is Linux's direct map, 0xffffffffff600000 its vsyscall page. */
static const long kernel_addrs[] = {
	(long)0xffff800000000000ul, (long)0xffffffff81000000ul, /* direct map, image */
	(long)0x0000800000000000ul, (long)0x8000000000000000ul, /* non-canonical */
	(long)0xffff800000100000ul, (long)0xffff800001000000ul, /* low memory, heap */
	(long)0xffff888000000000ul, (long)0xffffffff80000000ul, /* Linux's map; image base */
	(long)0xffffffff80100000ul, (long)0xffffff0000000000ul, /* text; kernel stacks */
	(long)0xffffff0000004000ul, (long)0xffffffffff600000ul, /* a stack; vsyscall */
	(long)0xfffffe0000000000ul, (long)0x00007fffffffffffl,  /* ioremap; last byte */
	(long)0xffff7fffffffffffl,  (long)0xfffffffffffff000ul,  /* below the half; top page */
};
#define NKERNEL_ADDRS (int)(sizeof(kernel_addrs) / sizeof(kernel_addrs[0]))

/* A random flag word: a few random bits (low or anywhere), or 32 random bits. */
static inline long flag_word(uint64_t r)
{
	switch (r & 3) {
	case 0:
		return 1l << ((r >> 8) % 32) | 1l << ((r >> 16) % 32);
	case 1:
		return 1l << ((r >> 8) % 64);
	case 2:
		return (r >> 8) & 0xffffffff;
	default:
		return (r >> 8) & 0xff;
	}
}

static inline int listed(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(name, list[i]))
			return 1;
	return 0;
}

#define LISTED(name, list) listed(name, list, sizeof(list) / sizeof(list[0]))

/* Removes NAME under DIRFD and everything in it, whatever a call made there. */
static inline void remove_tree(int dirfd, const char *name)
{
	if (!unlinkat(dirfd, name, 0))
		return;
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	DIR *dir = fd < 0 ? NULL : fdopendir(fd);
	if (dir) {
		struct dirent *e;
		while ((e = readdir(dir)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				remove_tree(fd, e->d_name);
		closedir(dir);
	}
	unlinkat(dirfd, name, AT_REMOVEDIR);
}
