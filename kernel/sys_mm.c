/* kernel/sys_mm.c — brk, mmap, munmap, mprotect, madvise, mincore and the
 * mlock family: Linux's argument rules and errors in front of the VMA
 * operations of mm/vma.c. Anonymous memory, private and shared (also through
 * /dev/zero), ramfs files, shared (their page-cache pages) or private
 * (those pages until a write copies one), and device memory (/dev/fb0,
 * through its driver and mm/pfnmap.c); nothing is allocated until it is
 * touched, unless it is locked.
 *
 * Every call that takes a range follows one of Linux's two rules for a
 * range with holes (docs/memory.md has the table), both in each_part(). */
#include "kernel/fs/dev.h"
#include "kernel/proc.h"
#include "kernel/fs/file.h"
#include "kernel/fs/ramfs.h"
#include "kernel/syscall.h"
#include "mm/fault.h"
#include "mm/pte.h"
#include "mm/reclaim.h"
#include "mm/shmem.h"
#include "mm/swap.h"

#define PROT_ALL (PROT_READ | PROT_WRITE | PROT_EXEC)
#define PROT_SEM 0x8 /* accepted by mprotect, meaningless on x86 */
#define PROT_GROWSDOWN 0x01000000
#define PROT_GROWSUP 0x02000000
#define MAP_LOCKED 0x2000
#define MAP_TYPE 0x0f            /* the low four bits: SHARED, PRIVATE or SHARED_VALIDATE */
#define MAP_SHARED_VALIDATE 0x03 /* a shared file mapping (faultline checks no extra flags) */
#define MADV_NORMAL 0
#define MADV_RANDOM 1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED 3
#define MADV_DONTNEED 4
#define MADV_DONTFORK 10
#define MADV_DOFORK 11
#define MADV_PAGEOUT 21
#define MLOCK_ONFAULT 1
#define I64_MAX 0x7ffffffffffffffful

static struct mm *mymm(void) { return myproc()->mm; }

/* ---- ranges ---------------------------------------------------------------- */

/* Linux's two rules for a range [start, end) that has holes:
 *   UP_TO_HOLE  (mlock, munlock, mprotect, mincore): act on the mapped run
 *               from start, then -ENOMEM at the first hole;
 *   EVERY_PART  (madvise): act on every mapped part, then -ENOMEM.
 * fn(v, s, e, arg) acts on [s, e) inside v and may split v; an error from
 * it ends the walk at once. 0, fn's error or -ENOMEM. */
enum hole_rule { UP_TO_HOLE, EVERY_PART };
typedef long (*part_fn)(struct vma *v, u64 s, u64 e, void *arg);

static long each_part(struct mm *mm, u64 start, u64 end, enum hole_rule rule, part_fn fn, void *arg)
{
	long hole = 0;
	for (u64 at = start; at < end;) {
		struct vma *v = vma_from(mm, at);
		if (!v || v->start >= end)
			return -ENOMEM;
		if (v->start > at) {
			if (rule == UP_TO_HOLE)
				return -ENOMEM;
			hole = -ENOMEM;
			at = v->start;
		}
		u64 e = MIN(v->end, end);
		long err = fn(v, at, e, arg);
		if (err)
			return err;
		at = e;
	}
	return hole;
}

/* Pages of the VMAs that `which` picks, counted within [s, e). */
static u64 count_pages(struct mm *mm, u64 s, u64 e, bool (*which)(const struct vma *))
{
	u64 n = 0;
	for (struct vma *v = mm->vmas; v; v = v->next)
		if (which(v) && MIN(v->end, e) > MAX(v->start, s))
			n += (MIN(v->end, e) - MAX(v->start, s)) / PAGE_SIZE;
	return n;
}

static bool any(const struct vma *v) { return v != NULL; }
static bool is_locked(const struct vma *v) { return v->locked; }

/* Linux's data mapping (VM_WRITE, not VM_SHARED, not VM_STACK): what
 * RLIMIT_DATA bounds. */
