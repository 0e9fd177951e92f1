/* kernel/fs/procpid.c — /proc/PID and /proc/self: one directory per
 * process, and the per-process text files stat, status and cmdline in
 * Linux's formats (fs/proc/array.c, fs/proc/base.c), so that busybox ps
 * reads them, and faultline's own uaccess_trace switch.
 *
 * /proc/PID has no directory of its own in the ramfs until someone looks it
 * up or lists /proc: path_step asks procfs_lookup about a name it did not
 * find in /proc, getdents asks procfs_fill to make every live process's
 * first; procfs_forget removes it when the process is reaped. So the
 * directories cost nothing for processes nobody looks at, and none
 * outlives its process. On Linux /proc/self is a symlink to /proc/PID; here
 * it is a directory whose files mean whoever opens them.
 *
 * A file's process is found from where it is (its directory's name), once,
 * at open (f->pid), as Linux's file holds the task it found then. */
#include "kernel/cputime.h"
#include "kernel/errno.h"
#include "kernel/fs/file.h"
#include "kernel/fs/procfs.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "kernel/time.h"
#include "mm/reclaim.h"
#include "mm/remote.h"

static struct inode *proc_dir, *self_dir; /* /proc, /proc/self */

/* What each /proc/PID holds, with its mode there (owned by the process's
 * euid, as Linux's). /proc/self is root's: its files get the owner's rights
 * for everyone, since whoever opens one is its process. */
static const struct {
	const char *name;
	u32 rdev, mode;
} pid_files[] = {
	{ "mem", PROC_PID_MEM, 0600 },         { "maps", PROC_PID_MAPS, 0444 },
	{ "pagemap", PROC_PID_PAGEMAP, 0400 }, { "stat", PROC_PID_STAT, 0444 },
	{ "status", PROC_PID_STATUS, 0444 },   { "cmdline", PROC_PID_CMDLINE, 0444 },
	{ "uaccess_trace", PROC_PID_UACCESS_TRACE, 0644 },
};

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

/* The pid whose file ip is (the caller's for /proc/self), 0 if none. */
static int file_owner(const struct inode *ip)
{
	if (ramfs_entry_of(self_dir, (struct inode *)ip))
		return myproc()->pid;
	for (struct dentry *de = proc_dir->entries; de; de = de->next)
		if (S_ISDIR(de->ip->mode) && ramfs_entry_of(de->ip, (struct inode *)ip))
			return parse_pid(de->name, strlen(de->name));
	return 0;
}

int procpid_open(struct file *f)
{
	int pid = file_owner(f->ip);
	if (!pid || !proc_find(pid))
		return -ESRCH;
	f->pid = pid;
	return 0;
}

bool procpid_may_access(const struct file *f)
{
	struct proc *t = proc_find(f->pid);
	return t && remote_may_access(myproc(), t, true);
}

static int make_files(struct inode *d, bool self)
{
	struct inode *ip;
	for (size_t i = 0; i < ARRAY_SIZE(pid_files); i++) {
		u32 mode = pid_files[i].mode, owner = mode & 0700;
		if (self)
			mode |= owner >> 3 | owner >> 6;
		size_t len = strlen(pid_files[i].name);
		if (ramfs_find(d, pid_files[i].name, len))
			continue;
		int err = ramfs_create(d, pid_files[i].name, len, S_IFCHR | mode, pid_files[i].rdev, &ip);
		if (err)
			return err;
		ip->uid = d->uid;
		ip->gid = d->gid;
	}
	return 0;
}

/* Removes the files, then d itself if that left it empty. */
static void remove_dir(struct inode *d, const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(pid_files); i++)
		ramfs_remove(d, pid_files[i].name, strlen(pid_files[i].name), false);
	ramfs_remove(proc_dir, name, len, true);
}

/* Linux: /proc/PID and its files belong to the process's euid and egid
 * as they are now (pid_revalidate asks at every lookup), not as they were
 * when the entry was made: a process that drops root must not leave its
 * maps readable to root's files only, nor keep another user's out. */
static void set_owner(struct inode *d, const struct proc *p)
{
	d->uid = p->ids.u.eff;
	d->gid = p->ids.g.eff;
	for (struct dentry *de = d->entries; de; de = de->next) {
		de->ip->uid = d->uid;
		de->ip->gid = d->gid;
	}
}

void procfs_revalidate(struct inode *dir, struct inode *ip)
{
	struct inode *d = dir == proc_dir ? ip : dir->parent == proc_dir ? dir : NULL;
	const struct dentry *de = d && d != self_dir ? ramfs_entry_of(proc_dir, d) : NULL;
	int pid = de && S_ISDIR(d->mode) ? parse_pid(de->name, strlen(de->name)) : 0;
	struct proc *p = pid ? proc_find(pid) : NULL;
	if (p)
		set_owner(d, p);
}

