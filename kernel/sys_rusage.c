/* kernel/sys_rusage.c — getrusage and times (Linux x86-64 98 and 100):
 * what a process and the children it waited for have used, in Linux's
 * layouts. The times come from kernel/cputime.c: a process's are every
 * thread's, live or ended; its children's are those wait collected. */
#include "kernel/cputime.h"
#include "kernel/syscall.h"
#include "kernel/time.h"
#include "mm/reclaim.h"

#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD 1

/* Linux's struct rusage: 144 bytes. */
struct rusage {
	struct timeval ru_utime, ru_stime;
	i64 ru_maxrss;   /* KiB */
	i64 ru_ixrss, ru_idrss, ru_isrss; /* unused by Linux: 0 */
	i64 ru_minflt, ru_majflt, ru_nswap, ru_inblock, ru_oublock;
	i64 ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw;
};

/* getrusage(who, usage): RUSAGE_SELF (the whole process), RUSAGE_THREAD
 * (the caller), RUSAGE_CHILDREN (the children it waited for, and theirs);
 * else EINVAL; EFAULT for a bad pointer. ru_maxrss is the caller's
 * resident size now (faultline keeps no high-water mark, so it is a lower
 * bound of Linux's peak), 0 for the children. Of the other fields Linux
 * fills — minflt, majflt, inblock, oublock, nvcsw, nivcsw — faultline
 * counts none: 0 (the rest are 0 on Linux too). */
SYSCALL2(getrusage, int, who, struct rusage __user *, usage)
{
	struct proc *p = myproc();
	struct cputimes t;
	if (who == RUSAGE_SELF)
		t = cputime_group(p);
	else if (who == RUSAGE_THREAD)
		t = cputime_thread(p);
	else if (who == RUSAGE_CHILDREN)
		t = cputime_children(p);
	else
		return -EINVAL;
	struct rusage ru = { .ru_utime = ns_to_timeval(t.user), .ru_stime = ns_to_timeval(t.sys) };
	if (who != RUSAGE_CHILDREN)
		ru.ru_maxrss = (i64)(mm_resident_pages(p->mm) * (PAGE_SIZE / 1024));
	return copy_out(usage, &ru, sizeof(ru));
}

struct tms {
	i64 tms_utime, tms_stime, tms_cutime, tms_cstime; /* clock ticks */
};

/* times(buf): the process's and its waited-for children's CPU time in
 * clock ticks (USER_HZ); buf may be NULL. Returns clock ticks since boot:
 * Linux's count starts 5 minutes before wrapping 32 bits of jiffies
 * (INITIAL_JIFFIES), an offset that depends on CONFIG_HZ, so only the
 * difference of two returns means anything on either kernel. EFAULT for a
 * bad buf. */
SYSCALL1(times, struct tms __user *, buf)
{
	struct proc *p = myproc();
	struct cputimes t = cputime_group(p), c = cputime_children(p);
	struct tms tm = { (i64)ns_to_clock_ticks(t.user), (i64)ns_to_clock_ticks(t.sys),
			  (i64)ns_to_clock_ticks(c.user), (i64)ns_to_clock_ticks(c.sys) };
	if (buf && copy_out(buf, &tm, sizeof(tm)))
		return -EFAULT;
	return (long)ns_to_clock_ticks(time_uptime_ns());
}