static bool is_data(const struct vma *v)
{
	return (v->prot & PROT_WRITE) && !v->shared && v->kind != VMA_STACK;
}

/* Linux's may_expand_vm: may the address space grow by npages of areas
 * like v? RLIMIT_AS bounds all of them, RLIMIT_DATA the data mappings
 * (a soft limit of 0 under a higher hard limit lets data through, as
 * Linux does for programs that set it to 0 by mistake). */
static bool may_expand(struct mm *mm, const struct vma *v, u64 npages)
{
	const struct rlim *r = myproc()->rlim;
	if (r[RLIMIT_AS].cur == RLIM_INFINITY && (!is_data(v) || r[RLIMIT_DATA].cur == RLIM_INFINITY))
		return true; /* the usual case: nothing to count */
	if (count_pages(mm, 0, TASK_SIZE_MAX, any) + npages > r[RLIMIT_AS].cur / PAGE_SIZE)
		return false;
	if (!is_data(v))
		return true;
	u64 data = count_pages(mm, 0, TASK_SIZE_MAX, is_data) + npages;
	return data <= r[RLIMIT_DATA].cur / PAGE_SIZE ||
	       (r[RLIMIT_DATA].cur == 0 && data <= r[RLIMIT_DATA].max / PAGE_SIZE);
}

/* ---- locking: the rules shared by mlock, mmap and brk ---------------------- */

/* RLIMIT_MEMLOCK, as Linux applies it: a limit of 0 forbids locking (EPERM)
 * and more than the limit is refused, unless the process has CAP_IPC_LOCK,
 * which root starts with. */
static bool may_lock(void)
{
	return myproc()->rlim[RLIMIT_MEMLOCK].cur || capable(myproc(), CAP_IPC_LOCK);
}

static bool within_limit(u64 pages)
{
	return pages * PAGE_SIZE <= myproc()->rlim[RLIMIT_MEMLOCK].cur || capable(myproc(), CAP_IPC_LOCK);
}

/* Linux's mlock_future_ok: may npages more be born locked (MAP_LOCKED, or
 * any new area under mlockall(MCL_FUTURE))? */
static bool may_lock_more(struct mm *mm, bool locked, u64 npages)
{
	return !locked || capable(myproc(), CAP_IPC_LOCK) ||
	       within_limit(count_pages(mm, 0, TASK_SIZE_MAX, is_locked) + npages);
}

/* Fault in [s, e) of v, as Linux's __mm_populate: PROT_NONE and pages that
 * cannot be brought in (past the end of a file) fail the part; with
 * *ignore_errors the caller goes on with the next one (mlockall, mmap).
 * Device memory is skipped, as Linux skips VM_IO | VM_PFNMAP areas. */
static long populate_part(struct vma *v, u64 s, u64 e, void *ignore_errors)
{
	if (!vma_lockable(v))
		return 0;
	for (u64 va = s; va < e; va += PAGE_SIZE)
		if (!(v->prot & PROT_ALL) || fault_in(myproc(), va, v->prot & PROT_WRITE))
			return *(bool *)ignore_errors ? 0 : -ENOMEM;
	return 0;
}

/* Bring in what a new locked area holds, ignoring what cannot come in
 * (Linux populates after mmap and brk, and does not fail them for it). */
static void populate_new(struct mm *mm, u64 start, u64 end, bool onfault)
{
	if (!onfault)
		each_part(mm, start, end, EVERY_PART, populate_part, &(bool){ true });
}

/* ---- brk and mmap ------------------------------------------------------------ */

static const struct vma heap_proto = { .prot = PROT_READ | PROT_WRITE, .kind = VMA_HEAP };

/* Returns the new break, or the old one when the request cannot be met
 * (that, not an errno, is how Linux's brk reports failure). Linux's rules:
 * the heap counts against RLIMIT_DATA (faultline leaves the ELF data
 * segment out of the first check; the second, may_expand, counts it), and
 * must end at least a page below the next mapping. */
