/* kernel/fs/procfs.h — the /proc files. They are character devices in the
 * ramfs whose driver writes the text afresh on every read: there is no
 * second filesystem to mount. Three drivers share the major:
 *   kernel/fs/procfs.c   the system's files: meminfo, swaps, vmstat, the
 *                        switch /proc/sys/debug/uaccess_trace, the
 *                        kernel's resource counters /proc/sys/debug/accounting
 *                        and its boot time /proc/sys/debug/boot_tsc;
 *   kernel/fs/procpid.c  the directories /proc/PID and /proc/self, and the
 *                        per-process text files stat, status, cmdline,
 *                        uaccess_trace;
 *   kernel/fs/procmem.c  /proc/PID/mem, a process's memory as a file;
 *   kernel/fs/procmaps.c /proc/PID/maps and /proc/PID/pagemap, its areas
 *                        and its page-table entries. */
#pragma once
#include "kernel/fs/dev.h"

#define PROC_MAJOR 240 /* the first of Linux's majors for local use: no real driver's */
#define PROC_MEMINFO MKDEV(PROC_MAJOR, 0)
#define PROC_SWAPS MKDEV(PROC_MAJOR, 1)
#define PROC_VMSTAT MKDEV(PROC_MAJOR, 2)
#define PROC_PID_MEM MKDEV(PROC_MAJOR, 3)     /* /proc/PID/mem and /proc/self/mem */
#define PROC_SYS_UACCESS_TRACE MKDEV(PROC_MAJOR, 4) /* /proc/sys/debug/uaccess_trace */
#define PROC_PID_MAPS MKDEV(PROC_MAJOR, 5)
#define PROC_PID_PAGEMAP MKDEV(PROC_MAJOR, 6)
#define PROC_PID_STAT MKDEV(PROC_MAJOR, 7)
#define PROC_PID_STATUS MKDEV(PROC_MAJOR, 8)
#define PROC_PID_CMDLINE MKDEV(PROC_MAJOR, 9)
#define PROC_PID_UACCESS_TRACE MKDEV(PROC_MAJOR, 10)
#define PROC_SYS_ACCOUNTING MKDEV(PROC_MAJOR, 16) /* /proc/sys/debug/accounting */
#define PROC_SYS_BOOT_TSC MKDEV(PROC_MAJOR, 17) /* /proc/sys/debug/boot_tsc */
#define PROC_SYS_COPY_LIMITS MKDEV(PROC_MAJOR, 18) /* /proc/sys/debug/copy_limits */

/* The driver of a /proc device number, or NULL (dev.c asks for PROC_MAJOR's). */
const struct devops *procfs_dev(u32 rdev);
extern const struct devops procmem_ops, procmaps_ops, procpagemap_ops, procpid_ops;
extern const struct devops copylimits_ops; /* kernel/fs/copylimits.c */

struct inode;
struct file;
/* path_step's question about a name it did not find in dir: if dir is /proc
 * and name a process's pid, its directory /proc/PID (made now, with every
 * per-process file); else NULL. */
struct inode *procfs_lookup(struct inode *dir, const char *name, size_t len);
/* getdents is about to list dir: if it is /proc, every live process's
 * /proc/PID is made first, so a listing shows them all (as ps expects). */
void procfs_fill(struct inode *dir);
/* de in dir is /proc/PID or one of its files: the kernel's, never a
 * program's leftover (the leak check leaves them unnamed). */
struct dentry;
bool procfs_pid_entry(const struct inode *dir, const struct dentry *de);
void procfs_forget(int pid); /* the process is reaped: /proc/PID goes */
/* dir is /proc or a directory under it. Its names are the kernel's alone:
 * a program's mkdir, open(O_CREAT), symlink, link or rename there finds no
 * such name to make (ENOENT, as Linux's procfs, whose directories have no
 * create or mkdir operations), and its unlink or rmdir of one is EPERM. */
bool procfs_contains(const struct inode *dir);
/* ip is /proc itself: on Linux a mount point, which rename and rmdir
 * refuse with EBUSY (the fuzzer renamed it away, and /proc/self/exe with it). */
bool procfs_is_root(const struct inode *ip);
/* ip, found in dir, is /proc/PID or one of its files: its owner becomes the
 * process's euid and egid as they are now; anything else is left alone. */
void procfs_revalidate(struct inode *dir, struct inode *ip);
/* A per-process file's open: f->pid becomes the process it is about (the
 * opener for /proc/self), 0 or -ESRCH if that process is gone. */
int procpid_open(struct file *f);
/* The opener may read the process's memory (remote_may_access, with fsids). */
bool procpid_may_access(const struct file *f);
/* /proc/self and its files, remembering /proc: 0 or -ENOMEM. */
int procpid_init(struct inode *proc);

struct uio;
/* The flag files (uaccess_trace): "0\n" or "1\n" read from *pos on; a
 * number written as Linux's proc_dointvec takes it (nonzero is on):
 * its length, or -EINVAL, -EFAULT. */
long procfs_flag_read(bool on, struct uio *u, u64 *pos);
long procfs_flag_write(struct uio *u, bool *on);
/* The same number, whole. */
long procfs_number_write(struct uio *u, u64 *v);

void procfs_init(void); /* the files, and /proc itself if the initramfs did not make it */
