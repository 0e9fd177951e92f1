/* kernel/fs/file.c — open files. A file is an inode plus an offset and the
 * open flags; descriptors share one through dup and fork (hence the count),
 * as Linux's struct file is shared. Reads and writes of regular files are
 * here; devices have theirs in kernel/fs/dev.c, pipes in kernel/fs/pipe.c,
 * message queues in kernel/ipc/mq.c. */
#include "kernel/fs/file.h"
#include "kernel/accounting.h"
#include "kernel/drivers/blk.h"
#include "kernel/fs/dev.h"
#include "kernel/fs/pipe.h"
#include "kernel/fs/poll.h"
#include "kernel/ipc/mq.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/layout.h"
#include "mm/shmem.h"

/* The open flags a file keeps, and F_GETFL shows: Linux drops O_CREAT,
 * O_EXCL, O_TRUNC and O_CLOEXEC, which only mattered to the open. */
#define FILE_FLAGS (O_ACCMODE | O_APPEND | O_NONBLOCK | O_LARGEFILE | O_DIRECTORY)

enum uio_op { TO_USER, FROM_USER, FROM_USER_KEEP, CLEAR_USER };

/* Inlined into each of the four callers below, where op is a constant: the
 * choice of routine then costs nothing per segment, and a read's one
 * segment goes straight to its copy. */
static inline __attribute__((always_inline)) size_t uio_move(struct uio *u, char *kbuf, size_t n,
							     enum uio_op op)
{
	size_t done = 0;
	n = MIN(n, u->resid);
	while (done < n) {
		if (u->seg_off == u->iov->iov_len) {
			u->iov++;
			u->seg_off = 0;
			continue;
		}
		size_t chunk = MIN(n - done, u->iov->iov_len - u->seg_off);
		char __user *p = (char __user *)u->iov->iov_base + u->seg_off;
		size_t left = op == TO_USER          ? copy_to_user(p, kbuf + done, chunk)
			      : op == FROM_USER      ? copy_from_user(kbuf + done, p, chunk)
			      : op == FROM_USER_KEEP ? copy_from_user_keep(kbuf + done, p, chunk)
						     : clear_user(p, chunk);
		chunk -= left;
		done += chunk;
		u->seg_off += chunk;
		u->resid -= chunk;
		if (left) {
			u->fault = true;
			break;
		}
	}
	return done;
}

size_t uio_copy_out(struct uio *u, const void *src, size_t n)
{
	return uio_move(u, (char *)src, n, TO_USER);
}

size_t uio_copy_in(struct uio *u, void *dst, size_t n) { return uio_move(u, dst, n, FROM_USER); }
size_t uio_clear(struct uio *u, size_t n) { return uio_move(u, NULL, n, CLEAR_USER); }

/* Into a file's page: a fault leaves the bytes past it as they were. */
static size_t uio_copy_into_page(struct uio *u, void *dst, size_t n)
{
	return uio_move(u, dst, n, FROM_USER_KEEP);
}

/* Whether there is a next user byte and it can be read (a fault sets
 * u->fault). The byte is read again by the copy that follows. */
static bool uio_readable(struct uio *u)
{
	while (u->resid && !u->fault && u->seg_off == u->iov->iov_len) {
		u->iov++;
		u->seg_off = 0;
	}
	if (!u->resid || u->fault)
		return false;
	u8 c;
	if (get_user(c, (const u8 __user *)u->iov->iov_base + u->seg_off))
		u->fault = true;
	return !u->fault;
}

/* Linux's rule for a fault part way: the bytes before it are the result. */
long uio_result(const struct uio *u, size_t done)
{
	return done ? (long)done : u->fault ? -EFAULT : 0;
}

long uio_read_buf(struct uio *u, const void *buf, size_t size, u64 *pos)
{
	size_t n = 0;
	if (*pos < size)
		n = uio_copy_out(u, (const char *)buf + *pos, size - *pos);
	*pos += n;
	return uio_result(u, n);
}

struct file *file_alloc(struct inode *ip, u32 flags)
{
	struct file *f = kmalloc(sizeof(*f));
	if (f) {
		*f = (struct file){ .ip = ip, .flags = flags & FILE_FLAGS, .ref = 1 };
		acct_add(ACCT_FILES, 1);
	}
	return f;
}

void file_free(struct file *f)
{
	if (f)
		acct_add(ACCT_FILES, -1);
	kfree(f);
}

