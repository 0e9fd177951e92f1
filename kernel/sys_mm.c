/* kernel/sys_mm.c — brk, mmap, munmap, mprotect, madvise, mincore and the
 * mlock family: Linux's argument rules and errors in front of the VMA
 * operations of mm/vma.c. Anonymous memory, private and shared, and private
 * copies of ramfs files; nothing is allocated until it is touched, unless
 * it is locked. */
#include "kernel/proc.h"
#include "kernel/file.h"
#include "kernel/syscall.h"
#include "mm/fault.h"
#include "mm/reclaim.h"

#define PROT_ALL (PROT_READ | PROT_WRITE | PROT_EXEC)

static struct mm *mymm(void) { return &myproc()->mm; }
static long each_page(struct mm *mm, u64 start, u64 end, long (*fn)(struct vma *, u64));
static long lock_one(struct vma *v, u64 va);
static u64 locked_pages(struct mm *mm, u64 start, u64 end);
static bool within_limit(u64 pages);

/* Returns the new break, or the old one when the request cannot be met
 * (that, not an errno, is how Linux's brk reports failure). */
SYSCALL1(brk, u64, addr)
{
	struct mm *mm = mymm();
	if (addr < mm->brk_start || addr >= TASK_SIZE_MAX)
		return mm->brk;
	u64 old_end = ALIGN_UP(mm->brk, PAGE_SIZE), new_end = ALIGN_UP(addr, PAGE_SIZE);
	if (new_end > old_end) {
		if (!vma_free_gap(mm, old_end, new_end) ||
		    vma_map(mm, old_end, new_end - old_end, PROT_READ | PROT_WRITE, VMA_HEAP) < 0)
			return mm->brk;
	} else if (new_end < old_end && vma_unmap(mm, new_end, old_end - new_end) < 0) {
		return mm->brk;
	}
	mm->brk = addr;
	return addr;
}

/* What an fd offers to mmap: a regular file, opened for reading. */
static long mappable_file(int fd, u32 type, struct inode **ip)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (!S_ISREG(f->ip->mode) || type == MAP_SHARED)
		return -ENODEV; /* shared file mappings: not in faultline */
	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EACCES;
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

SYSCALL6(mmap, u64, addr, u64, len, u32, prot, u32, flags, int, fd, u64, off)
{
	struct mm *mm = mymm();
	u32 type = flags & (MAP_SHARED | MAP_PRIVATE);
	struct inode *file = NULL;
	if (len == 0 || off % PAGE_SIZE || (type != MAP_SHARED && type != MAP_PRIVATE) || (prot & ~PROT_ALL))
		return -EINVAL;
	long err = (flags & MAP_ANONYMOUS) ? 0 : mappable_file(fd, type, &file);
	if (err)
		return err;
	if (len > TASK_SIZE_MAX)
		return -ENOMEM;
	len = ALIGN_UP(len, PAGE_SIZE);
	err = place(mm, &addr, len, flags);
	if (err)
		return err;
	if (file)
		err = vma_map_file(mm, addr, len, prot, file, off);
	else if (type == MAP_SHARED)
		err = vma_map_shared(mm, addr, len, prot);
	else
		err = vma_map(mm, addr, len, prot, VMA_ANON);
	if (!err && mm->lock_future) /* mlockall(MCL_FUTURE): born locked and resident */
		err = !within_limit(locked_pages(mm, 0, 0)) || each_page(mm, addr, addr + len, lock_one) ? -EAGAIN : 0;
	return err ? err : (long)addr;
}

SYSCALL2(munmap, u64, addr, u64, len)
{
	if (addr % PAGE_SIZE || len == 0 || len > TASK_SIZE_MAX || addr > TASK_SIZE_MAX - len)
		return -EINVAL;
	return vma_unmap(mymm(), addr, ALIGN_UP(len, PAGE_SIZE));
}

SYSCALL3(mprotect, u64, addr, u64, len, u32, prot)
{
	if (addr % PAGE_SIZE || (prot & ~PROT_ALL))
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (len == 0)
		return 0;
	if (addr + len < addr || addr + len > TASK_SIZE_MAX)
		return -ENOMEM;
	return vma_protect(mymm(), addr, len, prot);
}

#define MADV_DONTNEED 4
#define MADV_PAGEOUT 21
#define MCL_CURRENT 1
#define MCL_FUTURE 2
#define MCL_ONFAULT 4

/* Linux's common checks for a range argument: page-aligned start, length
 * rounded up, no wrap. 0 or -EINVAL; *end gets the rounded end. */
static long user_range(u64 start, u64 len, u64 *end)
{
	*end = start + ALIGN_UP(len, PAGE_SIZE);
	if (start % PAGE_SIZE || *end < start || *end > TASK_SIZE_MAX)
		return -EINVAL;
	return 0;
}

/* Every page of [start, end) must lie in some VMA, else -ENOMEM. */
static long each_page(struct mm *mm, u64 start, u64 end, long (*fn)(struct vma *, u64))
{
	for (u64 va = start; va < end; va += PAGE_SIZE) {
		struct vma *v = vma_find(mm, va);
		long err = v ? fn(v, va) : -ENOMEM;
		if (err)
			return err;
	}
	return 0;
}

