/* kernel/proc.h — a process: an address space, a kernel stack, open files,
 * and the registers it left in the kernel when it last entered. The address
 * space, the descriptor table and the working directory are separate,
 * reference-counted objects, so that clone can share them (CLONE_VM,
 * CLONE_FILES, CLONE_FS). */
#pragma once
#include "arch/percpu.h"
#include "arch/trapframe.h"
#include "kernel/itimer.h"
#include "kernel/signal.h"
#include "kernel/types.h"
#include "mm/vma.h"

#define NOFILE 64 /* open files per process */

struct file;
struct sighand;
struct sigqueue;
struct inode;

/* A descriptor table, shared by the processes cloned with CLONE_FILES. */
struct files {
	int refs;
	struct file *ofile[NOFILE];   /* open files, indexed by descriptor */
	u64 cloexec;                  /* bit fd set: close ofile[fd] on execve (O_CLOEXEC) */
};

/* Where relative paths start and what new files lose: shared with CLONE_FS. */
struct fs_struct {
	int refs;
	struct inode *cwd;            /* working directory, held (ramfs_get); NULL: the root */
	u32 umask;                    /* umask(2): mode bits new files and directories lose */
};

#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE 12
#define RLIM_NLIMITS 16
#define RLIM_INFINITY (~0ul)
#define CAP_DAC_OVERRIDE 1
#define CAP_DAC_READ_SEARCH 2
#define CAP_FOWNER 3
#define CAP_SETGID 6
#define CAP_SETUID 7
#define CAP_LINUX_IMMUTABLE 9
#define CAP_IPC_LOCK 14
#define CAP_SYS_PTRACE 19
#define CAP_SYS_ADMIN 21
#define CAP_SYS_RESOURCE 24
#define CAP_MKNOD 27
#define CAP_MAC_OVERRIDE 32
#define CAP_ALL ((1ul << 41) - 1) /* CAP_CHOWN .. CAP_CHECKPOINT_RESTORE */

struct rlim {
	u64 cur, max;
};

enum procstate { P_RUNNABLE, P_RUNNING, P_SLEEPING, P_ZOMBIE };

/* A process's user ids, or its group ids (kernel/sys_ids.c): real,
 * effective, saved set-, and filesystem id, as Linux keeps them. */
struct idset {
	u32 real, eff, saved, fs;
};

struct ids {
	struct idset u, g;
};

/* Why a return to ring 3 cannot take the system call fast path
 * (arch/syscall_entry.asm) but must go through exit_work() (kernel/exit_work.c):
 * Linux's TIF_ work flags. Whoever changes the state sets the bit, on the
 * thread it concerns; exit_work() does the work and then sets each bit
 * afresh from the state itself, so a bit set too often costs only time.
 * A bit NOT set is a lost signal: every writer of the state is listed in
 * docs/signals.md, and the SANITIZE build checks at each interrupt from
 * ring 3 that no state needing work hides behind a clear word. */
enum {
	WORK_SIGNAL = 1 << 0,    /* signals, mask, kill or stop changed: signal_work() may be true */
	WORK_CPU_TIMER = 1 << 1, /* a CPU-time itimer of the process is armed: charge it */
	WORK_FRAME = 1 << 2,     /* the trapframe was rewritten (execve, rt_sigreturn): SYSRET
	                            may not be able to restore it (sysret_safe) */
	WORK_ALL = WORK_SIGNAL | WORK_CPU_TIMER | WORK_FRAME,
};

/* CPU time in ring 3 (user) and in the kernel (sys): TSC cycles in struct
 * proc, nanoseconds where kernel/cputime.c hands it out. */
struct cputimes {
	u64 user, sys;
};

/* One struct proc per thread: Linux's task. The threads of a process (a
 * thread group, made by clone with CLONE_THREAD) share its tgid, the pid of
 * the first one, its leader (kernel/thread.c). */