/* A character device without a driver is ENXIO, as chrdev_open says, and
 * its driver may refuse the open (/proc/PID/mem's ptrace rule; /dev/fb0
 * without a framebuffer is ENODEV). The
 * file holds its inode: unlinked, it stays readable until the last close. */
int file_open(struct inode *ip, int flags, struct file **out)
{
	const struct devops *dev = NULL;
	struct blkdev *blk = NULL;
	if (S_ISCHR(ip->mode) && !(dev = dev_find(ip->rdev)))
		return -ENXIO;
	if ((ip->mode & S_IFMT) == S_IFBLK && !(blk = blk_by_rdev(ip->rdev)))
		return -ENXIO;
	struct file *f = file_alloc(ip, (u32)flags);
	if (!f)
		return -ENOMEM;
	f->dev = dev;
	f->blk = blk;
	int err = dev && dev->open ? dev->open(f) : 0;
	if (err) {
		file_free(f);
		return err;
	}
	ramfs_get(ip);
	*out = f;
	return 0;
}

struct file *file_dup(struct file *f)
{
	f->ref++;
	return f;
}

void file_close(struct file *f)
{
	if (--f->ref)
		return;
	if (f->pipe)
		pipe_close(f);
	else if (f->mq)
		mq_close(f);
	else
		ramfs_put(f->ip);
	file_free(f);
}

/* Pipes and ttys are streams: no position (Linux's FMODE_LSEEK and
 * FMODE_PREAD are off); /dev/null and /dev/zero take any and ignore it. */
bool file_seekable(const struct file *f)
{
	return !f->pipe && (!f->dev || f->dev->seekable);
}

/* rw_verify_area: the offset must stay representable after the transfer. */
static bool range_ok(u64 pos, const struct uio *u)
{
	return pos + u->resid <= INT64_MAX;
}

/* A regular file's bytes, page by page out of its object, each page held
 * while the copy may fault (and reclaim run); a hole reads as zeros. */
static long read_pages(struct inode *ip, struct uio *u, u64 *pos)
{
	size_t done = 0;
	while (u->resid && *pos < ip->size && !u->fault) {
		u64 pa, in_page = *pos % PAGE_SIZE;
		size_t want = MIN(ip->size - *pos, PAGE_SIZE - in_page), got;
		int err = ramfs_page(ip, *pos / PAGE_SIZE, false, &pa);
		if (err)
			return done ? (long)done : err;
		if (pa) {
			got = uio_copy_out(u, (char *)phys_to_virt(pa) + in_page, want);
			frame_free(pa);
		} else {
			got = uio_clear(u, want);
		}
		*pos += got;
		done += got;
	}
	return uio_result(u, done);
}

/* A regular file's bytes, copied from user memory straight into its pages:
 * one copy, with no staging buffer between. A page is allocated only once
 * the next user byte is known to be readable, so a buffer that faults at
 * once leaves the file as it was (Linux 6.18's tmpfs adds a page then:
 * docs/ipc.md); a fault part way keeps the bytes before it (Linux's
 * generic_perform_write) and the page's bytes past it as they were; a
 * full filesystem after some bytes is a short write. Growing the file past
 * its end first zeroes what lay past the old end in its last page. */
static long write_pages(struct inode *ip, struct uio *u, u64 off)
{
	size_t done = 0;
	while (uio_readable(u)) {
		u64 pa, at = off + done, in_page = at % PAGE_SIZE;
		int err = at > ip->size ? ramfs_zero_tail(ip, ip->size) : 0;
		if (!err)
			err = ramfs_page(ip, at / PAGE_SIZE, true, &pa);
		if (err)
			return done ? (long)done : err;
		size_t got = uio_copy_into_page(u, (char *)phys_to_virt(pa) + in_page, PAGE_SIZE - in_page);
		frame_free(pa);
		done += got;
		ip->size = MAX(ip->size, at + got);
	}
	return uio_result(u, done);
}

long file_read(struct file *f, struct uio *u, u64 *pos)
{
	struct inode *ip = f->ip;
	if (f->pipe)
		return pipe_read(f, u);
	if (f->mq)
		return mq_read(f, u, pos);
	if (S_ISCHR(ip->mode)) /* no read op: EINVAL, as Linux's vfs_read without FMODE_CAN_READ */
		return f->dev->read ? f->dev->read(f, u, pos) : -EINVAL;
	if (!range_ok(*pos, u))
		return -EINVAL;
	if (f->blk)
		return blk_file_rw(f->blk, u, pos, false);
	if (S_ISDIR(ip->mode))
		return -EISDIR;
	return read_pages(ip, u, pos);
}

