/* kernel/sys_info.c — syscalls that only report: uname, getrandom, sysinfo, getcpu. Each builds its answer in kernel memory
 * and hands it over with one copy_to_user, so a bad pointer costs -EFAULT
 * and nothing else. */
#include "kernel/random.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "kernel/time.h"
#include "mm/frame.h"
#include "mm/shmem.h"
#include "mm/swap.h"

#define GRND_NONBLOCK 1
#define GRND_RANDOM 2
#define GRND_INSECURE 4

struct utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

struct sysinfo {
	i64 uptime;
	u64 loads[3];
	u64 totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	u16 procs, pad;
	u32 pad2;
	u64 totalhigh, freehigh;
	u32 mem_unit;
	char reserved[4];
};

/* faultline answers as the Linux ABI it implements, so that programs (and
 * libcs) which gate features on sysname and release run: the release names
 * the Linux version whose system calls faultline follows, the version
 * string says which kernel this really is. */
SYSCALL1(uname, struct utsname __user *, buf)
{
	struct utsname u = { "Linux", "faultline", "6.1.0-faultline", "#1 faultline", "x86_64",
			     "(none)" };
	return copy_out(buf, &u, sizeof(u));
}

/* Like Linux: bytes delivered before a fault count; a fault before any
 * byte is -EFAULT. */
SYSCALL3(getrandom, u8 __user *, buf, u64, len, u32, flags)
{
	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE) ||
	    (flags & GRND_RANDOM && flags & GRND_INSECURE))
		return -EINVAL;
	len = MIN(len, 0x7ffff000ul); /* Linux caps first (MAX_RW_COUNT), then checks the range */
	if (!access_ok(buf, len))
		return -EFAULT;
	u64 done = 0;
	while (done < len) {
		u8 chunk[256];
		u64 n = MIN(len - done, sizeof(chunk));
		random_bytes(chunk, n);
		u64 left = copy_to_user(buf + done, chunk, n);
		done += n - left;
		if (left)
			return done ? (long)done : -EFAULT;
	}
	return (long)done;
}

/* Linux's load averages: every 5 s, load = load * e + active * (1 - e) in
 * 11-bit fixed point, for the 1, 5 and 15 minute decays e. Folded in
 * lazily, when someone asks, with the number of processes running or
 * runnable now standing for every 5 s since the last fold. */
#define FSHIFT 11
#define FIXED_1 (1ul << FSHIFT)
#define LOAD_FREQ_NS 5000000000ul
static const u64 load_exp[3] = { 1884, 2014, 2037 };
static u64 avenrun[3], load_folded_ns;

static void fold_loads(void)
{
	u64 active = 0, now = time_uptime_ns();
	for_each_proc(p)
		active += p->state == P_RUNNABLE || p->state == P_RUNNING;
	for (; load_folded_ns + LOAD_FREQ_NS <= now; load_folded_ns += LOAD_FREQ_NS)
		for (int i = 0; i < 3; i++)
			avenrun[i] = (avenrun[i] * load_exp[i] + active * FIXED_1 * (FIXED_1 - load_exp[i])) >> FSHIFT;
}

/* Linux's sharedram is its shmem: here the resident frames every shmem
 * object holds (shared anonymous memory and ramfs files, tmpfs's pages on
 * Linux), each counted once however many processes map it. */
static u64 shared_bytes(void)
{
	return shmem_pages_total() * PAGE_SIZE;
}

/* Sizes in bytes (mem_unit 1); procs counts processes, as Linux's
 * nr_threads; loads are 16-bit fixed point (65536 = one runnable task). */
SYSCALL1(sysinfo, struct sysinfo __user *, info)
{
	struct swap_stats sw;
	swap_stats(&sw);
	fold_loads();
	struct sysinfo si = {
		.uptime = (i64)(time_uptime_ns() / 1000000000),
		.loads = { avenrun[0] << (16 - FSHIFT), avenrun[1] << (16 - FSHIFT), avenrun[2] << (16 - FSHIFT) },
		.totalram = frames_usable() * PAGE_SIZE,
		.freeram = frames_free() * PAGE_SIZE,
		.sharedram = shared_bytes(),
		.totalswap = sw.total_pages * PAGE_SIZE,
		.freeswap = sw.free_pages * PAGE_SIZE,
		.procs = (u16)nprocs, /* Linux's nr_threads, zombies included */
		.mem_unit = 1,
	};
	return copy_out(info, &si, sizeof(si));
}

/* getcpu(cpu, node, cache): the CPU and NUMA node the caller runs on,
 * each stored where its pointer is not NULL; 0 or -EFAULT. faultline has
 * one of each, numbered 0 (the vDSO's __vdso_getcpu says the same). The
 * cache is unused, as in Linux since 2.6.24. */
SYSCALL3(getcpu, u32 __user *, cpu, u32 __user *, node, void __user *, cache)
{
	static const u32 zero;
	(void)cache;
	if (cpu && copy_out(cpu, &zero, sizeof(zero)))
		return -EFAULT;
	return node ? copy_out(node, &zero, sizeof(zero)) : 0;
}
