/* kernel/proc.h — a process: an address space, a kernel stack, open files,
 * and the registers it left in the kernel when it last entered. */
#pragma once
#include "arch/trapframe.h"
#include "kernel/types.h"
#include "mm/vma.h"

#define NPROC 64
#define NOFILE 64 /* open files per process */

struct file;

#define RLIMIT_STACK 3
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIM_NLIMITS 16
#define RLIM_INFINITY (~0ul)
#define CAP_IPC_LOCK 14
#define CAP_ALL ((1ul << 41) - 1) /* CAP_CHOWN .. CAP_CHECKPOINT_RESTORE */

struct rlim {
	u64 cur, max;
};

enum procstate { P_UNUSED, P_RUNNABLE, P_RUNNING, P_SLEEPING, P_ZOMBIE };

struct proc {
	int pid;
	char name[16];
	enum procstate state;
	struct mm mm;                 /* user address space: page tables and VMAs */
	u64 kstack;                   /* top of the kernel stack (guard page below) */
	struct trapframe *tf;         /* user registers, at the top of kstack */
	u64 ksp;                      /* saved kernel RSP while switched out */
	u64 fs_base;                  /* arch_prctl(ARCH_SET_FS): musl's thread pointer */
	u64 gs_base;                  /* arch_prctl(ARCH_SET_GS); live in MSR_KERNEL_GS_BASE */
	u64 clear_child_tid;          /* set_tid_address */
	struct proc *parent;
	struct proc *vfork_parent;    /* CLONE_VFORK: waits until this process execs or exits */
	const void *chan;             /* P_SLEEPING: what it waits for (kernel/wait.h) */
	u64 wake_tick;                /* P_SLEEPING with a timeout: when to wake anyway */
	int killed;                   /* a fatal signal is pending: die at the next chance */
	u64 ignored;                  /* bit sig-1: SIG_IGN set with rt_sigaction */
	u64 sigmask;                  /* rt_sigprocmask: recorded for musl, not yet enforced */
	struct file *ofile[NOFILE];   /* open files, indexed by descriptor */
	u64 cloexec;                  /* bit fd set: close ofile[fd] on execve (O_CLOEXEC) */
	char cwd[256];
	int exit_status;              /* wait(2) encoding: code << 8, or the signal */
	struct rlim rlim[RLIM_NLIMITS]; /* getrlimit/setrlimit; RLIMIT_MEMLOCK is enforced */
	u64 caps;                     /* effective capabilities (kernel/sys_limits.c) */
	u64 utime_ns, stime_ns;       /* CPU time used in ring 3 and in the kernel (kernel/cputime.c) */
	u64 cpu_stamp;                /* when it was last charged */
	u8 fxstate[512] __attribute__((aligned(16))); /* x87/SSE registers (FXSAVE image) */
};

struct proc *myproc(void); /* the process running on this CPU, NULL in kernel threads */
void limits_init(struct proc *p); /* a new init: Linux's default limits, every capability */
static inline bool capable(const struct proc *p, int cap) { return p->caps & (1ul << cap); }
