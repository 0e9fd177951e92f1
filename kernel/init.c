/* kernel/init.c — runs /init (or `init=PATH`) as the first process, with the
 * words after `--` on the command line as its arguments, and reports how it
 * ended: `faultline: init exited with status S`, S being its exit code or
 * 128 + the signal that killed it (the shell's convention, which
 * tests/run-program passes on as its own exit status). After init, nothing
 * is left to run: under QEMU the machine exits, on hardware it halts. */
#include "kernel/init.h"
#include "arch/x86.h"
#include "kernel/cmdline.h"
#include "kernel/exec.h"
#include "kernel/file.h"
#include "kernel/ktest.h"
#include "kernel/path.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/kstack.h"

#define MAX_INIT_ARGS 32

/* As Linux does for init: /dev/console as descriptors 0, 1 and 2. */
static void open_console(struct proc *p)
{
	struct inode *con;
	struct file *f;
	if (path_lookup(ramfs_root(), "/dev/console", &con) == 0 && file_open(con, O_RDWR, &f) == 0) {
		p->ofile[0] = f;
		p->ofile[1] = file_dup(f);
		p->ofile[2] = file_dup(f);
	}
}

static int start(const char *path)
{
	struct inode *ip;
	int err = path_lookup(ramfs_root(), path, &ip);
	if (err)
		return err;
	if (!S_ISREG(ip->mode))
		return -EACCES;
	const char *argv[MAX_INIT_ARGS + 2] = { path };
	int argc = 1 + cmdline_init_args(argv + 1, MAX_INIT_ARGS);
	argv[argc] = NULL;
	static const char *const envp[] = { "HOME=/", "TERM=linux", "PATH=/bin:/", NULL };
	struct proc *p = proc_alloc("init");
	if (!p)
		return -ENOMEM;
	open_console(p);
	limits_init(p);
	err = exec_image(p, (const u8 *)ip->data, ip->size, path, argv, envp);
	if (err)
		proc_free(p);
	return err;
}

static int shell_status(int wstatus)
{
	return (wstatus & 0x7f) ? 128 + (wstatus & 0x7f) : (wstatus >> 8) & 0xff;
}

/* Frames that are free, or kept for reuse: by the heap, and as page tables
 * of the kernel-stack area (more processes at once need more of them). */
static size_t frames_back(void)
{
	return frames_free() + kheap_frames() + kstack_table_frames();
}

/* Everything the processes had must be back: frames (counting those kept
 * for reuse as free) and heap bytes. Files left in the ramfs would count
 * as heap: tests clean up after themselves. */
static void leak_check(size_t frames0, size_t heap0)
{
	size_t frames = frames_back(), heap = kheap_in_use();
	if (frames == frames0 && heap == heap0)
		pr_info("faultline: leak check passed: frames and heap back to their baseline\n");
	else
		printk("faultline: leak check FAILED: %ld frames and %ld heap bytes not returned\n",
		       (long)(frames0 - frames), (long)(heap - heap0));
}

void run_init(void)
{
	const char *path = cmdline_get("init");
	if (!path || !*path)
		path = "/init";
	size_t frames0 = frames_back(), heap0 = kheap_in_use();
	int err = start(path);
	if (err) {
		printk("faultline: cannot run %s (error %d); nothing to do\n", path, err);
		for (;;)
			hlt();
	}
	scheduler();
	struct proc *init = proc_find(1);
	int status = init && init->state == P_ZOMBIE ? shell_status(init->exit_status) : -1;
	if (init)
		proc_reap(init); /* reaped by the kernel: nobody else will */
	leak_check(frames0, heap0);
	printk("faultline: init exited with status %d\n", status);
	qemu_exit(true);
}