SYSCALL1(brk, u64, addr)
{
	struct mm *mm = mymm();
	if (addr < mm->brk_start || addr >= TASK_SIZE_MAX ||
	    addr - mm->brk_start > myproc()->rlim[RLIMIT_DATA].cur)
		return mm->brk;
	u64 old_end = ALIGN_UP(mm->brk, PAGE_SIZE), new_end = ALIGN_UP(addr, PAGE_SIZE);
	u64 npages = (new_end - old_end) / PAGE_SIZE;
	if (new_end > old_end) {
		struct vma *next = vma_from(mm, old_end);
		if ((next && new_end + PAGE_SIZE > next->start) || !may_expand(mm, &heap_proto, npages) ||
		    !may_lock_more(mm, mm->lock_future, npages) ||
		    vma_map(mm, old_end, new_end - old_end, heap_proto.prot, VMA_HEAP) < 0)
			return mm->brk;
		if (mm->lock_future)
			populate_new(mm, old_end, new_end, mm->lock_future & MCL_ONFAULT);
		vma_merge(mm, old_end, new_end); /* the heap grows as one area, as Linux's brk */
	} else if (new_end < old_end && (vma_free_gap(mm, new_end, old_end) ||
					 vma_unmap(mm, new_end, old_end - new_end) < 0)) {
		return mm->brk; /* Linux refuses to shrink over a range where nothing is mapped */
	}
	mm->brk = addr;
	return addr;
}

/* A character device whose driver maps its own memory (/dev/fb0). */
static bool device_mmap(const struct file *f)
{
	return S_ISCHR(f->ip->mode) && f->dev->mmap;
}

/* What an fd offers to mmap, in Linux's order: an offset past the largest
 * the file can have (LLONG_MAX bytes for a regular file, ULONG_MAX for a
 * device) is EOVERFLOW, a bad MAP_TYPE EINVAL, a shared writable mapping
 * of a file not open for writing EACCES, so is any mapping of a file not
 * open for reading, and one with no mmap at all (pipes, /dev/null,
 * directories, message queues) ENODEV. *ip gets the file whose pages are
 * mapped, or NULL for /dev/zero, which maps anonymous memory, and for a
 * device that maps its own memory. */
static long mappable_file(struct file *f, u32 type, u32 prot, u64 off, u64 len, struct inode **ip)
{
	u64 max = S_ISREG(f->ip->mode) ? I64_MAX : ~0ul;
	if (len > max || off / PAGE_SIZE > (max - len) / PAGE_SIZE)
		return -EOVERFLOW;
	if (type != MAP_SHARED && type != MAP_PRIVATE)
		return -EINVAL;
	if (type == MAP_SHARED && (prot & PROT_WRITE) && !file_writable(f))
		return -EACCES;
	if (!file_readable(f))
		return -EACCES;
	*ip = NULL;
	if (S_ISCHR(f->ip->mode) && (f->ip->rdev == DEV_ZERO || device_mmap(f)))
		return 0;
	if (!S_ISREG(f->ip->mode) || f->mq)
		return -ENODEV;
	*ip = f->ip;
	return 0;
}

/* Where a mapping goes: exactly addr with MAP_FIXED, else the hint if it is
 * free, else the highest gap below mmap_base. 0 or an errno. */
static long place(struct mm *mm, u64 *addr, u64 len, u32 flags)
{
	bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
	if (fixed && *addr % PAGE_SIZE)
		return -EINVAL;
	if (fixed && *addr > TASK_SIZE_MAX - len)
		return -ENOMEM; /* the last page below the canonical hole is never mappable */
	if ((flags & MAP_FIXED_NOREPLACE) && !vma_free_gap(mm, *addr, *addr + len))
		return -EEXIST;
	if (fixed)
		return 0;
	*addr = ALIGN_DOWN(*addr, PAGE_SIZE);
	if (!*addr || *addr > TASK_SIZE_MAX - len || !vma_free_gap(mm, *addr, *addr + len))
		*addr = vma_free_area(mm, len);
	return *addr ? 0 : -ENOMEM;
}

