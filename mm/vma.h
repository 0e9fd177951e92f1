/* mm/vma.h — a process's address space: its page tables and the virtual
 * memory areas (VMAs) that say what may be mapped where. Page tables are a
 * cache of the VMAs: a page is only put in them on first touch. The VMAs
 * are kept twice: in a list sorted by address, to walk them in order, and
 * in a search tree (mm/vmatree.h), to find one or a hole in O(log n). */
#pragma once
#include "kernel/types.h"
#include "mm/vm.h"
#include "mm/vmatree.h"

/* Linux's PROT_* and MAP_* values (the ABI is Linux's). */
#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_GROWSDOWN 0x100
#define MAP_NORESERVE 0x4000
#define MAP_FIXED_NOREPLACE 0x100000

enum vma_kind { VMA_ANON, VMA_STACK, VMA_HEAP, VMA_IMAGE, VMA_FILE, VMA_DEVICE };

#define MCL_CURRENT 1
#define MCL_FUTURE 2
#define MCL_ONFAULT 4

struct inode;
struct shmem;
struct pfn_region;

struct vma {
	u64 start, end;        /* [start, end), page aligned */
	u32 prot;              /* PROT_* */
	enum vma_kind kind;    /* what the fault report calls it */
	bool locked;           /* mlock: resident, never evicted */
	bool lock_onfault;     /* ... locked as pages come in (MLOCK_ONFAULT, MCL_ONFAULT), none brought in */
	bool shared;           /* MAP_SHARED (Linux's VM_SHARED): writes go to the pages every mapper sees */
	bool nowrite;          /* shared, of a file not open for writing (Linux's !VM_MAYWRITE):
	                          mprotect may not add PROT_WRITE */
	bool noexec;           /* Linux's !VM_MAYEXEC (the vvar page): mprotect may not add PROT_EXEC */
	struct shmem *shm;     /* the object whose pages it maps (shared memory, a file), or NULL */
	struct vma *shm_next;  /* the object's other areas: its reverse map (mm/rmap.c) */
	bool dontfork;         /* MADV_DONTFORK: fork leaves this area out of the child */
	struct inode *file;    /* VMA_FILE: the file, held, so it lives while mapped */
	u64 file_off;          /* offset of 'start' in the file or the shmem object, bytes;
	                          VMA_DEVICE: the physical address of 'start' */
	struct pfn_region *pfn; /* VMA_DEVICE: the device memory mapped (mm/pfnmap.h) */
	u64 anon;              /* Linux's anon_vma, as an identity: 0 until the area gets its first
	                          private page; the halves of a split share it, a fork's copy gets
	                          a new one; areas merge only if theirs agree or one has none */
	bool anon_forked;      /* ... and that identity is a fork's: no neighbour may borrow it */
	struct mm *mm;         /* the address space it is in (set by vma_link) */
	struct vma *next;      /* sorted by address */
	struct vmatree_node tree; /* mm/vmatree.c's links */
};

struct mm {
	pte_t *pml4;
	struct vma *vmas;      /* the areas in address order, linked by next */
	struct vma *vma_tree;  /* the same areas as a search tree */
	struct vma *vma_hint;  /* the area vma_find_hinted found last, or NULL: in the tree,
	                          always (cleared whenever an area leaves it) */
	u32 map_count;         /* how many there are */
	u64 brk_start, brk;    /* the heap: [brk_start, brk) */
	u64 arg_start, arg_end; /* execve's argument strings on the stack (/proc/PID/cmdline) */
	u64 mmap_base;         /* mmap without a hint searches down from here */
	int lock_future;       /* mlockall's MCL_FUTURE | MCL_ONFAULT, or 0: new areas are born
	                          locked (and populated, unless MCL_ONFAULT) */
	int refs;              /* mm_alloc'd: the threads (CLONE_VM) using it, plus mm_get's */
	u64 id;                /* mm_alloc'd: order in the list of address spaces; never reused */
	struct mm *all_next, *all_prev; /* that list (for_each_mm) */
	u64 oom_stamp;         /* the OOM killer's "already counted" mark (mm/reclaim.c) */
};

struct vma *vma_find(struct mm *mm, u64 addr);  /* the VMA containing addr, or NULL */
struct vma *vma_find_hinted(struct mm *mm, u64 addr); /* the same, for the fault path */
struct vma *vma_from(struct mm *mm, u64 addr);  /* ... else the first one above addr, or NULL */
int vma_map(struct mm *mm, u64 start, u64 len, u32 prot, enum vma_kind kind); /* replaces overlaps */
/* The same for shared anonymous memory, or a mapping of file (proto says
 * shared, nowrite and prot) from offset off. */
