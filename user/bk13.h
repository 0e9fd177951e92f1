/* user/bk13.h — breaker13's shared setup: a scratch directory on a tmpfs
 * (the host's /dev/shm; faultline's /tmp) and a buffer that ends where an
 * inaccessible page starts, so a copy from user memory faults at a chosen
 * byte. */
#pragma once
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"

#define PG 4096

static char scratch_dir[128];

/* Removes the scratch directory and the files in it (runners flag files a
 * test leaves behind); registered by enter_scratch. */
static inline void leave_scratch(void)
{
	DIR *d;
	struct dirent *e;

	if (chdir(scratch_dir) == 0 && (d = opendir("."))) {
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				unlink(e->d_name);
		closedir(d);
	}
	chdir("/");
	rmdir(scratch_dir);
}

/* Makes and enters a fresh directory on a tmpfs. */
static inline void enter_scratch(const char *name)
{
	snprintf(scratch_dir, sizeof scratch_dir, "%s/%s.%d",
		 on_faultline() ? "/tmp" : "/dev/shm", name, (int)getpid());
	if (mkdir(scratch_dir, 0755) || chdir(scratch_dir))
		bail("scratch dir");
	atexit(leave_scratch);
}

/* Two pages: the first readable and writable, the second PROT_NONE.
 * Returns the address of the boundary between them. */
static inline char *fault_edge(void)
{
	char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || mprotect(p + PG, PG, PROT_NONE))
		bail("fault_edge");
	return p + PG;
}
