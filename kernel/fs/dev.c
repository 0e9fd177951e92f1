/* kernel/fs/dev.c — the character devices: /dev/null, /dev/zero, /dev/console,
 * /dev/fb0 (its driver is kernel/drivers/fbdev.c),
 * and the /proc files (their drivers: kernel/fs/procfs.h). Each behaves as its
 * Linux driver does where a program could tell the difference: what a fault
 * in the user buffer returns, what lseek and ioctl answer, that /dev/null
 * never reads the buffer it is given, that ^C at the console interrupts the
 * programs waiting for it. */
#include "kernel/fs/dev.h"
#include "kernel/drivers/console.h"
#include "kernel/drivers/fbdev.h"
#include "kernel/errno.h"
#include "kernel/fs/file.h"
#include "kernel/fs/poll.h"
#include "kernel/fs/procfs.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/wait.h"

#define TIOCGWINSZ 0x5413
#define CTRL_C 0x03
#define CTRL_D 0x04
#define DEL 0x7f
#define TTY_WRITE_CHUNK 2048 /* Linux's default tty write buffer */

static long null_read(UNUSED struct file *f, UNUSED struct uio *u, UNUSED u64 *pos) { return 0; }
static long null_write(UNUSED struct file *f, struct uio *u, UNUSED u64 *pos) { return (long)u->resid; }

/* As read_zero: the bytes cleared before a fault, or -EFAULT if none. */
static long zero_read(UNUSED struct file *f, struct uio *u, UNUSED u64 *pos)
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

/* Every process blocked in con_read sleeps on &line, polling the UART and
 * the keyboard's queue once a tick: ^C interrupts all of them. Linux would signal the terminal's
 * foreground process group; without job control, the readers are the
 * processes at the keyboard. */
static void interrupt_readers(void)
{
	for_each_proc(p)
		if (p->chan == &line)
			signal_send(p, SIGINT);
	signal_send(myproc(), SIGINT);
}

/* The part of Linux's canonical mode a shell prompt needs: CR becomes NL
 * (ICRNL), DEL and ^H erase, ^D ends the line without being part of it (so
 * at the start of a line the read returns 0, end of file), ^C discards the
 * line and sends SIGINT (ISIG), and input is echoed as it is typed. */
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
	if (ch == CTRL_C) {
		line.len = 0;
		console_write("^C\n", 3);
		interrupt_readers();
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

/* Takes what the UART and the keyboard hold until a line is complete, or a
 * signal interrupts the caller (^C or anything else): is one complete? */
static bool line_ready(void)
{
	int c;
	while (!line.ready && !signal_pending(myproc()) && (c = console_getc()) >= 0)
		con_input(c);
	return line.ready;
}

/* Until a line is complete: 0, or -ERESTARTSYS once a signal interrupts
 * the reader (^C or anything else: it dies, or its handler runs and the
 * read is restarted or fails with EINTR), or -EAGAIN. The UART raises
 * no interrupts and the keyboard's only fill a queue: both are polled
 * once a tick, and others run in between. */
static int wait_line(struct file *f)
{
	while (!line_ready()) {
		if (signal_pending(myproc()))
			return -ERESTARTSYS;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (sleep_on(&line, 1))
			return -ERESTARTSYS;
	}
	return 0;
}

/* n_tty_poll: readable once a line is complete, always writable. No
 * interrupt says when input comes, so a poller looks at every tick. */
static u32 con_poll(UNUSED struct file *f, struct poll_table *pt)
{
	pt->every_tick = true;
	return (line_ready() ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM;
}

/* A read of 0 bytes returns at once, as n_tty_read does. */
static long con_read(struct file *f, struct uio *u, UNUSED u64 *pos)
{
	if (!u->resid)
		return 0;
	int err = wait_line(f);
	if (err)
		return err;
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
static long con_write(UNUSED struct file *f, struct uio *u, UNUSED u64 *pos)
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

static const struct devops null_ops = { .read = null_read, .write = null_write, .seekable = true };
static const struct devops zero_ops = { .read = zero_read, .write = null_write, .seekable = true };
static const struct devops console_ops = { .read = con_read, .write = con_write, .ioctl = con_ioctl,
					   .poll = con_poll };

static const struct {
	u32 rdev;
	const struct devops *ops;
} devices[] = {
	{ DEV_NULL, &null_ops },
	{ DEV_ZERO, &zero_ops },
	{ DEV_CONSOLE, &console_ops },
	{ DEV_FB0, &fbdev_ops },
};

const struct devops *dev_find(u32 rdev)
{
	if (((rdev >> 8) & 0xfff) == PROC_MAJOR) /* MKDEV's major bits */
		return procfs_dev(rdev);
	for (size_t i = 0; i < ARRAY_SIZE(devices); i++)
		if (devices[i].rdev == rdev)
			return devices[i].ops;
	return NULL;
}
