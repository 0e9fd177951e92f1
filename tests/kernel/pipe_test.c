/* tests/kernel/pipe_test.c — pipes from the kernel side, through the same
 * file_read/file_write a syscall uses, on real user buffers: the ring of
 * page buffers wrapping around its end, the 16 slots and PIPE_BUF
 * atomicity, end of file, EPIPE with SIGPIPE, and faults that keep only
 * whole pieces (user/pipecopy.c has the same rules from ring 3).
 * Every end is O_NONBLOCK: a self-test has no scheduler to sleep in. */
#include "kernel/ktest.h"
#include "kernel/fs/pipe.h"
#include "kernel/signal.h"
#include "kernel/string.h"
#include "mm/kheap.h"
#include "tests/kernel/usermem.h"

#define PAGES 40 /* user buffers: room for more than a pipeful */
#define U USERMEM

static u8 src[2 * PIPE_SIZE], dst[PIPE_SIZE + 4096]; /* src: the wrap test reads up to 90000 */

static long xfer(struct file *f, u64 uaddr, size_t n)
{
	struct iovec iov = { uptr(uaddr), n };
	struct uio u = { .iov = &iov, .resid = n };
	return file_writable(f) ? file_write(f, &u, &f->off) : file_read(f, &u, &f->off);
}

/* Write n bytes of src from offset at, through the user buffer. */
static long put(struct file *w, size_t at, size_t n)
{
	KEXPECT_EQ(copy_to_user(uptr(U), src + at, n), 0);
	return xfer(w, U, n);
}

/* Read n bytes and check they are src[at, at + n). */
static void expect(struct file *r, size_t at, size_t n)
{
	memset(dst, 0, n);
	KEXPECT_EQ(xfer(r, U, n), n);
	KEXPECT_EQ(copy_from_user(dst, uptr(U), n), 0);
	KEXPECT(memcmp(dst, src + at, n) == 0);
}

static void make(struct file *ends[2])
{
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (u8)(i * 7 + i / 251);
	KEXPECT_EQ(pipe_create(O_NONBLOCK, ends), 0);
}

static struct proc *begin(struct file *ends[2])
{
	struct proc *p = usermem_begin(PAGES);
	make(ends);
	return p;
}

static void finish(struct proc *p, struct file *ends[2])
{
	file_close(ends[0]);
	file_close(ends[1]);
	usermem_end(p);
}

KTEST(pipe_ring_wraps_around)
{
	size_t heap0 = kheap_in_use();
	struct file *e[2];
	struct proc *p = begin(e);
	KEXPECT_EQ(put(e[1], 0, 60000), 60000);
	expect(e[0], 0, 50000);
	/* 60000..65535 then 0..24463 of the ring: the copy is split in two. */
	KEXPECT_EQ(put(e[1], 60000, 30000), 30000);
	expect(e[0], 50000, 12000);    /* up to the ring's end and past it */
	expect(e[0], 62000, 28000);    /* entirely after the wrap */
	KEXPECT_EQ(xfer(e[0], U, 1), -EAGAIN);
	for (size_t at = 90000; at < 90000 + 5 * PIPE_SIZE; at += 7000) { /* many laps */
		KEXPECT_EQ(put(e[1], at % 50000, 7000), 7000);
		expect(e[0], at % 50000, 7000);
	}
	finish(p, e);
	KEXPECT_EQ(kheap_in_use(), heap0);
}