/* Linux's do_mmap checks, in its order; prot bits other than R, W and X
 * are ignored, as Linux ignores them. MAP_LOCKED and mlockall(MCL_FUTURE)
 * lock the new area and populate it (errors ignored). */
SYSCALL6(mmap, u64, addr, u64, len, u32, prot, u32, flags, int, fd, u64, off)
{
	struct mm *mm = mymm();
	u32 type = flags & MAP_TYPE; /* all four bits: 0xd is no type, not MAP_SHARED */
	struct file *f = NULL;
	struct inode *file = NULL;
	if (off % PAGE_SIZE)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS) && !(f = fd_get(fd)))
		return -EBADF;
	if (f && type == MAP_SHARED_VALIDATE)
		type = MAP_SHARED; /* Linux: for files only; anonymous memory refuses it */
	if (len == 0)
		return -EINVAL;
	if (len > TASK_SIZE_MAX)
		return -ENOMEM;
	len = ALIGN_UP(len, PAGE_SIZE);
	long err = place(mm, &addr, len, flags);
	if (err)
		return err;
	bool locked = (flags & MAP_LOCKED) || mm->lock_future;
	if ((flags & MAP_LOCKED) && !may_lock())
		return -EPERM;
	if (!may_lock_more(mm, locked, len / PAGE_SIZE))
		return -EAGAIN;
	if (f)
		err = mappable_file(f, type, prot, off, len, &file);
	else if (type != MAP_SHARED && type != MAP_PRIVATE)
		err = -EINVAL;
	if (err)
		return err;
	/* A shared mapping of a file open read-only (a ramfs file, /dev/zero, a
	 * device) may never become writable: Linux clears VM_MAYWRITE. */
	struct vma proto = { .prot = prot & PROT_ALL, .shared = type == MAP_SHARED,
			     .nowrite = type == MAP_SHARED && f && !file_writable(f) };
	u64 replaced = (flags & MAP_FIXED) ? count_pages(mm, addr, addr + len, any) : 0;
	if (!may_expand(mm, &proto, len / PAGE_SIZE - replaced))
		return -ENOMEM;
	if (f && device_mmap(f)) /* never locked or populated: Linux's VM_SPECIAL */
		err = f->dev->mmap(f, mm, addr, len, proto.prot, type == MAP_SHARED, off);
	else if (file)
		err = vma_map_file(mm, addr, len, &proto, file, off);
	else if (proto.shared)
		err = vma_map_shared(mm, addr, len, proto.prot);
	else
		err = vma_map(mm, addr, len, proto.prot, VMA_ANON);
	if (err)
		return err;
	vma_find(mm, addr)->nowrite = proto.nowrite; /* whichever kind of area it became */
	if (locked && vma_lockable(vma_find(mm, addr))) {
		struct vma *v = vma_find(mm, addr);
		v->locked = true;
		v->lock_onfault = !(flags & MAP_LOCKED) && (mm->lock_future & MCL_ONFAULT);
		populate_new(mm, addr, addr + len, mm->lock_future & MCL_ONFAULT);
	}
	vma_merge(mm, addr, addr + len);
	return (long)addr;
}

/* Holes are fine: Linux unmaps whatever is there. */
SYSCALL2(munmap, u64, addr, u64, len)
{
	if (addr % PAGE_SIZE || len == 0 || len > TASK_SIZE_MAX || addr > TASK_SIZE_MAX - len)
		return -EINVAL;
	return vma_unmap(mymm(), addr, ALIGN_UP(len, PAGE_SIZE));
}

/* One part of an mprotect: refused (EACCES) if it would make writable a
 * shared mapping of a file not open for writing (Linux clears VM_MAYWRITE
 * for it), and (ENOMEM) if it turns into data beyond RLIMIT_DATA, as
 * Linux's mprotect_fixup asks may_expand_vm. */