struct proc {
	int pid;                      /* the thread id (gettid) */
	int tgid;                     /* the process id (getpid): the leader's pid */
	struct proc *leader;          /* the thread group's first thread: itself for a leader */
	bool group_exit;              /* leader: exit_group, a fatal signal or exec ends every thread */
	int exit_signal;              /* leader: what its end sends the parent (clone's CSIGNAL byte:
	                                 SIGCHLD, another signal, or none); not SIGCHLD: wait4 needs
	                                 __WCLONE */
	bool autoreap;                /* leader: reaped at its end, nobody waits (SIGCHLD ignored) */
	int pgid, sid;                /* process group and session (kernel/sys_pgrp.c) */
	bool no_ctty;                 /* left its session's terminal (TIOCNOTTY, not the leader) */
	struct proc *next;            /* every process, in pid order (for_each_proc) */
	char name[16];
	enum procstate state;
	struct mm *mm;                /* user address space (mm_get'd), NULL once released */
	u64 kstack;                   /* top of the kernel stack (guard page below) */
	struct trapframe *tf;         /* user registers, at the top of kstack */
	u64 ksp;                      /* saved kernel RSP while switched out */
	u64 fs_base;                  /* arch_prctl(ARCH_SET_FS): musl's thread pointer */
	u64 gs_base;                  /* arch_prctl(ARCH_SET_GS); live in MSR_KERNEL_GS_BASE */
	u64 clear_child_tid;          /* set_tid_address, CLONE_CHILD_CLEARTID: 0 and wake at exit */
	u64 set_child_tid;            /* CLONE_CHILD_SETTID: store the tid before entering ring 3 */
	u64 robust_list;              /* set_robust_list: the user's list head (kernel/futex.c) */
	struct proc *parent;          /* the parent process's leader */
	struct proc *vfork_parent;    /* CLONE_VFORK: waits until this process execs or exits */
	const void *chan;             /* P_SLEEPING: what it waits for (kernel/wait.h) */
	u64 wake_tick;                /* P_SLEEPING with a timeout: when to wake anyway */
	int killed;                   /* a fatal signal is pending: die at the next chance */
	struct sighand *sighand;      /* signal dispositions, refcounted (kernel/signal.h) */
	u64 sigmask;                  /* bit sig-1: blocked (rt_sigprocmask) */
	struct sigpending pending;    /* this thread's signals: blocked, or waiting for a handler */
	struct sigpending shared;     /* leader: the process's (kill, timers, SIGCHLD; kernel/signal.c) */
	u64 saved_sigmask;            /* rt_sigsuspend: the mask to go back to after the handler */
	bool restore_sigmask;         /* saved_sigmask is set */
	u64 sigwaiting;               /* rt_sigtimedwait: these wake it although blocked */
	long syscall_nr;              /* RAX of the system call in progress (restarts), -1 outside */
	u32 work;                     /* WORK_* bits: what the way back to ring 3 must look at */
	u64 sas_sp, sas_size;         /* sigaltstack: the alternate signal stack, size 0 if none */
	u32 sas_flags;                /* SS_AUTODISARM, or 0 */
	u64 trap_nr, trap_error, trap_cr2; /* the last ring-3 exception: the sigcontext reports it */
	int stop_pending;             /* a stop signal to act on at the next chance, or 0 */
	int stopped;                  /* the stop signal it is stopped by (job control), or 0 */
	int report_code, report_status; /* a stop or continue the parent has not waited for */
	bool execed;                  /* has called execve since fork: setpgid says EACCES */
	bool uaccess_trace;           /* print its fixups (/proc/PID/uaccess_trace); fork and exec keep it */
	struct files *files;          /* descriptor table (kernel/fs/fd.c), held */
	struct fs_struct *fs;         /* working directory and umask (kernel/fs/fd.c), held */
	char *exe;                    /* what /proc/self/exe names: the file execve ran (kmalloc) */
	int exit_status;              /* wait(2) encoding: code << 8, or the signal; a leader's
	                                 is the group's after group_exit */
	struct rlim rlim[RLIM_NLIMITS]; /* getrlimit/setrlimit; which are enforced: sys_limits.c */
	u64 caps;                     /* effective capabilities (kernel/sys_limits.c) */
	u64 caps_permitted;           /* the most caps may become again (capset, setuid to 0) */
	struct ids ids;
	u64 utime_cyc, stime_cyc;     /* CPU time used in ring 3 and in the kernel, in TSC cycles
	                                 (kernel/cputime.h) */
	u64 cpu_stamp;                /* the TSC when it was last charged */
	struct cputimes exited_cyc;   /* leader: its process's threads that ended (Linux's signal->utime) */
	struct cputimes children_cyc; /* leader: its waited-for children's (Linux's cutime, cstime) */
	struct itimer itimers[NITIMERS]; /* setitimer, alarm (kernel/itimer.c); not inherited by fork */
	u8 fxstate[512] __attribute__((aligned(16))); /* x87/SSE registers (FXSAVE image) */
};

/* The process running on this CPU, NULL in kernel threads. Inline: every
 * system call asks several times, and a call costs more than the load. */
static inline struct proc *myproc(void)
{
	return percpu.proc;
}
struct proc *proc_first(void);     /* the oldest process (init while it lives), or NULL */
struct proc *proc_find(int pid);   /* a process or zombie with this pid, or NULL */
struct proc *proc_from(int pid);   /* the first one with a pid >= pid, or NULL */
#define for_each_proc(p) for (struct proc *p = proc_first(); p; p = p->next)
void limits_init(struct proc *p); /* a new init: Linux's default limits, every capability */
static inline bool capable(const struct proc *p, int cap) { return p->caps & (1ul << cap); }
