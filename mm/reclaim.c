/* mm/reclaim.c — page replacement. When free frames run low, the clock hand
 * sweeps over every process's user pages: a page whose Accessed bit the CPU
 * has set since the last sweep gets a second chance (the bit is cleared); a
 * page found with it still clear has not been used for a whole turn of the
 * clock and is evicted: written to a swap slot, its PTE replaced by the swap
 * entry, its frame freed. That approximates "least recently used" with one
 * bit per page, which is all the hardware keeps.
 *
 * A page read back from swap for a read stays linked to its slot (the swap
 * cache, kept in the frame's private tag) and is mapped read-only (mm/pte.c):
 * the first write drops the link. So a linked frame is always clean, and
 * evicting it again needs no I/O: the copy on disk is still good.
 *
 * A page several mappings share (MAP_SHARED memory, a file's page, a page
 * shared copy-on-write after fork) is found in every mapping through the
 * reverse map (mm/rmap.c): it is young if any of them used it, and eviction
 * takes it from all of them at once. A page of a shmem object leaves its
 * swap entry in the object, the mappings' entries empty; an anonymous page
 * leaves the swap entry in every mapping's entry.
 *
 * Never evicted: kernel memory (it is not in any process's user half), pages
 * of mlock'ed areas, the zero page, device memory (PTE_SPECIAL: no RAM to
 * free, mm/pfnmap.c), and frames something besides the mappings holds (the
 * kernel copying out of a file page). When neither free frames nor swap are
 * left, the OOM killer picks the process with the most resident pages —
 * never init — and waits for it to die rather than picking another while the
 * first still holds memory. */
#include "mm/reclaim.h"
#include "arch/x86.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "mm/frame.h"
#include "mm/pfnmap.h"
#include "mm/pte.h"
#include "mm/rmap.h"
#include "mm/shmem.h"
#include "mm/swap.h"

#define LOW_WATERMARK 256  /* frames kept free for the kernel's own allocations */
#define RECLAIM_BATCH 64

struct vmstat vmstat;
static u64 hand_mm;  /* the clock hand: an address space (by id, so its end is harmless) ... */
static u64 hand_va;  /* ... and an address in it */

/* What the reverse map found of a page's mappings. */
struct mappers {
	bool locked;    /* one of them is in an mlock'ed area */
	bool young;     /* one of them was used since the hand last passed */
};

static void look(const struct mapping *m, void *arg)
{
	struct mappers *found = arg;
	found->locked |= m->v->locked;
	if (*m->pte & PTE_A) { /* the CPU sets it again on the next use */
		found->young = true;
		*m->pte &= ~PTE_A;
		mm_flush(m->mm, m->va);
	}
}

/* Each mapping gives the frame up: its entry becomes the swap entry (an
 * anonymous page: every entry refers to the slot, counted once each) or
 * empty (an object's page: the object keeps the swap entry, and a fault
 * finds it there). */
struct unmapping {
	u64 pa;
	pte_t entry;
	unsigned done;
};

static void unmap_one(const struct mapping *m, void *arg)
{
	struct unmapping *u = arg;
	if (u->entry && u->done++)
		(void)swap_dup(pte_to_swp(u->entry)); /* evict checked that it can */
	*m->pte = u->entry;
	mm_flush(m->mm, m->va);
	frame_free(u->pa);
}

/* Write the page out (unless its swap-cache copy is still clean) and take
 * it from every mapping the reverse map finds (v at va is one). Not if a
 * mapping is locked, or something else holds a reference (the kernel
 * copying out of it): then the mappings found are not all the holders. */
static bool evict(struct vma *v, u64 va, u64 pa)
{
	struct mappers found = { false, false };
	u64 index;
	struct shmem *obj = rmap_object(v, va, pa, &index);
	unsigned n = rmap_walk(v, va, pa, look, &found);
	if (found.locked || frame_refs(pa) != n + (obj != NULL))
		return false;
	if (!obj && n > SWAP_MAX_REFS)
		return false; /* more mappings than a slot can count: it stays resident */
	swp_entry_t e = obj ? 0 : frame_private(pa);
	bool clean = e; /* in the swap cache, so never written since (mm/pte.c) */
	if (!e && !(e = swap_alloc()))
		return false; /* swap is full */
	if (!clean && swap_write(e, phys_to_virt(pa)) < 0) {
		swap_free(e);
		return false;
	}
	frame_set_private(pa, 0); /* the slot now belongs to the entries (or the object) */
	rmap_walk(v, va, pa, unmap_one, &(struct unmapping){ pa, obj ? 0 : swp_to_pte(e), 0 });
	if (obj)
		shmem_swapped_out(obj, index, e);
	vmstat.pswpout += !clean;
	vmstat.pgsteal++;
	return true;
}

