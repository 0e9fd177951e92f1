/* kernel/fs/procmem.c — /proc/PID/mem and /proc/self/mem: a process's memory
 * as a file whose offsets are its virtual addresses, as debuggers use
 * Linux's (fs/proc/base.c: mem_open, mem_rw). mm/remote.c does the copying,
 * with FOLL_FORCE: a read sees any mapped page, PROT_NONE too, and a write
 * goes into any *private* page, read-only ones included, after breaking
 * copy-on-write, so it lands in the target's own copy and never in a file
 * or another process. An address with nothing there is EIO.
 *
 * /proc/PID has no directory of its own in the ramfs until someone looks it
 * up: path_step asks procfs_lookup about a name it did not find in /proc,
 * which makes "PID/mem" for a process that exists; procfs_forget removes it
 * when the process is reaped. So the directories cost nothing for processes
 * nobody looks at, and none outlives its process. /proc lists only those
 * made so far (Linux lists every process). */
#include "kernel/errno.h"
#include "kernel/fs/file.h"
#include "kernel/fs/procfs.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "mm/remote.h"

static struct inode *proc_dir; /* /proc */

/* A decimal pid without leading zeros (Linux's name_to_int), else 0. */
static int parse_pid(const char *name, size_t len)
{
	int pid = 0;
	if (len == 0 || len > 9 || name[0] == '0')
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return 0;
		pid = pid * 10 + (name[i] - '0');
	}
	return pid;
}

/* The pid whose /proc/PID/mem ip is, 0 if none (or ip is /proc/self/mem). */
static int mem_owner(const struct inode *ip)
{
	for (struct dentry *de = proc_dir->entries; de; de = de->next)
		if (S_ISDIR(de->ip->mode) && ramfs_find(de->ip, "mem", 3) == ip)
			return parse_pid(de->name, strlen(de->name));
	return 0;
}

/* The process is fixed at open, as Linux's file holds the mm it found then:
 * ESRCH if it has no memory (a zombie, as Linux 6.18's mm_access says),
 * EACCES unless the ptrace rule with the opener's fsids allows it
 * (PTRACE_MODE_ATTACH_FSCREDS). */
static int mem_open(struct file *f)
{
	struct proc *me = myproc();
	int pid = f->ip->rdev == PROC_SELF_MEM ? me->pid : mem_owner(f->ip);
	struct proc *t = proc_find(pid);
	if (!t || !remote_mm(pid))
		return -ESRCH;
	if (!remote_may_access(me, t, true))
		return -EACCES;
	f->pid = pid;
	return 0;
}

/* Linux's mem_rw: 0 once the process's memory is gone; the bytes moved up
 * to the first address that cannot be reached, EIO if that is the first;
 * EFAULT for a fault in the caller's buffer, whatever moved before it. */
static long mem_rw(struct file *f, struct uio *u, u64 *pos, bool write)
{
	size_t len = u->resid;
	if ((i64)*pos < 0 && len >= -*pos)
		return -EOVERFLOW; /* rw_verify_area: an unsigned offset's end may not pass 2^64 */
	if (!remote_mm(f->pid))
		return 0;
	size_t n = remote_rw(f->pid, *pos, u, len, write, true);
	if (u->fault)
		return -EFAULT;
	if (!n && len)
		return -EIO;
	*pos += n;
	return (long)n;
}

static long mem_read(struct file *f, struct uio *u, u64 *pos) { return mem_rw(f, u, pos, false); }
static long mem_write(struct file *f, struct uio *u, u64 *pos) { return mem_rw(f, u, pos, true); }

/* lseek sets the address (SEEK_SET, SEEK_CUR; SEEK_END is EINVAL, as Linux's mem_lseek). */
const struct devops procmem_ops = { .read = mem_read, .write = mem_write, .seekable = true,
				    .positional = true, .unsigned_pos = true, .open = mem_open };

struct inode *procfs_lookup(struct inode *dir, const char *name, size_t len)
{
	int pid = dir == proc_dir ? parse_pid(name, len) : 0;
	struct proc *p = pid ? proc_find(pid) : NULL;
	struct inode *d, *mem;
	if (!p || ramfs_create(dir, name, len, S_IFDIR | 0555, 0, &d))
		return NULL;
	if (ramfs_create(d, "mem", 3, S_IFCHR | 0600, PROC_PID_MEM, &mem)) {
		ramfs_remove(dir, name, len, true);
		return NULL;
	}
	d->uid = mem->uid = p->ids.u.eff; /* Linux: the files belong to the process's euid */
	d->gid = mem->gid = p->ids.g.eff;
	return d;
}

void procfs_forget(int pid)
{
	char name[16];
	size_t len = (size_t)snprintf(name, sizeof(name), "%d", pid);
	struct inode *d = proc_dir ? ramfs_find(proc_dir, name, len) : NULL;
	if (d && S_ISDIR(d->mode) && !ramfs_remove(d, "mem", 3, false))
		ramfs_remove(proc_dir, name, len, true);
}

/* /proc/self/mem is 0666 where Linux's is 0600 owned by the opener: every
 * process that names it is its owner there, and the ptrace rule at open
 * (always true for oneself) is what decides. */
int procmem_init(struct inode *proc, struct inode *self)
{
	struct inode *ip;
	proc_dir = proc;
	if (ramfs_find(self, "mem", 3))
		return 0;
	return ramfs_create(self, "mem", 3, S_IFCHR | 0666, PROC_SELF_MEM, &ip);
}
