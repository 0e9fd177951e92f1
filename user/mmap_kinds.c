/* user/mmap_kinds.c — the kinds of mapping besides private anonymous
 * memory: MAP_SHARED anonymous memory stays shared across fork (both sides
 * see each other's writes, even to pages untouched before the fork), and a
 * MAP_PRIVATE mapping of a file starts as a copy of the file, never writes
 * back, and ends in SIGBUS on pages wholly past the end of the file. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "child.h"

#define PAGE 4096

static char *shared;

static int child_writes(void *unused)
{
	(void)unused;
	strcpy(shared, "from the child");
	strcpy(shared + PAGE, "second page, untouched before fork");
	return 0;
}

static void shared_anonymous(void)
{
	shared = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		bail("mmap MAP_SHARED");
	strcpy(shared, "from the parent");
	tap_status(reap(spawn(child_writes, NULL)), EXITED(0), "child writes the shared pages");
	tap_ok(strcmp(shared, "from the child") == 0, "parent sees the child's write to a shared page");
	tap_ok(strcmp(shared + PAGE, "second page, untouched before fork") == 0,
	       "... and to a shared page nobody had touched before fork");
	munmap(shared, 2 * PAGE);
}

static char *file_map;

static int touch_past_end(void *unused)
{
	(void)unused;
	return file_map[2 * PAGE]; /* the file has 5000 bytes: page 2 is wholly past its end */
}

static void private_file(void)
{
	char path[64], buf[16];
	snprintf(path, sizeof(path), "/tmp/mmap_kinds.%d", getpid());
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	char data[5000];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)('a' + i % 26);
	if (fd < 0 || write(fd, data, sizeof(data)) != (long)sizeof(data))
		bail("creating the file");
	file_map = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	tap_ok(file_map != MAP_FAILED, "MAP_PRIVATE mapping of a regular file");
	tap_ok(memcmp(file_map, data, sizeof(data)) == 0, "the mapping holds the file's bytes");
	tap_ok(file_map[5000] == 0 && file_map[PAGE * 2 - 1] == 0, "the rest of the last page reads as zero");
	file_map[0] = 'X';
	tap_ok(pread(fd, buf, 1, 0) == 1 && buf[0] == 'a', "a write to the private copy does not reach the file");
	tap_status(reap(spawn(touch_past_end, NULL)), KILLED(SIGBUS), "a page wholly past the end of the file");
	munmap(file_map, 3 * PAGE);
	int wfd = open(path, O_WRONLY);
	errno = 0;
	tap_ok(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, wfd, 0) == MAP_FAILED && errno == EACCES,
	       "mapping a write-only descriptor -> EACCES");
	errno = 0;
	tap_ok(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, 987, 0) == MAP_FAILED && errno == EBADF,
	       "mapping a descriptor that is not open -> EBADF");
	close(wfd);
	close(fd);
	unlink(path);
}

int main(void)
{
	shared_anonymous();
	private_file();
	return done_testing();
}