int vma_map_shared(struct mm *mm, u64 start, u64 len, u32 prot);
int vma_map_file(struct mm *mm, u64 start, u64 len, const struct vma *proto, struct inode *file,
		 u64 off);
/* Adds v (overlapping no area) to list and tree, and to its object's reverse map. */
void vma_link(struct mm *mm, struct vma *v);
/* A new area as proto describes it (start and end included), replacing
 * whatever overlaps it: 0 or -ENOMEM. */
int vma_insert(struct mm *mm, const struct vma *proto);
/* Linux's VM_SPECIAL: device memory is never locked; mlock leaves it alone. */
static inline bool vma_lockable(const struct vma *v) { return !v->pfn; }
void vma_free(struct vma *v);          /* drops what the VMA holds (file, object, device), then the VMA */
struct vma *vma_alloc(void);           /* a zeroed VMA, counted (kernel/accounting.h), or NULL */
void vma_hold(struct vma *v);          /* a copy of v was made (split, fork) */
int vma_unmap(struct mm *mm, u64 start, u64 len);
/* Linux's vma_modify: the part [s, e) of area v gets want's flags (want is
 * v with prot, locked, lock_onfault or dontfork changed). Nothing is done
 * if they are v's already; else v is cut at s and e, where a cut is
 * refused at the map count limit unless the part then merges with the
 * area beyond that cut. Then the part merges with its neighbours where it
 * can (vma_merge): v may be gone. 0 or -ENOMEM; a cut already made stays,
 * as on Linux. */
int vma_modify(struct mm *mm, struct vma *v, u64 s, u64 e, const struct vma *want);
/* Linux's vma_merge, for private anonymous memory: each pair of neighbours
 * in or next to [start, end) that could be one area (same kind, rights,
 * locking, fork rule, agreeing anon identities) becomes one, as
 * /proc/PID/maps and the map count show on Linux. File, shared and device
 * areas are left as they are. Called at the end of the calls that make
 * areas and by vma_modify, never while holding an area of the range. */
void vma_merge(struct mm *mm, u64 start, u64 end);
void vma_anon_prepare(struct vma *v); /* v gets its first private page: give it an identity */
u64 vma_anon_new(void);               /* a fresh identity (fork's copy of an area that had one) */
int vma_protect(struct mm *mm, u64 start, u64 len, u32 prot);
u64 vma_free_area(struct mm *mm, u64 len);       /* a gap of len bytes, or 0 */
bool vma_free_gap(struct mm *mm, u64 start, u64 end); /* no VMA overlaps [start, end) */
int mm_init(struct mm *mm);   /* an empty address space in place (kernel tests, mm_alloc) */
void mm_free(struct mm *mm);  /* its areas and page tables freed */
/* An address space threads can share (Linux's mm_struct with mm_users):
 * mm_alloc makes an empty one with one reference (NULL: no memory), every
 * thread sharing it holds one (clone with CLONE_VM takes mm_get), and the
 * last mm_put frees it. Every such address space is on one list, oldest
 * first, so that what walks address spaces (reclaim, the reverse map, the
 * OOM killer) visits each once, however many threads share it. */
struct mm *mm_alloc(void);
struct mm *mm_get(struct mm *mm);
void mm_put(struct mm *mm);
struct mm *mm_first(void);
struct mm *mm_from(u64 id);   /* the first with an id >= id, or NULL */
#define for_each_mm(m) for (struct mm *m = mm_first(); m; m = m->all_next)
extern int nmms;              /* how many there are */
const char *vma_kind_name(enum vma_kind kind);
/* The frame behind va, brought in as an access by the process itself would
 * bring it (from swap, demand-zero; for a write made this address space's
 * own, copied if shared copy-on-write), so the kernel may read or write it
 * through the direct map. The area must allow the access; force (FOLL_FORCE)
 * allows any read and a write into any private area (mm/vma.c). 0 when it
 * may not (device memory never), when memory or the disk fails, or no VMA
 * covers va. */
u64 mm_frame(struct mm *mm, u64 va, bool write, bool force);
/* Write kernel bytes into another address space through the direct map,
 * creating its pages as needed (exec builds a new image this way). */
int mm_write(struct mm *mm, u64 va, const void *src, u64 n);
/* The same with the bytes from copy(arg, done, dst, len), which puts the len
 * bytes that follow the first 'done' into dst (the frame, through the
 * direct map), piece by piece within pages: exec reads a file's segments
 * straight into the new pages with it. 0, copy's negative errno, or -ENOMEM. */
int mm_fill(struct mm *mm, u64 va, u64 n, long (*copy)(void *arg, u64 done, void *dst, u64 len),
	    void *arg);