static bool evictable(const struct vma *v, pte_t *pte)
{
	return pte && (*pte & PTE_P) && !(*pte & PTE_SPECIAL) && !v->locked &&
	       PTE_ADDR(*pte) != zero_frame();
}

/* One step of the clock at a resident page: true if its frame was freed.
 * A shared page is young if any of its mappings used it. */
static bool clock_step(struct vma *v, u64 va, pte_t *pte)
{
	u64 pa = PTE_ADDR(*pte);
	struct mappers found = { false, false };
	vmstat.pgscan++;
	rmap_walk(v, va, pa, look, &found);
	if (found.young) { /* second chance */
		vmstat.pgactivate++;
		return false;
	}
	return evict(v, va, pa);
}

/* The address space at the hand, or the next one after it, wrapping
 * around. Address spaces, not processes: threads share one, and its pages
 * are looked at once per turn of the clock. */
static struct mm *hand_at(void)
{
	struct mm *mm = mm_from(hand_mm);
	if (!mm || mm->id != hand_mm)
		hand_va = 0; /* that one is gone: start the next from its beginning */
	return mm ? mm : mm_first();
}

/* Advance the hand through one address space's areas from hand_va; stops after
 * 'budget' resident pages looked at, or when 'want' frames were freed.
 * Pages that are not resident cost nothing: only those can be evicted. */
static void sweep_mm(struct mm *mm, u64 *budget, u64 *freed, u64 want)
{
	for (struct vma *v = mm->vmas; v && *budget && *freed < want; v = v->next) {
		if (v->end <= hand_va)
			continue;
		for (u64 va = MAX(v->start, hand_va); va < v->end && *budget && *freed < want; va = hand_va) {
			pte_t *pte = walk(mm->pml4, va, false);
			hand_va = walk_next(mm->pml4, va);
			if (evictable(v, pte)) {
				(*budget)--;
				*freed += clock_step(v, va, pte);
			}
		}
	}
}

static u64 reclaim(u64 want)
{
	u64 freed = 0, budget = 2 * (frames_usable() + 1024); /* two turns of the clock at most */
	struct mm *mm = hand_at(); /* reclaim never sleeps: the list holds still */
	for (int n = 0; mm && n <= 2 * nmms && budget && freed < want; n++) {
		hand_mm = mm->id;
		sweep_mm(mm, &budget, &freed, want);
		if (freed < want) { /* this one is done: next one, from its start */
			mm = mm->all_next ? mm->all_next : mm_first();
			hand_va = 0;
		}
	}
	return freed;
}

u64 mm_resident_pages(struct mm *mm)
{
	u64 n = 0;
	for (struct vma *v = mm->vmas; v; v = v->next) {
		for (u64 va = v->start; va < v->end; va = walk_next(mm->pml4, va)) {
			pte_t *pte = walk(mm->pml4, va, false);
			n += pte && (*pte & PTE_P) && !(*pte & PTE_SPECIAL) && PTE_ADDR(*pte) != zero_frame();
		}
	}
	return n;
}

/* A process the OOM killer chose that still holds its memory: while there
 * is one, killing another would only take a second victim for one need. */
static bool victim_dying(void)
{
	for_each_proc(p)
		if (p->killed && p->state != P_ZOMBIE && p->mm)
			return true;
	return false;
}

/* Kill the process holding the most memory, never init (Linux's
 * oom_unkillable_task): it is what keeps the system alive. An address space
 * several threads share is counted once (the first of them stands for it:
 * oom_stamp marks it seen), and every process using it dies with the
 * victim, as Linux's oom_kill_process kills the mm's other users: killing
 * one would free nothing. NULL if there is none to kill. */
static struct proc *oom_kill(void)
{
	static u64 oom_stamp;
	struct proc *victim = NULL;
	u64 most = 0;
	oom_stamp++;
	for_each_proc(p) {
		if (p->state == P_ZOMBIE || p->killed || !p->mm || p->mm->oom_stamp == oom_stamp)
			continue;
		p->mm->oom_stamp = oom_stamp;
		if (p->pid == 1)
			continue; /* nor whatever shares init's memory */
		u64 n = mm_resident_pages(p->mm);
		if (!victim || n > most) {
			victim = p;
			most = n;
		}
	}
	if (!victim)
		return NULL;
	/* Named as the killer's act, with the signal, as Linux's "Out of
	 * memory: Killed process" is: the fault that found no frame is only
	 * where the victim happened to be, and is not reported (page_fault). */
	printk("faultline: out of memory: the OOM killer killed process %d (%s, %lu KiB resident) "
	       "with SIGKILL\n", victim->pid, victim->name, most * 4);
	vmstat.oom_kill++;
	struct mm *mm = victim->mm;
	for_each_proc(p)
		if (p->mm == mm)
			signal_send(p, SIGKILL);
	return victim;
}

