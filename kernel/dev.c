/* kernel/dev.c — the character devices: /dev/null, /dev/zero and
 * /dev/console. Each behaves as its Linux driver does where a program could
 * tell the difference: what a fault in the user buffer returns, what lseek
 * and ioctl answer, that /dev/null never reads the buffer it is given. */
#include "kernel/dev.h"
#include "arch/serial.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/file.h"

#define TIOCGWINSZ 0x5413
#define CTRL_D 0x04
#define DEL 0x7f
#define TTY_WRITE_CHUNK 2048 /* Linux's default tty write buffer */

static long null_read(UNUSED struct file *f, UNUSED struct uio *u) { return 0; }
static long null_write(UNUSED struct file *f, struct uio *u) { return (long)u->resid; }

/* As read_zero: the bytes cleared before a fault, or -EFAULT if none. */
static long zero_read(UNUSED struct file *f, struct uio *u)
{
	return uio_result(u, uio_clear(u, u->resid));
}

/* The line being typed, then handed out to reads until it is used up. */
static struct {
	char buf[1024];
	size_t len;   /* bytes typed */
	size_t start; /* bytes already read */
	bool ready;   /* the line is complete: reads may take it */
} line;

/* The part of Linux's canonical mode a shell prompt needs: CR becomes NL
 * (ICRNL), DEL and ^H erase, ^D ends the line without being part of it (so
 * at the start of a line the read returns 0, end of file), and input is
 * echoed as it is typed. */
static void con_input(int c)
{
	char ch = c == '\r' ? '\n' : (char)c;
	if (ch == DEL || ch == '\b') {
		if (line.len) {
			line.len--;
			console_write("\b \b", 3);
		}
		return;
	}
	if (ch == CTRL_D) {
		line.ready = true;
		return;
	}
	line.buf[line.len++] = ch;
	console_write(&ch, 1);
	line.ready = ch == '\n' || line.len == sizeof(line.buf);
}

/* Blocks until a line is complete. A read of 0 bytes returns at once, as
 * n_tty_read does. The UART raises no interrupts: poll it on each tick. */
static long con_read(struct file *f, struct uio *u)
{
	if (!u->resid)
		return 0;
	while (!line.ready) {
		int c = serial_getc();
		if (c >= 0)
			con_input(c);
		else if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		else
			asm volatile("sti; hlt" ::: "memory");
	}
	size_t n = uio_copy_out(u, line.buf + line.start, line.len - line.start);
	line.start += n;
	if (line.start == line.len) {
		line.len = line.start = 0;
		line.ready = false;
	}
	return uio_result(u, n);
}

/* As Linux's tty write: the buffer goes through in chunks, and a chunk that
 * faults part way is dropped whole; the chunks before it count. */
static long con_write(UNUSED struct file *f, struct uio *u)
{
	char chunk[TTY_WRITE_CHUNK];
	size_t done = 0;
	while (u->resid) {
		size_t want = MIN(u->resid, sizeof(chunk));
		if (uio_copy_in(u, chunk, want) != want)
			break;
		console_write(chunk, want);
		done += want;
	}
	return uio_result(u, done);
}

struct winsize {
	u16 ws_row, ws_col, ws_xpixel, ws_ypixel;
};

/* musl's isatty() is TIOCGWINSZ: succeeding is what makes stdout line
 * buffered. Unknown tty ioctls are -ENOTTY, as tty_ioctl turns them. */
static long con_ioctl(UNUSED struct file *f, u32 cmd, u64 arg)
{
	if (cmd != TIOCGWINSZ)
		return -ENOTTY;
	struct winsize ws = { .ws_row = 25, .ws_col = 80 };
	return copy_to_user(uptr(arg), &ws, sizeof(ws)) ? -EFAULT : 0;
}

static const struct devops null_ops = { null_read, null_write, NULL, true };
static const struct devops zero_ops = { zero_read, null_write, NULL, true };
static const struct devops console_ops = { con_read, con_write, con_ioctl, false };

static const struct {
	u32 rdev;
	const struct devops *ops;
} devices[] = {
	{ DEV_NULL, &null_ops },
	{ DEV_ZERO, &zero_ops },
	{ DEV_CONSOLE, &console_ops },
};

const struct devops *dev_find(u32 rdev)
{
	for (size_t i = 0; i < ARRAY_SIZE(devices); i++)
		if (devices[i].rdev == rdev)
			return devices[i].ops;
	return NULL;
}