static long protect_part(struct vma *v, u64 s, u64 e, void *prot)
{
	struct vma now = *v;
	now.prot = *(u32 *)prot;
	u64 n = (e - s) / PAGE_SIZE;
	if (((now.prot & PROT_WRITE) && v->nowrite) || ((now.prot & PROT_EXEC) && v->noexec))
		return -EACCES; /* Linux: the area lacks VM_MAYWRITE or VM_MAYEXEC */
	if ((now.prot & PROT_WRITE) && !may_expand(mymm(), &now, n) && may_expand(mymm(), v, n))
		return -ENOMEM;
	/* Linux's mprotect_fixup: a locked private area that becomes writable
	 * is brought in now (its pages must be resident, and their own). */
	bool populate = v->locked && !v->lock_onfault && !v->shared && !(v->prot & PROT_WRITE) &&
			(now.prot & PROT_WRITE);
	long err = vma_protect(mymm(), s, e - s, now.prot);
	if (!err && populate)
		populate_part(vma_find(mymm(), s), s, e, &(bool){ true });
	return err;
}

/* Linux's order: both GROWS bits EINVAL, a misaligned start EINVAL, length
 * 0 succeeds, a length that wraps ENOMEM, then unknown bits EINVAL (PROT_SEM
 * is known; faultline has no grows-down areas, so PROT_GROWSDOWN is
 * EINVAL as on any other area). Up to the first hole, then ENOMEM. */
SYSCALL3(mprotect, u64, addr, u64, len, u64, prot) /* prot: Linux reads all 64 bits */
{
	if ((prot & (PROT_GROWSDOWN | PROT_GROWSUP)) == (PROT_GROWSDOWN | PROT_GROWSUP) || addr % PAGE_SIZE)
		return -EINVAL;
	if (len == 0)
		return 0;
	u64 end = addr + ALIGN_UP(len, PAGE_SIZE);
	if (end <= addr)
		return -ENOMEM;
	if (prot & ~(u64)(PROT_ALL | PROT_SEM))
		return -EINVAL;
	u32 rights = prot & PROT_ALL;
	return each_part(mymm(), addr, end, UP_TO_HOLE, protect_part, &rights);
}

/* ---- madvise and mincore ------------------------------------------------------ */

/* One mapped part of a madvise range. The hints Linux takes without a
 * visible effect (NORMAL, RANDOM, SEQUENTIAL, WILLNEED) succeed. PAGEOUT
 * and DONTNEED act only where page tables exist (walk_next), so their cost
 * is what is mapped, not the size of the range. DONTNEED drops this
 * mapping's pages: private ones are gone (the next touch finds zeros),
 * shared ones stay in their shmem object. */
static long advise_part(struct vma *v, u64 s, u64 e, void *advice)
{
	struct mm *mm = mymm();
	int adv = *(int *)advice;
	if (adv == MADV_DOFORK && v->pfn)
		return -EINVAL; /* Linux: a VM_IO area is never copied into a child */
	if (adv == MADV_DONTFORK || adv == MADV_DOFORK) {
		struct vma want = *v;
		want.dontfork = adv == MADV_DONTFORK;
		long err = vma_modify(mm, v, s, e, &want);
		return err == -ENOMEM ? -EAGAIN : err; /* Linux's madvise: no room is "try again" */
	}
	if (adv != MADV_PAGEOUT && adv != MADV_DONTNEED)
		return 0;
	if (v->locked || v->pfn)
		return -EINVAL; /* Linux refuses both on VM_LOCKED and VM_PFNMAP areas */
	for (u64 va = s; va < e; va = walk_next(mm->pml4, va)) {
		if (adv == MADV_PAGEOUT) {
			page_out(mm, va);
		} else {
			unmappages(mm->pml4, va, PAGE_SIZE, true);
			mm_flush(mm, va);
		}
	}
	return 0;
}

/* Linux's order: unknown advice, a misaligned start, or a length that
 * wraps when rounded up is EINVAL; length 0 succeeds; then every mapped
 * part is advised, and a hole (or a range above TASK_SIZE_MAX) is ENOMEM. */
