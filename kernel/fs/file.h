/* kernel/fs/file.h — open files, descriptor tables, and the user buffers that
 * read and write move bytes through. */
#pragma once
#include "kernel/fs/ramfs.h"
#include "mm/uaccess.h"

/* Linux's x86-64 open(2) flags. */
#define O_ACCMODE 03
#define O_RDONLY 00
#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define O_EXCL 0200
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_LARGEFILE 0100000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW 0400000
#define O_CLOEXEC 02000000

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define SEEK_DATA 3
#define SEEK_HOLE 4

/* Linux caps every read and write at this many bytes (INT_MAX & PAGE_MASK). */
#define MAX_RW_COUNT 0x7ffff000ul

struct devops;
struct pipe;
struct mqueue;

struct file {
	struct inode *ip;
	const struct devops *dev; /* character devices */
	struct pipe *pipe;        /* either end of a pipe (ip is the pipe's) */
	struct blkdev *blk;       /* block devices: the disk behind /dev/vdX */
	struct mqueue *mq;        /* a POSIX message queue (ip is the queue's) */
	u64 off;
	int pid;                  /* /proc/PID/mem: the process it reaches (0: none) */
	u32 flags;                /* what F_GETFL shows: FILE_FLAGS in file.c */
	int ref;                  /* descriptors (in any process) naming this file */
};

struct iovec {
	void __user *iov_base;
	size_t iov_len;
};

/* User memory being read or written: Linux's iov_iter, reduced to iovecs.
 * A fault stops the transfer; the bytes moved before it still count. */
struct uio {
	const struct iovec *iov; /* current segment (a kernel copy) */
	size_t seg_off;          /* bytes of it already done */
	size_t resid;            /* bytes still wanted */
	bool fault;
	u32 rwf;                 /* preadv2/pwritev2's RWF_* flags; 0 for every other call */
};

/* The RWF_* flags files act on (sys_file.c checks the rest). */
#define RWF_NOWAIT 0x8      /* this call does not block: EAGAIN, as with O_NONBLOCK */
#define RWF_APPEND 0x10     /* this write appends, as with O_APPEND */
#define RWF_NOAPPEND 0x20   /* this write goes to its offset even with O_APPEND */
#define RWF_NOSIGNAL 0x100  /* a write to a pipe without readers sends no SIGPIPE */

static inline bool uio_nowait(const struct file *f, const struct uio *u)
{
	return f->flags & O_NONBLOCK || u->rwf & RWF_NOWAIT;
}

#define UIO_MAXIOV 1024 /* IOV_MAX */

/* Linux's iovec_from_user: a kernel copy of n iovecs (kfree it), EINVAL past
 * UIO_MAXIOV or for a length negative as ssize_t (checked while copying, so
 * before an EFAULT from a later entry), EFAULT if the array cannot be read.
 * The addresses are not checked: they may be another process's. */
long iovec_from_user(const struct iovec __user *uvec, u64 n, struct iovec **out);
/* Linux's import_iovec (kernel/fs/sys_file.c): the same, then the segments
 * must be user memory (EFAULT); u covers them, capped at MAX_RW_COUNT. */
long import_iovec(const struct iovec __user *uvec, unsigned n, struct iovec **out, struct uio *u);

size_t uio_copy_out(struct uio *u, const void *src, size_t n); /* to user */
size_t uio_copy_in(struct uio *u, void *dst, size_t n);        /* from user */
size_t uio_clear(struct uio *u, size_t n);
long uio_result(const struct uio *u, size_t done);  /* done, or -EFAULT if nothing moved */
/* Bytes [*pos, size) of buf out to u; *pos advances by what was copied
 * (Linux's simple_read_from_buffer). The count, or -EFAULT. */
long uio_read_buf(struct uio *u, const void *buf, size_t size, u64 *pos);

struct file *file_alloc(struct inode *ip, u32 flags); /* NULL: no memory */
void file_free(struct file *f); /* one file_alloc gave and nobody holds (NULL: nothing) */
int file_open(struct inode *ip, int flags, struct file **out);
struct file *file_dup(struct file *f);
void file_close(struct file *f);
/* Access mode 3 is neither: Linux lets such a file be used only for ioctl.
 * Inline: every read and write asks (one test, where a call cost ~10). */
static inline bool file_readable(const struct file *f)
{
	u32 acc = f->flags & O_ACCMODE;
	return acc == O_RDONLY || acc == O_RDWR;
}

static inline bool file_writable(const struct file *f)
{
	u32 acc = f->flags & O_ACCMODE;
	return acc == O_WRONLY || acc == O_RDWR;
}

bool file_seekable(const struct file *f); /* lseek, pread and pwrite work: not ESPIPE */
/* pos: &f->off for read and write, the caller's offset for pread and pwrite. */
long file_read(struct file *f, struct uio *u, u64 *pos);
long file_write(struct file *f, struct uio *u, u64 *pos);
long file_lseek(struct file *f, i64 off, u32 whence);
long file_ioctl(struct file *f, u32 cmd, u64 arg);

/* Linux's x86-64 struct stat. */
struct timespec64 {
	i64 tv_sec, tv_nsec;
};
struct stat {
	u64 st_dev, st_ino, st_nlink;
	u32 st_mode, st_uid, st_gid, pad0;
	u64 st_rdev;
	i64 st_size, st_blksize, st_blocks;
	struct timespec64 st_atim, st_mtim, st_ctim;
	i64 reserved[3];
};
_Static_assert(sizeof(struct stat) == 144, "struct stat must match Linux x86-64");

void stat_inode(const struct inode *ip, struct stat *st);

/* The current process's descriptor table (kernel/fs/fd.c). */
/* RLIMIT_NOFILE's soft limit, capped at the NOFILE slots the table has. */
unsigned fd_limit(void);
int fd_reserve(unsigned from);           /* lowest free descriptor >= from, or -EMFILE */
/* Whatever fd named before is closed, as dup2 closes it. */
void fd_install(unsigned fd, struct file *f, bool cloexec);
struct file *fd_get(unsigned fd);        /* NULL if fd is not open */
int fd_close(unsigned fd);
bool fd_cloexec(unsigned fd);
void fd_set_cloexec(unsigned fd, bool on);

/* Whole tables: fork copies one (sharing every file) or shares it, exit and
 * execve close. */
struct proc;
int files_init(struct proc *p); /* an empty table, the root directory, umask 022: 0 or -ENOMEM */
/* 0, or -ENOMEM (what was made stays in child, for files_close_all). */
int files_fork(struct proc *child, struct proc *parent, bool share_files, bool share_fs);
void files_close_all(struct proc *p);
/* execve's first step (Linux's unshare_files): a table shared with other
 * processes is copied, so that close-on-exec closes only this one's. 0 or
 * -ENOMEM. */
int files_unshare(struct proc *p);
void files_close_on_exec(struct proc *p);
/* What /proc/self/exe will name (a copy is kept; NULL: nothing). */
void proc_set_exe(struct proc *p, const char *name);