struct inode *procfs_lookup(struct inode *dir, const char *name, size_t len)
{
	int pid = dir == proc_dir ? parse_pid(name, len) : 0;
	struct proc *p = pid ? proc_find(pid) : NULL;
	struct inode *d;
	if (!p || ramfs_create(dir, name, len, S_IFDIR | 0555, 0, &d))
		return NULL;
	set_owner(d, p);
	if (make_files(d, false)) {
		remove_dir(d, name, len);
		return NULL;
	}
	return d;
}

/* Processes only, not their other threads: Linux lists thread group
 * leaders in /proc (a thread's /proc/TID is found by name all the same). */
void procfs_fill(struct inode *dir)
{
	if (dir != proc_dir)
		return;
	for_each_proc(p) {
		char name[16];
		size_t len = (size_t)snprintf(name, sizeof(name), "%d", p->pid);
		if (p->leader == p && !ramfs_find(dir, name, len))
			procfs_lookup(dir, name, len);
	}
}

bool procfs_pid_entry(const struct inode *dir, const struct dentry *de)
{
	if (dir == proc_dir)
		return S_ISDIR(de->ip->mode) && parse_pid(de->name, strlen(de->name));
	const struct dentry *d = proc_dir ? ramfs_entry_of(proc_dir, (struct inode *)dir) : NULL;
	return d && parse_pid(d->name, strlen(d->name));
}

void procfs_forget(int pid)
{
	char name[16];
	size_t len = (size_t)snprintf(name, sizeof(name), "%d", pid);
	struct inode *d = proc_dir ? ramfs_find(proc_dir, name, len) : NULL;
	if (d && S_ISDIR(d->mode))
		remove_dir(d, name, len);
}

/* Linux's task_state_array letters (fs/proc/array.c). */
static const char *state_name(const struct proc *p)
{
	if (p->state == P_ZOMBIE)
		return "Z (zombie)";
	if (p->stopped)
		return "T (stopped)";
	return p->state == P_SLEEPING ? "S (sleeping)" : "R (running)";
}


struct usage {
	u64 utime, stime; /* clock ticks, every thread of the process, live or ended */
	u64 cutime, cstime; /* ... of the children it waited for */
	int threads;
	u64 vsize, locked; /* bytes of its areas, and of the mlocked ones */
	u64 rss;           /* pages */
};

static struct usage usage_of(struct proc *p)
{
	struct usage s = { 0 };
	struct cputimes t = cputime_group(p), c = cputime_children(p);
	s.utime = ns_to_clock_ticks(t.user);
	s.stime = ns_to_clock_ticks(t.sys);
	s.cutime = ns_to_clock_ticks(c.user);
	s.cstime = ns_to_clock_ticks(c.sys);
	for_each_proc(t)
		s.threads += t->tgid == p->tgid;
	for (struct vma *v = p->mm ? p->mm->vmas : NULL; v; v = v->next) {
		s.vsize += v->end - v->start;
		s.locked += v->locked ? v->end - v->start : 0;
	}
	s.rss = p->mm ? mm_resident_pages(p->mm) : 0;
	return s;
}

/* The signals p ignores (SIG_IGN, 1) or catches (a handler), bit sig - 1. */
static u64 sig_disposed(const struct proc *p, bool caught)
{
	u64 set = 0;
	for (int sig = 1; p->sighand && sig <= 64; sig++) {
		u64 h = p->sighand->action[sig - 1].handler;
		if (caught ? h > 1 : h == 1)
			set |= 1ul << (sig - 1);
	}
	return set;
}

/* Linux's do_task_stat, all 52 fields in order. What faultline does not
 * keep is 0: fault counts, start time, the code and stack addresses; no terminal (tty_nr 0, tpgid -1); nice 0, priority 20;
 * rsslim is RLIMIT_RSS's infinity. */
static void stat_show(struct proc *p, char *buf, size_t size)
{
	struct usage s = usage_of(p);
	struct mm *mm = p->mm;
	snprintf(buf, size,
		 "%d (%s) %c %d %d %d 0 -1 0 0 0 0 0 %lu %lu %lu %lu 20 0 %d 0 0 %lu %lu "
		 "18446744073709551615 0 0 0 0 0 %lu %lu %lu %lu 0 0 0 %d 0 0 0 0 0 0 0 0 %lu %lu "
		 "%lu 0 0 %d\n",
		 p->pid, p->name, state_name(p)[0], p->parent ? p->parent->pid : 0, p->pgid, p->sid,
		 s.utime, s.stime, s.cutime, s.cstime, s.threads, s.vsize, s.rss, p->pending.set, p->sigmask,
		 sig_disposed(p, false), sig_disposed(p, true), p->exit_signal,
		 mm ? mm->brk_start : 0, mm ? mm->arg_start : 0, mm ? mm->arg_end : 0,
		 p->state == P_ZOMBIE ? p->exit_status : 0);
}

/* status's Name: as Linux's proc_task_name escapes it there (and only
 * there: stat shows the name as it is), a newline as \n and a backslash
 * as \\, so one name is one line. */