SYSCALL3(madvise, u64, start, u64, len, int, advice)
{
	switch (advice) {
	case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED:
	case MADV_DONTNEED: case MADV_DONTFORK: case MADV_DOFORK: case MADV_PAGEOUT:
		break;
	default:
		return -EINVAL;
	}
	u64 end = start + ALIGN_UP(len, PAGE_SIZE);
	if (start % PAGE_SIZE || (len && end == start) || end < start)
		return -EINVAL;
	return each_part(mymm(), start, end, EVERY_PART, advise_part, &advice);
}

#define MS_ASYNC 1
#define MS_INVALIDATE 2
#define MS_SYNC 4

/* Nothing to write back: a file's pages are its data (the ramfs has no
 * disk), so a mapping is always in sync. Only the checks remain: an
 * invalidate of a locked area is EBUSY. */
static long sync_part(struct vma *v, UNUSED u64 s, UNUSED u64 e, void *flags)
{
	return (*(int *)flags & MS_INVALIDATE) && v->locked ? -EBUSY : 0;
}

/* Linux's order: unknown flags, a misaligned start, or both MS_ASYNC and
 * MS_SYNC are EINVAL; a length that wraps when rounded up is ENOMEM, 0
 * succeeds; then the mapped parts are looked at and a hole is ENOMEM: at
 * once for flags == MS_SYNC, else after every part (Linux's msync loop). */
