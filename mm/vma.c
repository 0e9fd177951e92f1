/* mm/vma.c — virtual memory areas: what a process may touch, kept in
 * address order in a list and a search tree (mm/vmatree.c) together.
 *
 * mmap, munmap, mprotect and brk only edit the areas (and drop or re-protect
 * pages already present); pages themselves are created by the page-fault
 * handler on first touch. Every edit reduces to two moves: split an area at
 * a boundary, then act on the areas wholly inside the range. */
#include "mm/vma.h"
#include "kernel/accounting.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/reclaim.h"
#include "mm/swap.h"
#include "kernel/fs/ramfs.h"
#include "mm/fault.h"
#include "mm/wxcheck.h"
#include "mm/pfnmap.h"
#include "mm/pte.h"
#include "mm/shmem.h"

#define MMAP_BASE 0x7f0000000000ul /* mmap without a hint grows down from here */
#define MMAP_MIN_ADDR (1ul << 16)  /* ... and never below Linux's default vm.mmap_min_addr */
/* Linux's default vm.max_map_count. Its rules, checked on Linux 6.18: mmap
 * and brk fail when a process already has more areas than this (so one
 * mmap may go one past it); mprotect, mlock and madvise change an area in
 * place when its flags are already what was asked, else merge the changed
 * part with the neighbour beside it when they agree, and only otherwise
 * cut (split_vma), each cut failing at the limit (an earlier cut of the
 * same call stays): so a change that ends in fewer areas never fails.
 * munmap fails at the limit only when it would punch a hole in the middle
 * of one area. All of them report ENOMEM. */
#define MAX_MAP_COUNT 65530

const char *vma_kind_name(enum vma_kind kind)
{
	static const char *const names[] = { "anon", "stack", "heap", "image", "file", "device" };
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
	mm->vma_tree = mm->vma_hint = NULL;
	mm->map_count = 0;
	freevm(mm->pml4);
	mm->pml4 = NULL;
}

static struct mm *all_first, *all_last;
static u64 next_mm_id = 1;
int nmms;

struct mm *mm_alloc(void)
{
	struct mm *mm = kmalloc(sizeof(*mm));
	if (!mm)
		return NULL;
	if (mm_init(mm) < 0) {
		kfree(mm);
		return NULL;
	}
	mm->refs = 1;
	mm->id = next_mm_id++;
	mm->all_prev = all_last;
	if (all_last)
		all_last->all_next = mm;
	else
		all_first = mm;
	all_last = mm;
	nmms++;
	return mm;
}

struct mm *mm_get(struct mm *mm)
{
	mm->refs++;
	return mm;
}

void mm_put(struct mm *mm)
{
	if (!mm || --mm->refs > 0)
		return;
	*(mm->all_prev ? &mm->all_prev->all_next : &all_first) = mm->all_next;
	*(mm->all_next ? &mm->all_next->all_prev : &all_last) = mm->all_prev;
	nmms--;
#ifdef CONFIG_WX_USER
	wx_check_user(mm); /* the SANITIZE=1 build: every address space, as it goes */
#endif
	mm_free(mm);
	kfree(mm);
}

struct mm *mm_first(void)
{
	return all_first;
}

struct mm *mm_from(u64 id)
{
	for_each_mm(mm)
		if (mm->id >= id)
			return mm;
	return NULL;
}

static bool holds(const struct vma *v, u64 addr)
{
	return v && v->start <= addr && addr < v->end;
}

struct vma *vma_find(struct mm *mm, u64 addr)
{
	struct vma *v = vmatree_floor(mm->vma_tree, addr);
	return holds(v, addr) ? v : NULL;
}

/* Faults come in runs over one area (a buffer being filled, a stack
 * growing), so the area the last fault found is asked first: ~10
 * instructions where the tree's walk costs ~70 (Linux's vmacache had the
 * same idea). Only the fault path keeps the hint: mmap and munmap look up
 * places they are about to change, where it would rarely hit. The hint is
 * only ever an area in the tree — vma_merge and vma_unmap clear it when one
 * leaves, mm_free when all do — and areas in the tree never overlap, so an
 * area holding addr is the one the tree would give. Cuts and merges change
 * an area's bounds in place, which holds() reads afresh. */
struct vma *vma_find_hinted(struct mm *mm, u64 addr)
{
	if (holds(mm->vma_hint, addr))
		return mm->vma_hint;
	struct vma *v = vma_find(mm, addr);
	if (v)
		mm->vma_hint = v;
	return v;
}

/* The VMA containing addr, or NULL: guess if it does (an area the caller
 * just dealt with), else one looked up. */
