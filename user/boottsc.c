/* user/boottsc.c — /proc/sys/debug/boot_tsc, faultline's record of its own
 * boot: the TSC at kmain's entry and just before init first runs, as two
 * decimal numbers on one line (bench/ prints the difference, under QEMU's
 * -icount the kernel's boot in instructions). Only its shape is checked,
 * never a time. Linux has no such file: there the one case is that it is
 * absent. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"

#define BOOT_TSC "/proc/sys/debug/boot_tsc"

int main(void)
{
	if (!on_faultline()) {
		tap_ok(open(BOOT_TSC, O_RDONLY) < 0 && errno == ENOENT, "Linux: no " BOOT_TSC);
		return done_testing();
	}
	struct stat st;
	tap_ok(stat(BOOT_TSC, &st) == 0 && (st.st_mode & 0777) == 0444, BOOT_TSC " is there, read-only");
	char text[64] = "";
	int fd = open(BOOT_TSC, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);
	tap_ok(n > 0, "read %zd bytes", n);
	close(fd);
	unsigned long long kmain = 0, user = 0;
	int end = 0;
	tap_ok(sscanf(text, "%llu %llu\n%n", &kmain, &user, &end) == 2 && end == n &&
		       strchr(text, '\n') == text + n - 1,
	       "two numbers on one line: \"%.*s\"", (int)(n > 0 ? n - 1 : 0), text);
	tap_ok(kmain > 0, "the TSC at kmain's entry is stamped");
	tap_ok(user > kmain, "the first return to user mode comes after kmain");
	return done_testing();
}