static void escaped_name(const char *name, char *out)
{
	for (; *name; name++) {
		if (*name == '\n' || *name == '\\')
			*out++ = '\\';
		*out++ = *name == '\n' ? 'n' : *name;
	}
	*out = '\0';
}

/* Linux's /proc/PID/status, the lines faultline can fill, in Linux's
 * order; the Vm lines only while the process has its memory (not a
 * zombie), as Linux. */
static void status_show(struct proc *p, char *buf, size_t size)
{
	struct usage s = usage_of(p);
	const struct idset *u = &p->ids.u, *g = &p->ids.g;
	u32 mask = p->fs ? p->fs->umask : 0; /* printed in octal, as Linux */
	char name[2 * sizeof(p->name)];
	escaped_name(p->name, name);
	size_t n = (size_t)snprintf(
		buf, size,
		"Name:\t%s\nUmask:\t%u%u%u%u\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\n"
		"TracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nFDSize:\t%d\n",
		name, mask >> 9 & 7, mask >> 6 & 7, mask >> 3 & 7, mask & 7, state_name(p), p->tgid, p->pid,
		p->parent ? p->parent->pid : 0, u->real, u->eff, u->saved, u->fs, g->real, g->eff,
		g->saved, g->fs, NOFILE);
	if (p->mm)
		n += (size_t)snprintf(buf + n, size - n,
				      "VmSize:\t%8lu kB\nVmLck:\t%8lu kB\nVmRSS:\t%8lu kB\n",
				      s.vsize / 1024, s.locked / 1024, s.rss * (PAGE_SIZE / 1024));
	snprintf(buf + n, size - n,
		 "Threads:\t%d\nSigPnd:\t%016lx\nSigBlk:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\n"
		 "CapPrm:\t%016lx\nCapEff:\t%016lx\n",
		 s.threads, p->pending.set, p->sigmask, sig_disposed(p, false),
		 sig_disposed(p, true), p->caps_permitted, p->caps);
}

/* The argument strings as execve left them on the stack, NUL-separated
 * (Linux's get_mm_cmdline, without its setproctitle rules); empty once
 * the memory is gone. */
static long cmdline_read(struct proc *p, struct uio *u, u64 *pos)
{
	struct mm *mm = remote_mm(p->pid);
	if (!mm || *pos >= mm->arg_end - mm->arg_start)
		return 0;
	size_t len = mm->arg_end - mm->arg_start - *pos;
	size_t n = remote_rw(p->pid, mm->arg_start + *pos, u, len < u->resid ? len : u->resid,
			     false, true);
	*pos += n;
	return uio_result(u, n);
}

#define TEXT_SIZE 1024 /* stat and status at their widest are under 900 bytes */

/* ESRCH once the process is reaped, as Linux's get_pid_task finding none. */
static long pid_read(struct file *f, struct uio *u, u64 *pos)
{
	struct proc *p = proc_find(f->pid);
	if (!p)
		return -ESRCH;
	if (f->ip->rdev == PROC_PID_CMDLINE)
		return cmdline_read(p, u, pos);
	if (f->ip->rdev == PROC_PID_UACCESS_TRACE)
		return procfs_flag_read(p->uaccess_trace, u, pos);
	char text[TEXT_SIZE];
	if (f->ip->rdev == PROC_PID_STAT)
		stat_show(p, text, sizeof(text));
	else
		status_show(p, text, sizeof(text));
	return uio_read_buf(u, text, strlen(text), pos);
}

/* Only uaccess_trace is written: on or off for every thread of the
 * process; fork and exec keep it. The others are EIO, as Linux's files
 * without a write operation answer root. */
static long pid_write(struct file *f, struct uio *u, UNUSED u64 *pos)
{
	struct proc *p = proc_find(f->pid);
	if (!p)
		return -ESRCH;
	if (f->ip->rdev != PROC_PID_UACCESS_TRACE)
		return -EIO;
	bool on;
	long n = procfs_flag_write(u, &on);
	for_each_proc(t)
		if (n > 0 && t->tgid == p->tgid)
			t->uaccess_trace = on;
	return n;
}

const struct devops procpid_ops = { .read = pid_read, .write = pid_write, .open = procpid_open,
				    .seekable = true, .positional = true };

/* /proc/self/exe: a symlink to the file the reading process runs. */
static const char *self_exe(void)
{
	struct proc *p = myproc();
	return p && p->exe ? p->exe : "";
}

int procpid_init(struct inode *proc)
{
	proc_dir = proc;
	self_dir = ramfs_find(proc, "self", 4);
	int err = self_dir ? 0 : ramfs_create(proc, "self", 4, S_IFDIR | 0555, 0, &self_dir);
	if (!err && !ramfs_find(self_dir, "exe", 3)) {
		err = ramfs_symlink(self_dir, "exe", 3, "");
		if (!err)
			ramfs_find(self_dir, "exe", 3)->target = self_exe;
	}
	return err ? err : make_files(self_dir, true);
}