/* The offset moves only if something was written, as in Linux (an empty or
 * failed O_APPEND write leaves it alone). O_APPEND wins over pwrite's
 * offset too: Linux documents that as a bug it keeps. RWF_NOAPPEND turns
 * O_APPEND off for one call, RWF_APPEND on. */
long file_write(struct file *f, struct uio *u, u64 *pos)
{
	struct inode *ip = f->ip;
	if (f->pipe)
		return pipe_write(f, u);
	if (f->mq)
		return -EINVAL; /* a queue file has no write (vfs_write) */
	if (S_ISCHR(ip->mode)) /* /proc/PID/maps has none: EINVAL (vfs_write), not a NULL call */
		return f->dev->write ? f->dev->write(f, u, pos) : -EINVAL;
	if (!range_ok(*pos, u))
		return -EINVAL;
	if (f->blk)
		return blk_file_rw(f->blk, u, pos, true);
	bool append = (f->flags & O_APPEND && !(u->rwf & RWF_NOAPPEND)) || u->rwf & RWF_APPEND;
	u64 off = append ? ip->size : *pos;
	long n = write_pages(ip, u, off);
	if (n > 0)
		*pos = off + (u64)n;
	return n;
}

/* tmpfs keeps no holes we could report: all data up to the size. */
static long seek_data_hole(const struct inode *ip, i64 off, u32 whence)
{
	if (off < 0 || (u64)off >= ip->size)
		return -ENXIO;
	return whence == SEEK_DATA ? off : (i64)ip->size;
}

/* Devices answer as their drivers do; directories take only SEEK_SET and
 * SEEK_CUR (offset_dir_llseek); a position below 0 is EINVAL. */
long file_lseek(struct file *f, i64 off, u32 whence)
{
	struct inode *ip = f->ip;
	i64 base, pos;
	if (whence > SEEK_HOLE)
		return -EINVAL;
	if (!file_seekable(f))
		return -ESPIPE;
	if (S_ISCHR(ip->mode) && !f->dev->positional) {
		f->off = 0;
		return 0;
	}
	if (whence == SEEK_SET)
		base = 0;
	else if (whence == SEEK_CUR)
		base = (i64)f->off;
	else if (S_ISDIR(ip->mode))
		return -EINVAL;
	else if (S_ISCHR(ip->mode) && !f->dev->sized)
		return -EINVAL; /* a generated file has no known end (seq_lseek) */
	else if (whence == SEEK_END) /* a disk's size is its capacity (block_llseek) */
		base = f->blk ? (i64)(f->blk->sectors * SECTOR_SIZE) : (i64)ip->size;
	else
		return seek_data_hole(ip, off, whence);
	if (S_ISCHR(ip->mode) && f->dev->unsigned_pos) {
		f->off = (u64)base + (u64)off; /* wraps, as Linux's does */
		return (long)f->off;
	}
	if (__builtin_add_overflow(base, off, &pos) || pos < 0)
		return -EINVAL;
	f->off = (u64)pos;
	return pos;
}

/* Pipes and queues answer for themselves, devices through their poll
 * operation; everything else (regular files, directories, disks, devices
 * without one) is always ready, as Linux's vfs_poll without f_op->poll. */
u32 file_poll(struct file *f, struct poll_table *pt)
{
	if (f->pipe)
		return pipe_poll(f, pt);
	if (f->mq)
		return mq_poll(f, pt);
	if (S_ISCHR(f->ip->mode) && f->dev->poll)
		return f->dev->poll(f, pt);
	return DEFAULT_POLLMASK;
}

long file_ioctl(struct file *f, u32 cmd, u64 arg)
{
	if (S_ISCHR(f->ip->mode) && f->dev->ioctl)
		return f->dev->ioctl(f, cmd, arg);
	return -ENOTTY;
}

/* tmpfs counts the pages a file holds (holes hold none) in 512-byte
 * blocks, and none for directories. No clock yet: the times are all zero. */
void stat_inode(const struct inode *ip, struct stat *st)
{
	*st = (struct stat){
		.st_dev = RAMFS_DEV,
		.st_ino = ip->ino,
		.st_nlink = ip->nlink,
		.st_mode = ip->mode,
		.st_uid = ip->uid,
		.st_gid = ip->gid,
		.st_rdev = ip->rdev,
		.st_size = (i64)ip->size,
		.st_blksize = PAGE_SIZE,
		.st_blocks = ip->shm ? (i64)(shmem_pages(ip->shm) * (PAGE_SIZE / 512)) : 0,
	};
}
