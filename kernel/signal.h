/* kernel/signal.h — Linux's signal numbers, dispositions and siginfo,
 * sending signals, and delivering them to user handlers. */
#pragma once
#include "arch/trapframe.h"

struct proc;

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGWINCH 28
#define SIGSYS 31
#define SIGRTMIN 32 /* 32..64 are queued, one siginfo per sending */
#define NSIG 64

/* si_code values (include/uapi/asm-generic/siginfo.h). */
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_QUEUE (-1)
#define SI_MESGQ (-3)
#define SI_TKILL (-6)
#define ILL_ILLOPN 2
#define FPE_INTDIV 1
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRALN 1
#define TRAP_TRACE 2
#define BUS_ADRERR 2
#define CLD_EXITED 1 /* si_code of a SIGCHLD report (waitid, SIGCHLD) */
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

/* sa_flags (arch/x86/include/uapi/asm/signal.h). */
#define SA_NOCLDSTOP 0x1
#define SA_NOCLDWAIT 0x2
#define SA_SIGINFO 0x4
#define SA_UNSUPPORTED 0x400
#define SA_EXPOSE_TAGBITS 0x800
#define SA_RESTORER 0x04000000
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000u
#define SIG_DFL 0
#define SIG_IGN 1

static inline u64 sigbit(int sig) { return 1ul << (sig - 1); }
#define UNBLOCKABLE (sigbit(SIGKILL) | sigbit(SIGSTOP))

/* One disposition, the layout rt_sigaction copies in and out. */
struct k_sigaction {
	u64 handler, flags, restorer, mask;
};

/* The dispositions of every signal, shared by the threads of a process
 * (CLONE_SIGHAND) and copied by fork; the last holder frees it. */
struct sighand {
	int refs;
	struct k_sigaction action[NSIG]; /* index sig - 1 */
};

/* siginfo_t as Linux x86-64 lays it out: 128 bytes, the union at 16. */
struct ksiginfo {
	int signo, errno_, code, pad;
	union {
		struct { int pid; u32 uid; u64 value; } kill;   /* SI_USER, SI_TKILL, SI_QUEUE, SI_MESGQ */
		struct { int pid; u32 uid; int status, pad; u64 utime, stime; } chld; /* SIGCHLD */
		struct { u64 addr; } fault;                     /* SIGSEGV, SIGBUS, SIGFPE, SIGILL */
		u8 raw[112];
	};
};

/* A signal waiting for delivery with its siginfo. */
struct sigqueue {
	struct sigqueue *next;
	struct ksiginfo info;
};

/* Pending signals: a thread's own (p->pending), or its process's (the
 * leader's p->shared), Linux's struct sigpending. */
struct sigpending {
	u64 set;              /* bit sig-1 */
	struct sigqueue *q;   /* their siginfo, oldest first */
};

struct sighand *sighand_alloc(void);        /* every signal SIG_DFL; NULL without memory */
void sighand_put(struct sighand *sh);       /* drop one reference */
void signal_exec(struct proc *p);           /* execve: handlers become SIG_DFL (ignored stay) */
/* clone: the dispositions shared (CLONE_SIGHAND) or copied, the mask, the
 * alternate stack unless keep_altstack is false (a thread). */
void signal_fork(struct proc *child, struct proc *parent, bool share, bool keep_altstack);
void signal_release(struct proc *p);        /* a reaped process: its queue and dispositions */

/* Send sig (1..NSIG) to p, as Linux's send_signal: SIGCONT resumes a
 * stopped process whatever its mask; an ignored and unblocked signal is
 * thrown away; a blocked one, or one with a handler, waits with its
 * siginfo (a standard signal once, a real-time one per sending, up to
 * RLIMIT_SIGPENDING); a default action of stop or terminate is taken at
 * once by every thread of the process (woken; each stops or dies on its
 * way back to ring 3). thread true: for thread p alone (faults, tkill,
 * tgkill), in its own set; false: process-directed (kill, SIGCHLD,
 * timers, mq), in its process's set, and the thread to run a handler is
 * p if it does not block sig, else one that does not (Linux's
 * complete_signal). Returns 0, or -EAGAIN when a queued real-time signal
 * from sigqueue finds the limit reached. Zombies take nothing. */
