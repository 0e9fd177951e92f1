/* kernel/sys_mm.c — brk, mmap, munmap, mprotect: Linux's argument rules and
 * errors in front of the VMA operations of mm/vma.c. Only anonymous memory
 * for now; nothing is allocated until it is touched. */
#include "kernel/proc.h"
#include "kernel/syscall.h"

#define PROT_ALL (PROT_READ | PROT_WRITE | PROT_EXEC)

static struct mm *mymm(void) { return &myproc()->mm; }

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

SYSCALL6(mmap, u64, addr, u64, len, u32, prot, u32, flags, int, fd, u64, off)
{
	struct mm *mm = mymm();
	u32 type = flags & (MAP_SHARED | MAP_PRIVATE);
	(void)fd;
	if (len == 0 || off % PAGE_SIZE || (type != MAP_SHARED && type != MAP_PRIVATE) || (prot & ~PROT_ALL))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS))
		return -ENODEV; /* file mappings arrive with the next issues */
	if (len > TASK_SIZE_MAX)
		return -ENOMEM;
	len = ALIGN_UP(len, PAGE_SIZE);
	bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
	if (fixed && addr % PAGE_SIZE)
		return -EINVAL;
	if (fixed && (addr > TASK_SIZE_MAX - len))
		return -ENOMEM; /* the last page below the canonical hole is never mappable */
	if ((flags & MAP_FIXED_NOREPLACE) && !vma_free_gap(mm, addr, addr + len))
		return -EEXIST;
	if (!fixed) {
		addr = ALIGN_DOWN(addr, PAGE_SIZE);
		if (!addr || addr > TASK_SIZE_MAX - len || !vma_free_gap(mm, addr, addr + len))
			addr = vma_free_area(mm, len);
		if (!addr)
			return -ENOMEM;
	}
	int err = vma_map(mm, addr, len, prot, VMA_ANON);
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