SYSCALL3(msync, u64, start, u64, len, int, flags)
{
	if ((flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) || start % PAGE_SIZE ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	u64 end = start + ALIGN_UP(len, PAGE_SIZE);
	if (end < start)
		return -ENOMEM;
	if (end == start)
		return 0;
	return each_part(mymm(), start, end, flags == MS_SYNC ? UP_TO_HOLE : EVERY_PART, sync_part,
			 &flags);
}

/* Linux's mincore: a page this process maps is resident (also under
 * PROT_NONE, which keeps the frame), one in swap is not; one it does not
 * map, in an area backed by a shmem object (shared memory, a file), is
 * resident if the object has it in a frame (mincore_page asks the page
 * cache), whoever brought it in. */
static bool resident(struct mm *mm, struct vma *v, u64 va)
{
	pte_t *pte = walk(mm->pml4, va, false);
	if (pte && *pte)
		return !pte_is_swap(*pte);
	return v->shm && shmem_frame(v->shm, (v->file_off + va - v->start) / PAGE_SIZE);
}

struct mincore_out {
	u64 start;       /* of the whole range */
	u8 __user *vec;  /* one byte per page of it */
};

/* The answers for one mapped part, built a chunk at a time in kernel
 * memory and handed over with copy_to_user, as Linux does. Device memory
 * is never resident: Linux's page walk skips VM_PFNMAP areas and asks the
 * device file's page cache, which holds nothing. */
static long mincore_part(struct vma *v, u64 s, u64 e, void *out_)
{
	struct mincore_out *out = out_;
	u8 chunk[256];
	while (s < e) {
		u8 __user *to = out->vec + (s - out->start) / PAGE_SIZE;
		u64 n = 0;
		for (; n < sizeof(chunk) && s < e; n++, s += PAGE_SIZE)
			chunk[n] = !v->pfn && resident(mymm(), v, s);
		if (copy_to_user(to, chunk, n))
			return -EFAULT;
	}
	return 0;
}

/* One byte per page, bit 0 = resident. Linux's order: a misaligned start is
 * EINVAL, a range that is not user memory (a length that wraps) ENOMEM, a
 * vector that cannot be is EFAULT; then answers up to the first hole
 * (which is ENOMEM) are written. */
SYSCALL3(mincore, u64, start, u64, len, u8 __user *, vec)
{
	if (start % PAGE_SIZE)
		return -EINVAL;
	if (!access_ok((void __user *)start, len))
		return -ENOMEM;
	u64 end = start + ALIGN_UP(len, PAGE_SIZE);
	if (!access_ok(vec, (end - start) / PAGE_SIZE))
		return -EFAULT;
	return each_part(mymm(), start, end, UP_TO_HOLE, mincore_part,
			 &(struct mincore_out){ start, vec });
}

/* ---- mlock ----------------------------------------------------------------------- */

struct lock_mode {
	bool lock, onfault;
};

/* Lock or unlock the part as *mode says (vma_modify cuts its area to fit
 * it only if that changes something, and merges it). Device memory is left
 * as it is, with success (Linux's mlock_fixup skips VM_SPECIAL areas). */
static long lock_part(struct vma *v, u64 s, u64 e, void *mode)
{
	const struct lock_mode *m = mode;
	if (!vma_lockable(v))
		return 0;
	struct vma want = *v;
	want.locked = m->lock;
	want.lock_onfault = m->lock && m->onfault;
	return vma_modify(mymm(), v, s, e, &want);
}

/* Linux's do_mlock and munlock: the range is every page that
 * [start, start + len) touches; RLIMIT_MEMLOCK (pages locked already in
 * the range do not count twice); a range that wraps is EINVAL; areas are
 * locked up to the first hole (then ENOMEM, nothing brought in); then every
 * page is faulted in unless onfault, where a page that cannot be
 * (PROT_NONE, past the end of a file) is ENOMEM. */
static long set_lock(u64 start, u64 len, bool lock, bool onfault)
{
	struct mm *mm = mymm();
	if (lock && !may_lock())
		return -EPERM;
	len = ALIGN_UP(len + start % PAGE_SIZE, PAGE_SIZE);
	start = ALIGN_DOWN(start, PAGE_SIZE);
	u64 end = start + len;
	if (lock && !within_limit(count_pages(mm, 0, TASK_SIZE_MAX, is_locked) -
				  count_pages(mm, start, end, is_locked) + len / PAGE_SIZE))
		return -ENOMEM;
	if (end < start)
		return -EINVAL;
	long err = each_part(mm, start, end, UP_TO_HOLE, lock_part, &(struct lock_mode){ lock, onfault });
	if (err || !lock || onfault)
		return err;
	return each_part(mm, start, end, EVERY_PART, populate_part, &(bool){ false });
}

SYSCALL2(mlock, u64, start, u64, len)
{
	return set_lock(start, len, true, false);
}

/* mlock with MLOCK_ONFAULT: pages are locked as they are touched, not
 * brought in now. Other flags are EINVAL. */
SYSCALL3(mlock2, u64, start, u64, len, u32, flags)
{
	if (flags & ~MLOCK_ONFAULT)
		return -EINVAL;
	return set_lock(start, len, true, flags & MLOCK_ONFAULT);
}

SYSCALL2(munlock, u64, start, u64, len)
{
	return set_lock(start, len, false, false);
}

/* Linux's order: bad flags EINVAL, no right to lock EPERM, MCL_CURRENT with
 * more mapped than RLIMIT_MEMLOCK ENOMEM. MCL_CURRENT locks every area and
 * (without MCL_ONFAULT) brings in every page it can, skipping those it
 * cannot; MCL_FUTURE does the same to every later area. */
SYSCALL1(mlockall, int, flags)
{
	struct mm *mm = mymm();
	if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT)
		return -EINVAL;
	if (!may_lock())
		return -EPERM;
	if ((flags & MCL_CURRENT) && !within_limit(count_pages(mm, 0, TASK_SIZE_MAX, any)))
		return -ENOMEM;
	mm->lock_future = (flags & MCL_FUTURE) ? flags & (MCL_FUTURE | MCL_ONFAULT) : 0;
	if (!(flags & MCL_CURRENT))
		return 0;
	for (struct vma *v = mm->vmas; v; v = v->next) {
		v->locked = vma_lockable(v);
		v->lock_onfault = v->locked && (flags & MCL_ONFAULT);
	}
	vma_merge(mm, 0, TASK_SIZE_MAX);
	populate_new(mm, 0, TASK_SIZE_MAX, flags & MCL_ONFAULT);
	return 0;
}

SYSCALL0(munlockall)
{
	struct mm *mm = mymm();
	mm->lock_future = 0;
	for (struct vma *v = mm->vmas; v; v = v->next)
		v->locked = v->lock_onfault = false;
	vma_merge(mm, 0, TASK_SIZE_MAX);
	return 0;
}
