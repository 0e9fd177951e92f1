/* kernel/sys_exec.c — execve: everything the new image needs is copied out
 * of the old address space first (path, argv and envp strings, measured with
 * strnlen_user and copied with strncpy_from_user), because loading the new
 * image destroys the old one. Any bad pointer, missing terminator or
 * oversized argument list fails the call before that point, with the caller
 * intact: -EFAULT, -E2BIG, -ENOENT, -EACCES, -ENOEXEC as Linux gives them. */
#include "kernel/exec.h"
#include "kernel/fs/file.h"
#include "kernel/fs/path.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/thread.h"
#include "mm/kheap.h"

#define MAX_ARG_STRLEN (32 * PAGE_SIZE) /* Linux's limit for one string */

struct strv {
	char **v;  /* NULL-terminated */
	int n;
};

static void strv_free(struct strv *s)
{
	for (int i = 0; i < s->n; i++)
		kfree(s->v[i]);
	kfree(s->v);
}

static long count_pointers(const u64 __user *uv)
{
	long n = 0;
	for (u64 ptr = 1; uv; n++) {
		if (get_user(ptr, uv + n))
			return -EFAULT;
		if (!ptr)
			break;
		if (n >= MAX_ARG_STRINGS)
			return -E2BIG;
	}
	return n;
}

/* Copy one string in; *budget is what is left of the argument space, and
 * each string costs its bytes plus its pointer, as Linux counts. */
static int copy_string(const char __user *us, char **out, u64 *budget)
{
	long len = strnlen_user(us, MAX_ARG_STRLEN);
	if (len == 0)
		return -EFAULT;
	if (len > (long)MAX_ARG_STRLEN || (u64)len + 8 > *budget)
		return -E2BIG;
	*budget -= len + 8;
	*out = kmalloc(len);
	if (!*out)
		return -ENOMEM;
	/* The string may have changed since it was measured: copy, then re-check. */
	if (strncpy_from_user(*out, us, len) != len - 1)
		return -EFAULT;
	return 0;
}

/* What execve does to a process's identity, as Linux does it for a file
 * without set-id bits or file capabilities: the saved and filesystem ids
 * become the effective one; root (real or effective uid 0) gets every
 * capability permitted, effective only with effective uid 0; anyone else
 * keeps none. (Signal handlers are reset by signal_exec; SIG_IGN, the mask
 * and pending signals stay.) */
static void exec_creds(struct proc *p)
{
	struct idset *u = &p->ids.u, *g = &p->ids.g;
	u->saved = u->fs = u->eff;
	g->saved = g->fs = g->eff;
	p->caps_permitted = u->real == 0 || u->eff == 0 ? CAP_ALL : 0;
	p->caps = u->eff == 0 ? p->caps_permitted : 0;
	p->execed = true;
}

/* Since Linux 5.18 an empty argv becomes { "" }: programs may assume argv[0]. */
static int empty_argv(struct strv *s)
{
	s->v[0] = kmalloc(1);
	s->n = s->v[0] != NULL;
	return s->n ? 0 : -ENOMEM;
}

static int copy_strings(const u64 __user *uv, struct strv *s, u64 *budget, bool is_argv)
{
	long n = count_pointers(uv);
	if (n < 0)
		return (int)n;
	s->v = kmalloc((n + 2) * sizeof(char *));
	if (!s->v)
		return -ENOMEM;
	if (n == 0 && is_argv)
		return empty_argv(s);
	for (s->n = 0; s->n < n; s->n++) {
		u64 ptr;
		int err = get_user(ptr, uv + s->n) ? -EFAULT
						  : copy_string((const char __user *)ptr, &s->v[s->n], budget);
		if (err) {
			kfree(s->v[s->n]);
			return err;
		}
	}
	return 0;
}

int exec_open(const char *path, struct inode **ip, char **name)
{
	struct inode *start;
	struct nameparts np;
	int links = 0;
	int err = path_start(AT_FDCWD, path, &start);
	if (!err)
		err = path_resolve(start, path, true, &links, &np, ip);
	if (err)
		return err;
	if (!S_ISREG((*ip)->mode) || !((*ip)->mode & 0111))
		return -EACCES;
	*name = kmalloc(PATH_MAX);
	if (!*name)
		return -ENOMEM;
	err = path_name_of(&np, *name, PATH_MAX);
	if (err) {
		kfree(*name);
		return err;
	}
	ramfs_get(*ip); /* copying the arguments may sleep, while others may unlink it */
	return 0;
}

static void set_name(struct proc *p, const char *path)
{
	const char *base = path;
	for (const char *s = path; *s; s++)
		if (*s == '/' && s[1])
			base = s + 1;
	snprintf(p->name, sizeof(p->name), "%s", base);
}

/* Linux's order (since 6.7 the file is opened before anything else): the
 * path (EFAULT), the file (ENOENT, EACCES), then argv and envp (EFAULT,
 * E2BIG), and only then the file's format (ENOEXEC). */
SYSCALL3(execve, const char __user *, upath, const u64 __user *, uargv, const u64 __user *, uenvp)
{
	struct proc *p = myproc();
	struct strv argv = { 0 }, envp = { 0 };
	u64 budget = MAX_ARG_BYTES;
	struct inode *ip;
	char *path, *name;
	int err = path_from_user(upath, &path);
	if (err)
		return err;
	err = exec_open(path, &ip, &name);
	if (err) {
		kfree(path);
		return err;
	}
	err = copy_strings(uargv, &argv, &budget, true);
	if (!err)
		err = copy_strings(uenvp, &envp, &budget, false);
	if (!err)
		err = de_thread(p); /* the other threads end: Linux's point of no return */
	if (!err)
		err = files_unshare(p);
	if (!err) {
		thread_release_user(p); /* the old memory's robust list and clear-child-tid */
		err = exec_file(p, ip, path, (const char *const *)argv.v, (const char *const *)envp.v);
	}
	if (!err) {
		files_close_on_exec(p);
		set_name(p, path);
		proc_set_exe(p, name);
		exec_creds(p);
		signal_exec(p);
		vfork_release(p);
	}
	ramfs_put(ip);
	strv_free(&argv);
	strv_free(&envp);
	kfree(name);
	kfree(path);
	return err;
}