int send_sig_info(struct proc *p, int sig, const struct ksiginfo *info, bool thread);

/* send_sig_info with Linux's SEND_SIG_NOINFO: SI_USER from the current
 * process (or from the kernel, pid 0, when none runs). */
void signal_send(struct proc *p, int sig);

/* After p's mask shrank, or its stop ended: act on the pending signals it
 * no longer blocks. */
void signal_unblocked(struct proc *p);

/* Thread p has exited: its pending signals are dropped; if it was the
 * last of its process (process_done), the process's too, its exit_signal
 * (SIGCHLD unless clone said otherwise) goes to the parent, CLD_EXITED or
 * CLD_KILLED with the leader's exit_status, and the leader is marked
 * autoreap if the parent does not wait for children (SIGCHLD ignored or
 * SA_NOCLDWAIT: Linux's do_notify_parent). */
void signal_exited(struct proc *p, bool process_done);

/* What p may take: its own pending signals and its process's. */
u64 signal_pending_set(const struct proc *p);

/* If a stop signal waits for p (the caller): stop until SIGCONT or SIGKILL,
 * leaving a report for the parent's wait. Called where Linux would act on
 * it: on the way back to ring 3, and in an interruptible sleep (whose
 * caller then sees a spurious wakeup and checks again, which is Linux's
 * restarted call). */
void signal_stop(struct proc *p);

/* Is process group pgid orphaned: no member has a parent outside the group
 * but in its session, init aside (Linux's will_become_orphaned_pgrp)? */
bool pgrp_orphaned(int pgid);

/* Does p throw sig away when it arrives, SIG_IGN or a default action of
 * "ignore" (Linux's sig_handler_ignored)? */
bool signal_ignored(const struct proc *p, int sig);

/* Must p's interruptible sleep end: killed, or an unblocked signal with a
 * handler waits (Linux's signal_pending, as faultline acts on the others
 * when they are sent)? */
bool signal_pending(const struct proc *p);

/* Take the lowest pending signal in set off p's queue into *info: its
 * number, or 0 if none. */
int signal_dequeue(struct proc *p, u64 set, struct ksiginfo *info);

/* On the way back to ring 3 (return_to_user, only when signal_work says
 * there is something to do): finish an interrupted system call (EINTR or
 * a restart) and build a frame for each deliverable signal with a handler. */
void signal_deliver(struct proc *p);

/* A ring-3 exception becomes sig with si_code 'code' and si_addr 'addr'
 * (Linux's force_sig_fault): caught by a handler if p has one and does not
 * block sig; else it kills p at once, and the kernel says why in one line. */
void user_fault(struct trapframe *tf, int sig, int code, u64 addr);

/* A signal that must reach p's default action (a frame that cannot be
 * written, a bad rt_sigreturn frame: Linux's force_sig / force_sigsegv):
 * force_default true resets the disposition first, so it kills. */
void force_sig(struct proc *p, int sig, bool force_default);

/* stack_t, as sigaltstack and uc_stack hold it. */
struct sigstack {
	u64 sp;
	int flags, pad;
	u64 size;
};
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1u << 31)
#define MINSIGSTKSZ 2048

/* kernel/sigstack.c: the alternate signal stack. */
bool on_sig_stack(const struct proc *p, u64 sp);   /* sp inside it (Linux's __on_sig_stack) */
int sigstack_flags(const struct proc *p, u64 sp);  /* SS_DISABLE, SS_ONSTACK or 0 (sas_ss_flags) */
void sigstack_save(struct proc *p, u64 sp, struct sigstack *ss); /* for uc_stack; disarms */
int sigstack_set(struct proc *p, const struct sigstack *ss, u64 sp); /* sigaltstack's change */

/* arch/sigframe.c: the frame for one handler on the user stack, and
 * rt_sigreturn's reading of it. 0, or -EFAULT when it cannot be written. */
int sigframe_setup(struct proc *p, int sig, const struct k_sigaction *ka,
		   const struct ksiginfo *info, u64 oldmask);