static struct vma *find_near(struct mm *mm, struct vma *guess, u64 addr)
{
	return holds(guess, addr) ? guess : vma_find(mm, addr);
}

/* The list link that leads to the first area starting at or above addr. */
static struct vma **link_at(struct mm *mm, u64 addr)
{
	struct vma *prev = addr ? vmatree_floor(mm->vma_tree, addr - 1) : NULL;
	return prev ? &prev->next : &mm->vmas;
}

struct vma *vma_from(struct mm *mm, u64 addr)
{
	/* One lookup: the area with the highest start <= addr holds addr, or
	 * else the next in the list is the first one above it. */
	struct vma *v = vmatree_floor(mm->vma_tree, addr);
	if (!v)
		return mm->vmas;
	return addr < v->end ? v : v->next;
}

void vma_link(struct mm *mm, struct vma *v)
{
	/* The tree's insert passes the area just below v: its list link is
	 * the one to splice into, with no lookup of its own. */
	struct vma *prev = vmatree_insert(&mm->vma_tree, v);
	struct vma **pp = prev ? &prev->next : &mm->vmas;
	v->next = *pp;
	*pp = v;
	mm->map_count++;
	v->mm = mm;
	if (v->shm)
		shmem_link(v->shm, v);
}

/* Make 'at' an area boundary: cut v, the area around it (or NULL), in two, the old one
 * keeping the lower part. A 'limited' cut is refused at the map count limit. */
static int cut_area(struct mm *mm, struct vma *v, u64 at, bool limited)
{
	if (!v || v->start == at)
		return 0;
	if (limited && mm->map_count >= MAX_MAP_COUNT)
		return -ENOMEM;
	struct vma *hi = vma_alloc();
	if (!hi)
		return -ENOMEM;
	*hi = *v;
	hi->start = at;
	hi->file_off += at - v->start;
	vma_hold(hi);
	v->end = at; /* no tree update of its own: linking hi repairs it (vmatree_insert) */
	vma_link(mm, hi);
	return 0;
}

static u64 anon_seq;

u64 vma_anon_new(void)
{
	return ++anon_seq;
}

/* Linux's anon_vma_compatible, for the areas merged here: neighbours,
 * private, anonymous, nothing held, every flag equal but the rights. */
static bool compatible(const struct vma *a, const struct vma *b)
{
	return a->end == b->start && a->kind == b->kind && a->locked == b->locked &&
	       a->lock_onfault == b->lock_onfault && a->dontfork == b->dontfork &&
	       a->nowrite == b->nowrite && !a->shared && !b->shared && !a->shm && !b->shm &&
	       !a->file && !b->file && !a->pfn && !b->pfn;
}

/* Linux's anon_vma_prepare: a neighbour that could become one area with v
 * once the rights agree lends v its identity (find_mergeable_anon_vma),
 * unless that identity came from a fork (its anon_vma is not reusable);
 * else v gets a new one. */
void vma_anon_prepare(struct vma *v)
{
	if (v->anon)
		return;
	struct vma *prev = v->start ? vma_find(v->mm, v->start - 1) : NULL;
	if (prev && compatible(prev, v) && prev->anon && !prev->anon_forked)
		v->anon = prev->anon;
	else if (v->next && compatible(v, v->next) && v->next->anon && !v->next->anon_forked)
		v->anon = v->next->anon;
	else
		v->anon = vma_anon_new();
}

/* Linux's is_mergeable_vma and is_mergeable_anon_vma. */
static bool mergeable(const struct vma *a, const struct vma *b)
{
	return compatible(a, b) && a->prot == b->prot && (!a->anon || !b->anon || a->anon == b->anon);
}

void vma_merge(struct mm *mm, u64 start, u64 end)
{
	struct vma *v = vma_from(mm, start ? start - 1 : 0);
	while (v && v->next && v->next->start <= end) {
		struct vma *n = v->next;
		if (!mergeable(v, n)) {
			v = n;
			continue;
		}
		vmatree_absorb(&mm->vma_tree, v, n); /* v->end = n->end */
		mm->vma_hint = NULL; /* n leaves the tree: vma_find_hinted must not offer it */
		v->next = n->next;
		if (!v->anon) {
			v->anon = n->anon;
			v->anon_forked = n->anon_forked;
		}
		mm->map_count--;
		vma_free(n);
	}
}

/* The flags vma_modify changes (Linux's vm_flags that mprotect, mlock and
 * madvise set). */
static bool same_flags(const struct vma *a, const struct vma *b)
{
	return a->prot == b->prot && a->locked == b->locked && a->lock_onfault == b->lock_onfault &&
	       a->dontfork == b->dontfork;
}

