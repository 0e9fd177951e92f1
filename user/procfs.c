/* user/procfs.c — the /proc files the swap tests read behave as files: a
 * read position that pread and lseek honour (Linux's seq_file), no SEEK_END
 * (EINVAL: a generated file has no known end), writes refused (EIO, even
 * for root; EINVAL for a file with no write at all, /proc/self/maps: the
 * fuzzer found faultline calling through the missing operation). /proc/swaps is used for the position checks because its
 * header line does not change between two reads.
 *
 * /proc's names are the kernel's: a program can neither add one (ENOENT,
 * even root's mkdir or open(O_CREAT): the fuzzer left /proc/d behind) nor
 * remove one (EPERM), a rename into or out of it crosses filesystems
 * (EXDEV), and /proc itself, a mount point, can be neither moved nor
 * removed (EBUSY: the fuzzer renamed it away). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"

static void fails(int ret, int err, const char *what)
{
	tap_ok(ret == -1 && errno == err, "%s -> %s (got %d, %s)", what, strerror(err), ret,
	       ret == -1 ? strerror(errno) : "no error");
}

static void names_are_the_kernels(void)
{
	fails(mkdir("/proc/fl_d", 0755), ENOENT, "mkdir /proc/fl_d");
	fails(open("/proc/fl_x", O_CREAT | O_RDWR, 0644), ENOENT, "open(O_CREAT) /proc/fl_x");
	fails(open("/proc/self/fl_x", O_CREAT | O_RDWR, 0644), ENOENT, "open(O_CREAT) /proc/self/fl_x");
	fails(symlink("/", "/proc/fl_l"), ENOENT, "symlink /proc/fl_l");
	fails(link("/proc/self/status", "/proc/fl_h"), ENOENT, "link to /proc/fl_h");
	fails(unlink("/proc/self/maps"), EPERM, "unlink /proc/self/maps");
	fails(unlink("/proc/meminfo"), EPERM, "unlink /proc/meminfo");
	fails(rename("/proc/self/status", "fl_status"), EXDEV, "rename /proc/self/status out");
	tap_ok(mkdir("fl_dir", 0755) == 0, "mkdir fl_dir, to move");
	fails(rename("fl_dir", "/proc/fl_dir"), EXDEV, "rename a directory into /proc");
	rmdir("fl_dir");
	/* /proc itself is a mount point on Linux: it stays where it is */
	fails(rename("/proc", "/fl_proc"), EBUSY, "rename /proc away");
	fails(rmdir("/proc"), EBUSY, "rmdir /proc");
	tap_ok(mkdir("fl_dir", 0755) == 0, "mkdir fl_dir, to move");
	fails(rename("fl_dir", "/proc"), EBUSY, "rename a directory over /proc");
	rmdir("fl_dir");
	struct stat st;
	fails(stat("/proc/fl_d", &st), ENOENT, "nothing was made");
}

int main(void)
{
	char whole[256] = "", part[32] = "";
	int fd = open("/proc/swaps", O_RDONLY);
	tap_ok(fd >= 0, "open /proc/swaps");
	long n = read(fd, whole, sizeof(whole) - 1);
	tap_ok(n > 20, "read /proc/swaps (%ld bytes)", n);
	tap_ok(pread(fd, part, 10, 5) == 10 && memcmp(part, whole + 5, 10) == 0,
	       "pread at offset 5 gives bytes 5..14");
	tap_ok(lseek(fd, 3, SEEK_SET) == 3 && read(fd, part, 4) == 4 && memcmp(part, whole + 3, 4) == 0,
	       "lseek to 3, then read gives bytes 3..6");
	tap_ok(lseek(fd, 2, SEEK_CUR) == 9, "SEEK_CUR moves on from there");
	errno = 0;
	tap_ok(lseek(fd, 0, SEEK_END) == -1 && errno == EINVAL, "SEEK_END -> EINVAL");
	close(fd);
	fd = open("/proc/meminfo", O_WRONLY);
	errno = 0;
	tap_ok(fd >= 0 && write(fd, "x", 1) == -1 && errno == EIO, "writing /proc/meminfo -> EIO");
	close(fd);
	fd = open("/proc/self/maps", O_RDWR); /* root may: DAC does not stop it */
	errno = 0;
	tap_ok(fd >= 0 && write(fd, "x", 1) == -1 && errno == EINVAL,
	       "writing /proc/self/maps (no write operation) -> EINVAL");
	close(fd);
	names_are_the_kernels();
	return done_testing();
}
