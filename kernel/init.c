/* kernel/init.c — runs /init (or `init=PATH`) as the first process, with the
 * words after `--` on the command line as its arguments, and reports how it
 * ended: `faultline: init exited with status S`, S being its exit code or
 * 128 + the signal that killed it (the shell's convention, which
 * tests/run-program passes on as its own exit status). An init that cannot
 * be started at all ends the boot the same way, with a shell's status for
 * it. After init, nothing is left to run: under QEMU the machine exits, on
 * hardware it halts. */
#include "kernel/init.h"
#include "arch/x86.h"
#include "kernel/accounting.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/exec.h"
#include "kernel/failinject.h"
#include "kernel/fs/file.h"
#include "kernel/ktest.h"
#include "kernel/fs/path.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "mm/kheap.h"
#include "mm/wxcheck.h"

#define MAX_INIT_ARGS 32

/* As Linux does for init: /dev/console as descriptors 0, 1 and 2. */
static void open_console(struct proc *p)
{
	struct inode *con;
	struct file *f;
	if (path_lookup(ramfs_root(), "/dev/console", &con) == 0 && file_open(con, O_RDWR, &f) == 0) {
		p->files->ofile[0] = f;
		p->files->ofile[1] = file_dup(f);
		p->files->ofile[2] = file_dup(f);
	}
}

static int start(const char *path)
{
	struct inode *ip;
	char *name;
	int err = exec_open(path, &ip, &name);
	if (err)
		return err;
	const char *argv[MAX_INIT_ARGS + 2] = { path };
	int argc = 1 + cmdline_init_args(argv + 1, MAX_INIT_ARGS);
	argv[argc] = NULL;
	static const char *const envp[] = { "HOME=/", "TERM=linux", "PATH=/bin:/", NULL };
	struct proc *p = proc_alloc("init");
	err = p ? 0 : -ENOMEM;
	if (p) {
		open_console(p);
		limits_init(p);
		proc_set_exe(p, name);
		err = exec_file(p, ip, path, argv, envp);
		if (err)
			proc_free(p);
	}
	ramfs_put(ip);
	kfree(name);
	return err;
}

static int shell_status(int wstatus)
{
	return (wstatus & 0x7f) ? 128 + (wstatus & 0x7f) : (wstatus >> 8) & 0xff;
}

struct baseline {
	struct acct_counter c[NCOUNTERS];
	u64 ino;
};

static void baseline(struct baseline *b)
{
	acct_counters(b->c);
	b->ino = ramfs_next_ino();
}

/* Everything the processes had must be back: every counter of the
 * accounting (frames, counting those kept for reuse as free, heap bytes,
 * swap slots, page tables, files, pipes, VMAs ...), each named if it is
 * not. Files the programs left in the ramfs, and message queues they left
 * named, are not leaks of the kernel's: acct_mem names them, one line each,
 * and what they take is left out of the figures (kernel/accounting.c). */
static void leak_check(const struct baseline *b)
{
	(void)acct_mem(b->ino); /* prints a line for each leftover file and queue */
	struct acct_counter now[NCOUNTERS];
	acct_counters(now);
#ifdef CONFIG_WX_USER
	pr_info("wx: %lu user address spaces audited as they went, none broke a rule\n",
		wx_user_audits);
#endif
	bool clean = true;
	for (int i = 0; i < NCOUNTERS; i++) {
		if (now[i].value == b->c[i].value)
			continue;
		printk("faultline: leak check FAILED: %s %ld before init, %ld after\n", now[i].name,
		       b->c[i].value, now[i].value);
		clean = false;
	}
	if (clean)
		pr_info("faultline: leak check passed: every counter back to its baseline\n");
}

/* init could not be started: say why as a shell would (bash's 127 for a
 * file, or a dynamically linked program's loader, that is not there, 126
 * for one that cannot be run) and end the boot with that status, instead
 * of leaving a machine that waits for nothing. */
static void cannot_run(const char *path, int err)
{
	const char *why = err == -ENOENT  ? "no such file, or a dynamically linked program whose loader "
					    "is missing: build it with musl-gcc -static"
			  : err == -ENOEXEC ? "not a static x86-64 ELF program (build it with musl-gcc -static)"
			  : err == -EACCES  ? "not executable"
					    : "exec failed";
	printk("faultline: cannot run %s: error %d: %s\n", path, err, why);
	printk("faultline: init exited with status %d\n", err == -ENOENT ? 127 : 126);
	qemu_exit(false);
}

/* After init: every process is a zombie (init's end killed the rest, and
 * nothing is left to run); the kernel reaps them all, init among them, so
 * the leak check sees what the kernel itself kept. A process in any other
 * state is left, and the leak check counts it. */
static void reap_all(void)
{
	for (struct proc *p = proc_first(), *next; p; p = next) {
		next = p->next;
		if (p->state == P_ZOMBIE)
			proc_reap(p);
	}
}

void run_init(void)
{
	const char *path = cmdline_get("init");
	if (!path || !*path)
		path = "/init";
	struct baseline b;
	baseline(&b);
	int err = start(path);
	if (err)
		cannot_run(path, err);
	failinject_start(proc_find(1)); /* init runs: from here on every allocation may fail */
	boot_tsc_first_user = rdtsc(); /* init is the only process: the scheduler runs it next */
	scheduler();
	struct proc *init = proc_find(1);
	int status = init && init->state == P_ZOMBIE ? shell_status(init->exit_status) : -1;
	reap_all(); /* init and what it left: nobody else will */
	failinject_report();
	leak_check(&b);
	printk("faultline: init exited with status %d\n", status);
	qemu_exit(true);
}
