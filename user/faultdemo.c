/* user/faultdemo.c — good and bad pointers handed to the kernel. read,
 * write and uname copy between kernel memory and the buffer the program
 * names; when that buffer is not there, the copy faults inside the kernel,
 * the page-fault handler finds the copy instruction in the exception table
 * and resumes at its fixup, and the call returns EFAULT, or the bytes it
 * copied before the fault. A kernel address is refused before any copy
 * (access_ok), so it never faults at all.
 *
 * On faultline it turns on /proc/self/uaccess_trace first: the kernel then
 * prints one "uaccess:" line per fixup on the console, between the lines
 * this program prints. Linux has no such switch; there the program says so
 * and shows the same results without the kernel's lines. The numbers
 * checked are Linux's. docs/uaccess.md follows the path of one fault. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#include "child.h"
#include "procview.h"
#include "tap.h"

#define LEN 64
#define KERNEL_ADDR 0xffff800000000000ul /* the start of the kernel's half */

static const char *trace_path = "/proc/self/uaccess_trace";
static char *rw_end;  /* just past a read-write page, with nothing mapped after it */
static char *hole;    /* that unmapped page */
static char *ro;      /* a read-only page */

/* One call, explained, and checked against what Linux returns. */
static void call(const char *what, long got, int err, long want, int want_err, const char *why)
{
	printf("  -> %ld%s%s: %s\n", got, got == -1 ? ", errno " : "",
	       got == -1 ? tap_errname(err) : "", why);
	tap_ok(got == want && (want != -1 || err == want_err), "%s returns %ld%s%s", what, want,
	       want == -1 ? " " : "", want == -1 ? tap_errname(want_err) : "");
}

#define CALL(what, want, want_err, why, ...) do {          \
	printf("\n%s\n", what);                               \
	fflush(stdout);                                       \
	errno = 0;                                            \
	long r_ = syscall(__VA_ARGS__);                       \
	call(what, r_, errno, want, want_err, why);           \
} while (0)

/* On faultline: our own trace on, inherited by a child; on Linux: absent. */
static bool trace_on(void)
{
	int fd = open(trace_path, O_RDWR);
	if (fd < 0) {
		tap_ok(!on_faultline() && errno == ENOENT, "no %s on Linux", trace_path);
		printf("This kernel has no %s (Linux has none), so the kernel's\n"
		       "fixup lines cannot be shown; the results are the same.\n", trace_path);
		return false;
	}
	char buf[4] = "";
	tap_ok(write(fd, "1\n", 2) == 2 && pread(fd, buf, 3, 0) == 2 && buf[0] == '1',
	       "writing 1 to %s turns our trace on", trace_path);
	close(fd);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(slurp(trace_path, buf, sizeof(buf)) == 2 && buf[0] == '1' ? 0 : 1);
	tap_ok(reap(pid) == EXITED(0), "a child inherits it");
	printf("Tracing is on for this process: each \"uaccess:\" line below is the kernel\n"
	       "saying where a copy faulted and that the fixup took over. A bad copy often\n"
	       "shows two: copy_user_raw moves 8 bytes at a time (rep movsq) and, when that\n"
	       "faults, its fixup retries the rest a byte at a time (rep movsb, the .bytes\n"
	       "label), which faults at the same address; rcx= is how many quadwords, then\n"
	       "bytes, were left when it stopped.\n");
	return true;
}

static void trace_off(void)
{
	char buf[4] = "";
	int fd = open(trace_path, O_WRONLY);
	tap_ok(fd >= 0 && write(fd, "0", 1) == 1 && slurp(trace_path, buf, sizeof(buf)) == 2 &&
	       buf[0] == '0', "writing 0 turns it off again");
	close(fd);
}

static void setup(int *fd)
{
	char *two = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (two == MAP_FAILED || ro == MAP_FAILED || munmap(two + 4096, 4096))
		bail("mmap");
	rw_end = hole = two + 4096;
	char text[LEN];
	memset(text, 'x', LEN);
	*fd = open("/tmp/faultdemo.txt", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (*fd < 0 || write(*fd, text, LEN) != LEN)
		bail("/tmp/faultdemo.txt");
}

int main(void)
{
	int fd;
	setup(&fd);
	printf("Each call below hands the kernel a buffer of %d bytes.\n", LEN);
	bool traced = trace_on();
	CALL("read(file, good buffer)", LEN, 0, "the kernel copied the file's bytes into it",
	     SYS_pread64, fd, rw_end - LEN, LEN, 0);
	CALL("read(file, NULL)", -1, EFAULT, "the copy faulted on page 0; the fixup returned EFAULT",
	     SYS_pread64, fd, NULL, LEN, 0);
	CALL("read(file, kernel address 0xffff800000000000)", -1, EFAULT,
	     "refused before copying (access_ok): no fault, no trace line", SYS_pread64, fd,
	     KERNEL_ADDR, LEN, 0);
	CALL("read(file, unmapped page)", -1, EFAULT, "the copy faulted, nothing was copied",
	     SYS_pread64, fd, hole, LEN, 0);
	CALL("read(file, read-only page)", -1, EFAULT,
	     "reading a file means writing the buffer, and this page may not be written",
	     SYS_pread64, fd, ro, LEN, 0);
	CALL("read(file, last 16 bytes of a page, then the unmapped page)", 16, 0,
	     "a partial read: the 16 bytes before the fault count", SYS_pread64, fd, rw_end - 16, LEN, 0);
	CALL("write(file, read-only page)", LEN, 0, "writing a file only reads the buffer: allowed",
	     SYS_pwrite64, fd, ro, LEN, 0);
	CALL("write(file, NULL)", -1, EFAULT, "the copy from page 0 faulted", SYS_pwrite64, fd, NULL,
	     LEN, 0);
	CALL("write(file, last 16 bytes of a page, then the unmapped page)", 16, 0,
	     "the 16 bytes before the fault were written", SYS_pwrite64, fd, rw_end - 16, LEN, 0);
	struct utsname u;
	CALL("uname(good buffer)", 0, 0, "the kernel filled in its name", SYS_uname, &u);
	printf("  (sysname \"%s\", release \"%s\")\n", u.sysname, u.release);
	CALL("uname(NULL)", -1, EFAULT, "nowhere to copy to", SYS_uname, NULL);
	CALL("uname(read-only page)", -1, EFAULT, "the page may not be written", SYS_uname, ro);
	CALL("uname(buffer running into the unmapped page)", -1, EFAULT,
	     "uname copies all or nothing: what did not fit makes it EFAULT", SYS_uname,
	     rw_end - 100);
	if (traced)
		trace_off();
	close(fd);
	unlink("/tmp/faultdemo.txt");
	return done_testing();
}