bool reclaim_nowait;

bool frames_to_spare(void)
{
	return frames_free() > LOW_WATERMARK / 2;
}

/* A frame for user memory, zeroed or not (frame_alloc_unzeroed's rule). */
static u64 user_frame(bool zeroed)
{
	struct proc *me = myproc();
	for (;;) {
		if (me && me->killed)
			return 0; /* dying: its memory is about to come back, it needs none */
		if (frames_free() < LOW_WATERMARK)
			reclaim(RECLAIM_BATCH);
		if (frames_to_spare()) {
			/* With frames free, only fault injection fails one: the
			 * request fails, as Linux's fail_page_alloc fails it
			 * before any reclaim, and nobody is OOM-killed for it. */
			return frame_alloc_user(zeroed);
		}
		if (reclaim(RECLAIM_BATCH))
			continue;
		if (!victim_dying() && !oom_kill())
			return 0; /* nothing left to kill: the caller's request fails */
		if (reclaim_nowait)
			return 0; /* the caller must not sleep (mm/remote.c): fail instead */
		yield(); /* let the victim run to its death and free its memory */
	}
}

u64 user_frame_alloc(void)
{
	return user_frame(true);
}

u64 user_frame_alloc_unzeroed(void)
{
	return user_frame(false);
}

int swap_in(struct mm *mm, struct vma *v, u64 va, pte_t *pte, bool write)
{
	swp_entry_t e = pte_to_swp(*pte);
	u64 pa = user_frame_alloc_unzeroed(); /* the read fills all of it, or it is freed unmapped */
	if (!pa)
		return -ENOMEM;
	if (swap_read(e, phys_to_virt(pa)) < 0) {
		frame_free(pa);
		return -EIO;
	}
	pte = walk(mm->pml4, va, false); /* reclaim may have run: look again */
	if (!pte || pte_to_swp(*pte) != e || !pte_is_swap(*pte)) {
		frame_free(pa);
		return 0; /* someone else brought it in meanwhile */
	}
	/* Keep the slot for a page only read (a clean page needs no write next
	 * time), unless it is shared or slots are scarce (Linux's vm_swap_full()). */
	if (!write && swap_count(e) == 1 && !swap_half_full())
		frame_set_private(pa, e);
	else
		swap_free(e);
	*pte = 0;
	pte_update(mm, v, va, pte, pa);
	vmstat.pswpin++;
	vmstat.pgmajfault++;
	return 0;
}

/* Linux's MADV_PAGEOUT leaves pages that other mappings share. */
bool page_out(struct mm *mm, u64 va)
{
	struct vma *v = vma_find(mm, va);
	pte_t *pte = walk(mm->pml4, va, false);
	return v && evictable(v, pte) && rmap_walk(v, va, PTE_ADDR(*pte), NULL, NULL) == 1 &&
	       evict(v, va, PTE_ADDR(*pte));
}

static int detaching;

/* Frames in the swap cache of an area going away forget their slot. */
static void detach_cached(u64 pa, u64 e)
{
	if ((int)(e >> 32) == detaching) {
		frame_set_private(pa, 0);
		swap_free(e);
	}
}

int swapin_area(int area)
{
	/* Other processes' pages: swap_in must not yield to an OOM victim
	 * (reclaim_nowait), which could be the owner, exiting with the page
	 * tables being filled. Without memory for a page, swapoff is ENOMEM. */
	struct mm *mm;
	for (u64 id = 0; (mm = mm_from(id));) {
		id = mm->id + 1;
		for (struct vma *v = mm->vmas; v; v = v->next) {
			for (u64 va = v->start; va < v->end; va = walk_next(mm->pml4, va)) {
				pte_t *pte = walk(mm->pml4, va, false);
				bool ours = pte && pte_is_swap(*pte) && pte_to_swp(*pte) >> 32 == (u64)area;
				if (!ours)
					continue;
				reclaim_nowait = true;
				int err = swap_in(mm, v, va, pte, false);
				reclaim_nowait = false;
				if (err < 0)
					return -ENOMEM;
			}
		}
	}
	if (shmem_swapin_area(area) < 0)
		return -ENOMEM;
	detaching = area;
	frame_for_each_private(detach_cached);
	return 0;
}

/* A frame in the swap cache was freed: its slot is no longer needed. */
static void drop_cached_slot(u64 pa, u64 e)
{
	(void)pa;
	swap_free(e);
}

void reclaim_init(void)
{
	frame_on_release(drop_cached_slot);
}
