/* kernel/fs/procmem.c — /proc/PID/mem and /proc/self/mem: a process's memory
 * as a file whose offsets are its virtual addresses, as debuggers use
 * Linux's (fs/proc/base.c: mem_open, mem_rw). mm/remote.c does the copying,
 * with FOLL_FORCE: a read sees any mapped page, PROT_NONE too, and a write
 * goes into any *private* page, read-only ones included, after breaking
 * copy-on-write, so it lands in the target's own copy and never in a file
 * or another process. An address with nothing there is EIO.
 */
#include "kernel/errno.h"
#include "kernel/fs/file.h"
#include "kernel/fs/procfs.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "mm/remote.h"

/* The process is fixed at open, as Linux's file holds the mm it found then:
 * ESRCH if it has no memory (a zombie, as Linux 6.18's mm_access says),
 * EACCES unless the ptrace rule with the opener's fsids allows it
 * (PTRACE_MODE_ATTACH_FSCREDS). */
static int mem_open(struct file *f)
{
	int err = procpid_open(f);
	if (!err && !remote_mm(f->pid))
		err = -ESRCH;
	return err ? err : procpid_may_access(f) ? 0 : -EACCES;
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