KTEST(pipe_capacity_and_atomic_writes)
{
	struct file *e[2];
	struct proc *p = begin(e);
	KEXPECT_EQ(put(e[1], 0, PIPE_SIZE + 100), PIPE_SIZE); /* a big write goes in part */
	KEXPECT_EQ(put(e[1], 0, 1), -EAGAIN);
	expect(e[0], 0, 10);
	/* 10 bytes were read, but all 16 slots are still taken: nothing fits. */
	KEXPECT_EQ(put(e[1], 0, 11), -EAGAIN);
	KEXPECT_EQ(put(e[1], 0, PIPE_BUF + 1), -EAGAIN);
	expect(e[0], 10, PAGE_SIZE - 10); /* the first slot is free again */
	/* The last page is full, so the 1 byte cannot merge: one page goes in. */
	KEXPECT_EQ(put(e[1], 0, PIPE_BUF + 1), PIPE_BUF);
	expect(e[0], PAGE_SIZE, PIPE_SIZE - PAGE_SIZE);
	expect(e[0], 0, PIPE_BUF);
	/* Small writes merge into one page. */
	KEXPECT_EQ(put(e[1], 0, 100), 100);
	KEXPECT_EQ(put(e[1], 100, 100), 100);
	expect(e[0], 0, 200);
	KEXPECT_EQ(xfer(e[0], U, 0), 0);
	KEXPECT_EQ(xfer(e[1], U, 0), 0);

	struct stat st;
	stat_inode(e[0]->ip, &st);
	KEXPECT_EQ(st.st_mode, S_IFIFO | 0600);
	KEXPECT_EQ(st.st_nlink, 1);
	KEXPECT_EQ(st.st_size, 0);
	KEXPECT_EQ(file_lseek(e[0], 0, SEEK_SET), -ESPIPE);
	KEXPECT_EQ(file_lseek(e[1], 0, 7), -EINVAL);
	KEXPECT(!file_seekable(e[1]));
	finish(p, e);
}

KTEST(pipe_eof_and_epipe)
{
	struct file *e[2];
	struct proc *p = begin(e);
	KEXPECT_EQ(put(e[1], 0, 100), 100);
	file_close(e[1]);
	expect(e[0], 0, 60);
	expect(e[0], 60, 40);           /* what was written is still read */
	KEXPECT_EQ(xfer(e[0], U, 10), 0); /* then end of file */
	file_close(e[0]);

	make(e);
	file_close(e[0]);
	KEXPECT_EQ(p->killed, 0);
	KEXPECT_EQ(put(e[1], 0, 10), -EPIPE);
	KEXPECT_EQ(p->killed, SIGPIPE);
	file_close(e[1]);
	usermem_end(p);
}

KTEST(pipe_faults_keep_whole_pieces)
{
	struct file *e[2];
	struct proc *p = begin(e);
	KEXPECT_EQ(put(e[1], 0, 300), 300);
	KEXPECT_EQ(xfer(e[0], U + PAGES * PAGE_SIZE, 10), -EFAULT); /* unmapped */
	/* 100 bytes reach the user before the hole: the buffer stays whole. */
	KEXPECT_EQ(xfer(e[0], U + PAGES * PAGE_SIZE - 100, 300), -EFAULT);
	KEXPECT_EQ(copy_from_user(dst, uptr(U + PAGES * PAGE_SIZE - 100), 100), 0);
	KEXPECT(memcmp(dst, src, 100) == 0);
	expect(e[0], 0, 300);
	/* A write whose page faults part way puts in nothing. */
	KEXPECT_EQ(xfer(e[1], U + PAGES * PAGE_SIZE, 10), -EFAULT);
	KEXPECT_EQ(copy_to_user(uptr(U + PAGES * PAGE_SIZE - 50), src, 50), 0);
	KEXPECT_EQ(xfer(e[1], U + PAGES * PAGE_SIZE - 50, 100), -EFAULT);
	KEXPECT_EQ(xfer(e[0], U, 1), -EAGAIN);
	/* Whole pages before the fault stay. */
	KEXPECT_EQ(copy_to_user(uptr(U + PAGES * PAGE_SIZE - PAGE_SIZE - 50), src, PAGE_SIZE + 50), 0);
	KEXPECT_EQ(xfer(e[1], U + PAGES * PAGE_SIZE - PAGE_SIZE - 50, PAGE_SIZE + 100), PAGE_SIZE);
	expect(e[0], 0, PAGE_SIZE);
	finish(p, e);
}
