/* mm/vma.c — virtual memory areas: the list of what a process may touch.
 *
 * mmap, munmap, mprotect and brk only edit this list (and drop or re-protect
 * pages already present); pages themselves are created by the page-fault
 * handler on first touch. Every edit reduces to two moves: split an area at
 * a boundary, then act on the areas wholly inside the range. */
#include "mm/vma.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/reclaim.h"
#include "mm/swap.h"
#include "kernel/ramfs.h"
#include "mm/fault.h"
#include "mm/pte.h"
#include "mm/shmem.h"

#define MMAP_BASE 0x7f0000000000ul /* mmap without a hint grows down from here */

const char *vma_kind_name(enum vma_kind kind)
{
	static const char *const names[] = { "anon", "stack", "heap", "image", "file" };
	return names[kind];
}

int mm_init(struct mm *mm)
{
	*mm = (struct mm){ .pml4 = vm_new(), .mmap_base = MMAP_BASE };
	return mm->pml4 ? 0 : -ENOMEM;
}

void mm_free(struct mm *mm)
{
	while (mm->vmas) {
		struct vma *v = mm->vmas;
		mm->vmas = v->next;
		vma_free(v);
	}
	freevm(mm->pml4);
	mm->pml4 = NULL;
}

struct vma *vma_find(struct mm *mm, u64 addr)
{
	for (struct vma *v = mm->vmas; v && v->start <= addr; v = v->next)
		if (addr < v->end)
			return v;
	return NULL;
}

/* Cut v in two at 'at' (strictly inside it); v keeps the lower part. */
static int split(struct vma *v, u64 at)
{
	struct vma *hi = kmalloc(sizeof(*hi));
	if (!hi)
		return -ENOMEM;
	*hi = *v;
	hi->start = at;
	hi->file_off += at - v->start;
	vma_hold(hi);
	v->end = at;
	v->next = hi;
	return 0;
}

/* Make start and end fall on area boundaries. */
int vma_split(struct mm *mm, u64 start, u64 end)
{
	for (struct vma *v = mm->vmas; v; v = v->next) {
		int err = 0;
		if (v->start < start && start < v->end)
			err = split(v, start);
		else if (v->start < end && end < v->end)
			err = split(v, end);
		if (err)
			return err;
	}
	return 0;
}

int vma_unmap(struct mm *mm, u64 start, u64 len)
{
	u64 end = start + len;
	int err = vma_split(mm, start, end);
	if (err)
		return err;
	for (struct vma **pp = &mm->vmas; *pp;) {
		struct vma *v = *pp;
		if (v->start >= start && v->end <= end) {
			*pp = v->next;
			unmappages(mm->pml4, v->start, v->end - v->start, true);
			vma_free(v);
		} else {
			pp = &v->next;
		}
	}
	return 0;
}

void vma_hold(struct vma *v)
{
	if (v->file)
		ramfs_get(v->file);
	if (v->shm)
		shmem_get(v->shm);
}

void vma_free(struct vma *v)
{
	if (v->file)
		ramfs_put(v->file);
	if (v->shm)
		shmem_put(v->shm);
	kfree(v);
}

/* Insert a new area described by proto (its start and end included). */
static int insert(struct mm *mm, const struct vma *proto)
{
	int err = vma_unmap(mm, proto->start, proto->end - proto->start);
	struct vma *v = err ? NULL : kmalloc(sizeof(*v));
	if (!v)
		return -ENOMEM;
	*v = *proto;
	v->locked = mm->lock_future;
	vma_hold(v);
	u64 start = v->start;
	struct vma **pp = &mm->vmas;
	while (*pp && (*pp)->start < start)
		pp = &(*pp)->next;
	v->next = *pp;
	*pp = v;
	return 0;
}

int vma_map(struct mm *mm, u64 start, u64 len, u32 prot, enum vma_kind kind)
{
	return insert(mm, &(struct vma){ .start = start, .end = start + len, .prot = prot, .kind = kind });
}

int vma_map_shared(struct mm *mm, u64 start, u64 len, u32 prot)
{
	struct shmem *shm = shmem_new(len / PAGE_SIZE);
	if (!shm)
		return -ENOMEM;
	int err = insert(mm, &(struct vma){ .start = start, .end = start + len, .prot = prot,
					     .kind = VMA_ANON, .shm = shm });
	shmem_put(shm); /* the area holds it now (insert took its own reference) */
	return err;
}

int vma_map_file(struct mm *mm, u64 start, u64 len, u32 prot, struct inode *file, u64 off)
{
	return insert(mm, &(struct vma){ .start = start, .end = start + len, .prot = prot,
					  .kind = VMA_FILE, .file = file, .file_off = off });
}

/* Linux's mprotect: the whole range must be mapped, else -ENOMEM. */
static bool fully_mapped(struct mm *mm, u64 start, u64 end)
{
	u64 at = start;
	for (struct vma *v = mm->vmas; v && at < end; v = v->next) {
		if (v->end <= at)
			continue;
		if (v->start > at)
			return false;
		at = v->end;
	}
	return at >= end;
}

int vma_protect(struct mm *mm, u64 start, u64 len, u32 prot)
{
	u64 end = start + len;
	if (!fully_mapped(mm, start, end))
		return -ENOMEM;
	int err = vma_split(mm, start, end);
	if (err)
		return err;
	for (struct vma *v = mm->vmas; v && v->start < end; v = v->next) {
		if (v->start < start)
			continue;
		v->prot = prot;
		for (u64 a = v->start; a < v->end; a = walk_next(mm->pml4, a)) {
			pte_t *pte = walk(mm->pml4, a, false);
			if (pte && *pte && !pte_is_swap(*pte)) /* swapped out: comes back with the VMA's rights */
				pte_update(mm, v, a, pte, PTE_ADDR(*pte));
		}
	}
	return 0;
}

bool vma_free_gap(struct mm *mm, u64 start, u64 end)
{
	for (struct vma *v = mm->vmas; v && v->start < end; v = v->next)
		if (start < v->end)
			return false;
	return true;
}

/* The highest gap of len bytes below mmap_base: step below whatever is in
 * the way until nothing is. */
u64 vma_free_area(struct mm *mm, u64 len)
{
	u64 addr = mm->mmap_base - len;
	for (;;) {
		if (addr < (1ul << 16) || addr > mm->mmap_base)
			return 0;
		struct vma *v = mm->vmas;
		while (v && !(v->start < addr + len && addr < v->end))
			v = v->next;
		if (!v)
			return addr;
		addr = v->start - len;
	}
}

u64 mm_page_frame(struct mm *mm, u64 va)
{
	struct vma *v = vma_find(mm, va);
	if (!v || handle_mm_fault(mm, v, ALIGN_DOWN(va, PAGE_SIZE), true))
		return 0;
	pte_t *pte = walk(mm->pml4, va, false);
	return pte && *pte && !pte_is_swap(*pte) ? PTE_ADDR(*pte) : 0;
}

int mm_write(struct mm *mm, u64 va, const void *src, u64 n)
{
	const u8 *s = src;
	while (n) {
		u64 off = va % PAGE_SIZE, chunk = MIN(n, PAGE_SIZE - off);
		u64 pa = mm_page_frame(mm, va - off);
		if (!pa)
			return -ENOMEM;
		memcpy((u8 *)phys_to_virt(pa) + off, s, chunk);
		va += chunk;
		s += chunk;
		n -= chunk;
	}
	return 0;
}