int vma_modify(struct mm *mm, struct vma *v, u64 s, u64 e, const struct vma *want)
{
	if (same_flags(v, want))
		return 0; /* Linux: nothing changes, nothing is cut */
	struct vma part = *want;
	part.start = s;
	part.end = e;
	/* A cut adds no area in the end when the changed part then merges with
	 * the area beyond it: Linux merges (vma_merge_existing_range) before it
	 * would split, so only a cut that stays is refused at the limit. */
	if (s > v->start) {
		bool joins = e == v->end && v->next && mergeable(&part, v->next);
		int err = cut_area(mm, v, s, !joins);
		if (err)
			return err;
		v = v->next;
	}
	if (e < v->end) {
		/* The area below, looked up only when it may decide. */
		struct vma *below = s == v->start && s && mm->map_count >= MAX_MAP_COUNT ?
				    vma_find(mm, s - 1) : NULL;
		int err = cut_area(mm, v, e, !(below && mergeable(below, &part)));
		if (err)
			return err;
	}
	v->prot = want->prot;
	v->locked = want->locked;
	v->lock_onfault = want->lock_onfault;
	v->dontfork = want->dontfork;
	vma_merge(mm, s, e); /* as it goes, as Linux: what merges frees room for later cuts */
	return 0;
}

int vma_unmap(struct mm *mm, u64 start, u64 len)
{
	u64 end = start + len;
	struct vma *v = vma_find(mm, start);
	if (v && v->start < start && end < v->end && mm->map_count >= MAX_MAP_COUNT)
		return -ENOMEM; /* a hole in the middle: one area more */
	int err = cut_area(mm, v, start, false); /* v holds start: no second lookup */
	if (err)
		return err;
	/* Nor a lookup for what the cut leaves known: if v began below start,
	 * its upper part now starts there, linked right after v; and that part
	 * (or whichever area starts at start) usually holds end as well. */
	struct vma **pp = v && v->start < start ? &v->next : link_at(mm, start);
	err = cut_area(mm, find_near(mm, *pp, end), end, false);
	if (err)
		return err;
	while (*pp && (*pp)->start < end) {
		v = *pp;
		*pp = v->next;
		vmatree_remove(&mm->vma_tree, v);
		mm->vma_hint = NULL; /* v leaves the tree: vma_find_hinted must not offer it */
		mm->map_count--;
		unmappages(mm->pml4, v->start, v->end - v->start, true);
		mm_flush_tlb(mm, v->start, v->end);
		vma_free(v);
	}
	return 0;
}

void vma_hold(struct vma *v)
{
	if (v->file)
		ramfs_get(v->file);
	if (v->shm)
		shmem_get(v->shm);
	if (v->pfn)
		pfn_hold(v->pfn);
}

void vma_free(struct vma *v)
{
	if (v->file)
		ramfs_put(v->file);
	if (v->shm) {
		shmem_unlink(v->shm, v);
		shmem_put(v->shm);
	}
	if (v->pfn)
		pfn_put(v->pfn);
	kfree(v);
	acct_add(ACCT_VMAS, -1);
}

struct vma *vma_alloc(void)
{
	struct vma *v = kmalloc(sizeof(*v));
	if (v)
		acct_add(ACCT_VMAS, 1);
	return v;
}

int vma_insert(struct mm *mm, const struct vma *proto)
{
	if (mm->map_count > MAX_MAP_COUNT)
		return -ENOMEM;
	/* A new area usually goes into a hole (mmap found it free): one lookup
	 * says so, where vma_unmap would take four to find nothing. */
	int err = vma_free_gap(mm, proto->start, proto->end) ? 0 :
		  vma_unmap(mm, proto->start, proto->end - proto->start);
	struct vma *v = err ? NULL : vma_alloc();
	if (!v)
		return -ENOMEM;
	*v = *proto;
	v->locked = mm->lock_future && vma_lockable(v);
	v->lock_onfault = v->locked && (mm->lock_future & MCL_ONFAULT);
	vma_hold(v);
	vma_link(mm, v);
	return 0;
}

int vma_map(struct mm *mm, u64 start, u64 len, u32 prot, enum vma_kind kind)
{
	return vma_insert(mm, &(struct vma){ .start = start, .end = start + len, .prot = prot, .kind = kind });
}

int vma_map_shared(struct mm *mm, u64 start, u64 len, u32 prot)
{
	struct shmem *shm = shmem_new(NULL);
	if (!shm)
		return -ENOMEM;
	int err = vma_insert(mm, &(struct vma){ .start = start, .end = start + len, .prot = prot,
					     .kind = VMA_ANON, .shared = true, .shm = shm });
	shmem_put(shm); /* the area holds it now (vma_insert took its own reference) */
	return err;
}

