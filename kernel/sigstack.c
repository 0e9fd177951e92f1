/* kernel/sigstack.c — the alternate signal stack (sigaltstack), where a
 * handler with SA_ONSTACK runs: the way a program catches the SIGSEGV of
 * its own stack overflow. Per thread, as in Linux; fork copies it, execve
 * drops it (kernel/signal.c). The rules are Linux's kernel/signal.c. */
#include "kernel/signal.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"

bool on_sig_stack(const struct proc *p, u64 sp)
{
	return sp > p->sas_sp && sp - p->sas_sp <= p->sas_size;
}

/* With SS_AUTODISARM the stack is disarmed while a handler uses it, so by
 * construction nobody is "on" it. */
static bool on_armed_stack(const struct proc *p, u64 sp)
{
	return !(p->sas_flags & SS_AUTODISARM) && on_sig_stack(p, sp);
}

int sigstack_flags(const struct proc *p, u64 sp)
{
	if (!p->sas_size)
		return SS_DISABLE;
	return on_armed_stack(p, sp) ? SS_ONSTACK : 0;
}

static void sigstack_get(const struct proc *p, u64 sp, struct sigstack *ss)
{
	*ss = (struct sigstack){ p->sas_sp, sigstack_flags(p, sp) | (int)p->sas_flags, 0, p->sas_size };
}

/* uc_stack holds SS_ONSTACK or SS_DISABLE only, not SS_AUTODISARM
 * (Linux's __save_altstack): rt_sigreturn gives back an armed stack. */
void sigstack_save(struct proc *p, u64 sp, struct sigstack *ss)
{
	*ss = (struct sigstack){ p->sas_sp, sigstack_flags(p, sp), 0, p->sas_size };
	if (p->sas_flags & SS_AUTODISARM) {
		p->sas_sp = p->sas_size = 0;
		p->sas_flags = 0;
	}
}

/* Linux's do_sigaltstack: -EPERM while running on it, -EINVAL for a mode
 * other than 0, SS_ONSTACK or SS_DISABLE (SS_AUTODISARM may be added),
 * -ENOMEM for a size under MINSIGSTKSZ. SS_DISABLE forgets the stack. */
int sigstack_set(struct proc *p, const struct sigstack *ss, u64 sp)
{
	u32 flags = (u32)ss->flags, mode = flags & ~SS_AUTODISARM;
	u64 base = ss->sp, size = ss->size;
	if (on_armed_stack(p, sp))
		return -EPERM;
	if (mode != 0 && mode != SS_ONSTACK && mode != SS_DISABLE)
		return -EINVAL;
	if (mode == SS_DISABLE)
		base = size = 0;
	else if (size < MINSIGSTKSZ)
		return -ENOMEM;
	p->sas_sp = base;
	p->sas_size = size;
	p->sas_flags = flags & SS_AUTODISARM;
	return 0;
}

/* sigaltstack(ss, old_ss): the old one is taken before the change and
 * written after it (a bad old_ss pointer is -EFAULT, the change made). */
SYSCALL2(sigaltstack, const struct sigstack __user *, uss, struct sigstack __user *, uoss)
{
	struct proc *p = myproc();
	struct sigstack ss, old;
	u64 sp = p->tf->rsp;
	if (uss && copy_from_user(&ss, uss, sizeof(ss)))
		return -EFAULT;
	sigstack_get(p, sp, &old);
	int err = uss ? sigstack_set(p, &ss, sp) : 0;
	if (!err && uoss && copy_to_user(uoss, &old, sizeof(old)))
		err = -EFAULT;
	return err;
}