static long pageout_one(struct vma *v, u64 va)
{
	if (v->locked)
		return -EINVAL; /* Linux refuses MADV_PAGEOUT on VM_LOCKED areas */
	page_out(mymm(), va);
	return 0;
}

static long dontneed_one(struct vma *v, u64 va)
{
	if (v->locked)
		return -EINVAL;
	unmappages(mymm()->pml4, va, PAGE_SIZE, true); /* the next touch finds a zero page */
	return 0;
}

SYSCALL3(madvise, u64, start, u64, len, int, advice)
{
	u64 end;
	long err = user_range(start, len, &end);
	if (err)
		return err;
	switch (advice) {
	case MADV_PAGEOUT:
		return each_page(mymm(), start, end, pageout_one);
	case MADV_DONTNEED:
		return each_page(mymm(), start, end, dontneed_one);
	default:
		return -EINVAL;
	}
}

static bool resident(struct mm *mm, u64 va)
{
	pte_t *pte = walk(mm->pml4, va, false);
	return pte && (*pte & PTE_P);
}

/* One byte per page, bit 0 = resident; built a page of answers at a time in
 * kernel memory and handed over with copy_to_user, as Linux does. */
SYSCALL3(mincore, u64, start, u64, len, u8 __user *, vec)
{
	struct mm *mm = mymm();
	u64 end;
	if (start % PAGE_SIZE)
		return -EINVAL;
	if (user_range(start, len, &end))
		return -ENOMEM;
	if (!access_ok(vec, (end - start) / PAGE_SIZE))
		return -EFAULT;
	u8 chunk[256];
	for (u64 va = start; va < end;) {
		u64 n = 0;
		for (; n < sizeof(chunk) && va < end; n++, va += PAGE_SIZE) {
			if (!vma_find(mm, va))
				return -ENOMEM;
			chunk[n] = resident(mm, va);
		}
		if (copy_to_user(vec, chunk, n))
			return -EFAULT;
		vec += n;
	}
	return 0;
}

static long lock_one(struct vma *v, u64 va)
{
	v->locked = true;
	if (!(v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
		return 0; /* PROT_NONE: locked, but nothing to bring in */
	return fault_in(myproc(), va, v->prot & PROT_WRITE) ? -ENOMEM : 0;
}

static long unlock_one(struct vma *v, u64 va)
{
	(void)va;
	v->locked = false;
	return 0;
}

/* Pages in locked areas, in [start, end) only if end > start. */
static u64 locked_pages(struct mm *mm, u64 start, u64 end)
{
	u64 n = 0;
	for (struct vma *v = mm->vmas; v; v = v->next) {
		u64 s = end > start ? MAX(v->start, start) : v->start;
		u64 e = end > start ? MIN(v->end, end) : v->end;
		n += v->locked && e > s ? (e - s) / PAGE_SIZE : 0;
	}
	return n;
}

/* RLIMIT_MEMLOCK, as Linux applies it: a limit of 0 forbids mlock (EPERM)
 * and more than the limit is ENOMEM (EAGAIN for mmap under MCL_FUTURE),
 * unless the process has CAP_IPC_LOCK, which root starts with. */
static bool may_lock(void)
{
	return myproc()->rlim[RLIMIT_MEMLOCK].cur || capable(myproc(), CAP_IPC_LOCK);
}

static bool within_limit(u64 pages)
{
	return pages * PAGE_SIZE <= myproc()->rlim[RLIMIT_MEMLOCK].cur || capable(myproc(), CAP_IPC_LOCK);
}

/* Split the VMAs at the range's ends, then lock or unlock page by page. */
static long set_lock(u64 start, u64 len, bool lock)
{
	u64 end;
	start = ALIGN_DOWN(start, PAGE_SIZE);
	if (lock && !may_lock())
		return -EPERM;
	if (user_range(start, len, &end))
		return -ENOMEM;
	struct mm *mm = mymm();
	if (lock && !within_limit(locked_pages(mm, 0, 0) - locked_pages(mm, start, end) + (end - start) / PAGE_SIZE))
		return -ENOMEM;
	long err = vma_split(mymm(), start, end);
	return err ? err : each_page(mymm(), start, end, lock ? lock_one : unlock_one);
}

SYSCALL2(mlock, u64, start, u64, len)
{
	return set_lock(start, len, true);
}

SYSCALL2(munlock, u64, start, u64, len)
{
	return set_lock(start, len, false);
}

SYSCALL1(mlockall, int, flags)
{
	struct mm *mm = mymm();
	if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT)
		return -EINVAL;
	if (!may_lock())
		return -EPERM;
	u64 total = 0;
	for (struct vma *v = mm->vmas; v; v = v->next)
		total += (v->end - v->start) / PAGE_SIZE;
	if ((flags & MCL_CURRENT) && !within_limit(total))
		return -ENOMEM;
	mm->lock_future = flags & MCL_FUTURE;
	for (struct vma *v = mm->vmas; v && (flags & MCL_CURRENT); v = v->next) {
		v->locked = true;
		for (u64 va = v->start; va < v->end && !(flags & MCL_ONFAULT); va += PAGE_SIZE)
			if (lock_one(v, va))
				return -ENOMEM;
	}
	return 0;
}

SYSCALL0(munlockall)
{
	struct mm *mm = mymm();
	mm->lock_future = false;
	for (struct vma *v = mm->vmas; v; v = v->next)
		v->locked = false;
	return 0;
}