int vma_map_file(struct mm *mm, u64 start, u64 len, const struct vma *proto, struct inode *file,
		 u64 off)
{
	return vma_insert(mm, &(struct vma){ .start = start, .end = start + len, .prot = proto->prot,
					  .shared = proto->shared, .nowrite = proto->nowrite,
					  .kind = VMA_FILE, .file = file, .shm = file->shm,
					  .file_off = off });
}

/* Linux's mprotect: the whole range must be mapped, else -ENOMEM. The walk
 * starts at the area holding start (a tree lookup), not at the first area:
 * its cost is the areas in the range, whatever else is mapped (a walk from
 * the list's head made each mprotect cost every area below it, 65,000 at
 * max_map_count). */
static bool fully_mapped(struct mm *mm, u64 start, u64 end)
{
	u64 at = start;
	for (struct vma *v = vma_find(mm, start); v && at < end; v = v->next) {
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
	for (u64 at = start, e; at < end; at = e) {
		struct vma *v = vma_find(mm, at);
		e = MIN(v->end, end);
		if (v->prot == prot)
			continue; /* vma_modify would leave it as it is, and its pages too */
		struct vma want = *v;
		want.prot = prot;
		int err = vma_modify(mm, v, at, e, &want);
		if (err)
			return err;
		v = vma_find(mm, at); /* [at, e) or more, merged: the same rights */
		for (u64 a = at; a < e; a = walk_next(mm->pml4, a)) {
			pte_t *pte = walk(mm->pml4, a, false);
			if (pte && *pte && !pte_is_swap(*pte)) /* swapped out: comes back with the VMA's rights */
				pte_update(mm, v, a, pte, PTE_ADDR(*pte));
		}
	}
	return 0;
}

/* The last area starting below end must end by start. */
bool vma_free_gap(struct mm *mm, u64 start, u64 end)
{
	struct vma *v = vmatree_floor(mm->vma_tree, end - 1);
	return !v || v->end <= start;
}

/* The highest gap of len bytes below mmap_base, found in the tree. */
u64 vma_free_area(struct mm *mm, u64 len)
{
	return vmatree_hole(mm->vma_tree, len, MMAP_MIN_ADDR, mm->mmap_base);
}

/* Linux's check_vma_flags: a read needs PROT_READ, a write PROT_WRITE.
 * FOLL_FORCE (/proc/PID/mem, exec loading an image) may read any area and
 * write a private one whatever its protection, since the write breaks
 * copy-on-write first and lands in this address space's own copy; never a
 * shared one, whose page every mapper sees. Device memory never: its frames
 * are not RAM, so the direct map does not reach them (Linux refuses
 * VM_IO|VM_PFNMAP areas alike, even the pages a private one copied). */
static bool frame_access_ok(const struct vma *v, bool write, bool force)
{
	if (v->pfn)
		return false;
	if (write)
		return (v->prot & PROT_WRITE) || (force && !v->shared);
	return (v->prot & PROT_READ) || force;
}

u64 mm_frame(struct mm *mm, u64 va, bool write, bool force)
{
	struct vma *v = vma_find(mm, va);
	if (!v || !frame_access_ok(v, write, force) ||
	    handle_mm_fault(mm, v, ALIGN_DOWN(va, PAGE_SIZE), write))
		return 0;
	pte_t *pte = walk(mm->pml4, va, false);
	return pte && *pte && !pte_is_swap(*pte) ? PTE_ADDR(*pte) : 0;
}

int mm_fill(struct mm *mm, u64 va, u64 n, long (*copy)(void *arg, u64 done, void *dst, u64 len),
	    void *arg)
{
	for (u64 done = 0, chunk; done < n; done += chunk) {
		u64 off = (va + done) % PAGE_SIZE;
		chunk = MIN(n - done, PAGE_SIZE - off);
		u64 pa = mm_frame(mm, va + done - off, true, true);
		if (!pa)
			return -ENOMEM;
		long err = copy(arg, done, (u8 *)phys_to_virt(pa) + off, chunk);
		if (err < 0)
			return (int)err;
	}
	return 0;
}

static long copy_from_buffer(void *src, u64 done, void *dst, u64 len)
{
	memcpy(dst, (const u8 *)src + done, len);
	return 0;
}

int mm_write(struct mm *mm, u64 va, const void *src, u64 n)
{
	return mm_fill(mm, va, n, copy_from_buffer, (void *)src);
}
