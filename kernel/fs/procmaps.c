/* kernel/fs/procmaps.c — /proc/PID/maps and /proc/PID/pagemap: a process's
 * areas as Linux's show_map_vma prints them, and one 64-bit word per
 * virtual page saying what its page-table entry holds, as Linux's
 * fs/proc/task_mmu.c encodes it (Documentation/admin-guide/mm/pagemap.rst),
 * so that a program that reads them on Linux reads them here too (user/ptdump,
 * user/cowdemo).
 *
 * Both are generated from the live tables at every read. maps is cut from
 * the text at the file offset: a process that changes its areas between
 * two reads may see a line twice or miss one, where Linux resumes at the
 * next area. Nothing is held while the text is copied out, because that
 * copy can fault and sleep and the areas can change meanwhile: each read
 * builds a page of text, then copies it. */
#include "kernel/errno.h"
#include "kernel/fs/file.h"
#include "kernel/fs/path.h"
#include "kernel/fs/procfs.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/pfnmap.h"
#include "mm/remote.h"
#include "mm/shmem.h"
#include "mm/swap.h"

#define MAPS_NAME_COL 72 /* Linux pads to 25 + 6 * sizeof(void *) - 1, then one blank */

/* A file found by ramfs_walk: the directory and entry that name it. */
struct named {
	const struct inode *ip;
	struct inode *dir;
	const struct dentry *de;
};

static void find_name(struct inode *dir, struct dentry *de, UNUSED bool first, void *arg)
{
	struct named *n = arg;
	if (de->ip == n->ip && !n->de) {
		n->dir = dir;
		n->de = de;
	}
}

/* The absolute name of a mapped file. An inode does not know its names, so
 * the tree is searched: a read of maps costs a walk of the ramfs per mapped
 * file. A file no name links any more is " (deleted)", as Linux marks it
 * (Linux still knows the old name; faultline does not). */
static void file_name(const struct inode *ip, char *buf, size_t size)
{
	struct named n = { ip, NULL, NULL };
	ramfs_walk(find_name, &n);
	struct nameparts np = { n.dir, n.de ? n.de->name : "", n.de ? strlen(n.de->name) : 0,
				false, false };
	if (!n.de || path_name_of(&np, buf, size))
		snprintf(buf, size, " (deleted)");
}

/* What Linux prints after the inode: the file, [heap], [stack], [vvar]
 * and [vdso] (kernel/vdso.c), the
 * program for its own segments (faultline copies them from the file into
 * anonymous memory, so they have no offset, device or inode), shared
 * anonymous memory as "/dev/zero (deleted)" (Linux's shmem name), or
 * nothing. */
static void area_name(const struct proc *p, const struct vma *v, char *buf, size_t size)
{
	buf[0] = '\0';
	if (v->file)
		file_name(v->file, buf, size);
	else if (v->kind == VMA_HEAP)
		snprintf(buf, size, "[heap]");
	else if (v->kind == VMA_STACK)
		snprintf(buf, size, "[stack]");
	else if (v->kind == VMA_IMAGE && p->exe)
		snprintf(buf, size, "%s", p->exe);
	else if (v->shm)
		snprintf(buf, size, "/dev/zero (deleted)");
	else if (v->pfn && v->pfn->name)
		snprintf(buf, size, "%s", v->pfn->name);
}

/* One line: "start-end perms offset major:minor inode", then the name in
 * column 73. Its length (at most size - 1). */
static size_t map_line(const struct proc *p, const struct vma *v, char *line, size_t size)
{
	char name[256];
	area_name(p, v, name, sizeof(name));
	bool backed = v->file || v->shm;
	u64 ino = v->file ? v->file->ino : 0;
	size_t n = (size_t)snprintf(line, size, "%08lx-%08lx %c%c%c%c %08lx %02x:%02x %lu ", v->start,
				    v->end, (v->prot & PROT_READ) ? 'r' : '-',
				    (v->prot & PROT_WRITE) ? 'w' : '-', (v->prot & PROT_EXEC) ? 'x' : '-',
				    v->shared ? 's' : 'p', backed ? v->file_off : 0ul, 0,
				    backed ? RAMFS_DEV : 0, ino);
	if (name[0]) {
		while (n < MAPS_NAME_COL)
			line[n++] = ' ';
		n += (size_t)snprintf(line + n, size - n, " %s", name);
	}
	if (n > size - 2)
		n = size - 2;
	line[n++] = '\n';
	line[n] = '\0';
	return n;
}

/* The bytes of the text from *pos on, as many as fit in out (size cap). */
static size_t maps_text(int pid, u64 pos, char *out, size_t cap)
{
	struct proc *p = proc_find(pid);
	struct mm *mm = remote_mm(pid);
	char line[400];
	size_t len = 0;
	u64 at = 0; /* offset of the line in the whole text */
	for (struct vma *v = mm ? mm->vmas : NULL; v && len < cap; v = v->next) {
		size_t n = map_line(p, v, line, sizeof(line));
		if (at + n > pos) {
			size_t from = pos > at ? pos - at : 0, k = n - from;
			k = k < cap - len ? k : cap - len;
			memcpy(out + len, line + from, k);
			len += k;
		}
		at += n;
	}
	return len;
}

static long maps_read(struct file *f, struct uio *u, u64 *pos)
{
	char *text = kmalloc(PAGE_SIZE);
	if (!text)
		return -ENOMEM;
	size_t len = maps_text(f->pid, *pos, text, u->resid < PAGE_SIZE ? u->resid : PAGE_SIZE);
	size_t done = uio_copy_out(u, text, len);
	kfree(text);
	*pos += done;
	return uio_result(u, done);
}

/* Linux's pagemap bits (fs/proc/task_mmu.c: PM_*). */
#define PM_PFN_MASK ((1ul << 55) - 1) /* bits 0-54: the frame, or the swap type and offset */
#define PM_EXCLUSIVE (1ul << 56)      /* mapped by this one page table only */
#define PM_FILE (1ul << 61)           /* a file's page or shared anonymous memory */
#define PM_SWAP (1ul << 62)
#define PM_PRESENT (1ul << 63)
#define SWP_TYPE_BITS 5               /* Linux's MAX_SWAPFILES_SHIFT: the offset starts above */
#define PAGEMAP_CHUNK 64              /* entries made at a time, on the stack */

/* The word for the page at va whose entry is e. A swap entry is the area
 * in bits 0-4 and the slot above, as Linux's swp_type | swp_offset << 5. A
 * PROT_NONE page keeps its frame in a non-present entry and counts as
 * present, as Linux's PROT_NONE entries do. The zero page and device memory
 * are neither a file's nor exclusive (Linux's vm_normal_page finds no page
 * for them). A page of a shmem object (shared memory, a file) is the
 * object's and counts one reference fewer mapping it. */
static u64 pagemap_entry(struct mm *mm, u64 va, pte_t e, bool show_pfn)
{
	if (pte_is_swap(e)) {
		swp_entry_t s = pte_to_swp(e);
		u64 frame = (s >> 32) | ((s & 0xffffffffu) << SWP_TYPE_BITS);
		return PM_SWAP | (show_pfn ? frame & PM_PFN_MASK : 0);
	}
	u64 pa = PTE_ADDR(e);
	if (!pa)
		return 0;
	u64 word = PM_PRESENT | (show_pfn ? (pa / PAGE_SIZE) & PM_PFN_MASK : 0);
	if (pa == zero_frame() || (e & PTE_SPECIAL))
		return word;
	struct vma *v = vma_find(mm, va);
	bool file = v && v->shm && shmem_frame(v->shm, (v->file_off + va - v->start) / PAGE_SIZE) == pa;
	return word | (file ? PM_FILE : 0) | (frame_refs(pa) - file == 1 ? PM_EXCLUSIVE : 0);
}

/* Up to max entries from va on, within va's page table; 0 if that table
 * does not exist (the caller skips the whole region it would cover). */
static size_t pagemap_chunk(struct mm *mm, u64 va, size_t max, bool show_pfn, u64 *out)
{
	pte_t *pte = walk(mm->pml4, va, false);
	if (!pte)
		return 0;
	size_t left = (HUGE_PAGE_SIZE - va % HUGE_PAGE_SIZE) / PAGE_SIZE, n = 0;
	for (; n < max && n < left; n++)
		out[n] = pagemap_entry(mm, va + n * PAGE_SIZE, pte[n], show_pfn);
	return n;
}

/* Linux's pagemap_read: the file offset is vaddr / 4096 * 8, so offset and
 * count must be multiples of 8 (EINVAL); it ends at the top of user space;
 * a fault in the buffer is EFAULT for the whole call. The frame numbers are
 * shown to a reader with CAP_SYS_ADMIN (Linux decides at open, with the
 * opener's capabilities; faultline at each read, with the reader's), 0 to
 * others. Regions whose page tables do not exist are zeros written without
 * looking at them page by page: a read costs what is mapped, plus the
 * zeros. 0 once the process's memory is gone. */
static long pagemap_read(struct file *f, struct uio *u, u64 *pos)
{
	if (*pos % 8 || u->resid % 8)
		return -EINVAL;
	bool show_pfn = capable(myproc(), CAP_SYS_ADMIN);
	u64 va = *pos / 8 < TASK_SIZE_MAX / PAGE_SIZE ? *pos / 8 * PAGE_SIZE : TASK_SIZE_MAX;
	size_t done = 0;
	u64 words[PAGEMAP_CHUNK];
	struct mm *mm;
	while (u->resid && va < TASK_SIZE_MAX && (mm = remote_mm(f->pid))) {
		size_t max = MIN(MIN(u->resid / 8, PAGEMAP_CHUNK), (TASK_SIZE_MAX - va) / PAGE_SIZE);
		size_t n = pagemap_chunk(mm, va, max, show_pfn, words), want, got;
		if (n) {
			want = n * 8;
			got = uio_copy_out(u, words, want);
		} else {
			u64 end = walk_next(mm->pml4, va);
			n = ((end < TASK_SIZE_MAX ? end : TASK_SIZE_MAX) - va) / PAGE_SIZE;
			want = n < u->resid / 8 ? n * 8 : u->resid;
			got = uio_clear(u, want);
		}
		if (got < want)
			return -EFAULT;
		done += got;
		va += got / 8 * PAGE_SIZE;
	}
	*pos += done;
	return (long)done;
}

static int open_readable(struct file *f)
{
	int err = procpid_open(f);
	return err ? err : procpid_may_access(f) ? 0 : -EACCES;
}

const struct devops procmaps_ops = { .read = maps_read, .open = open_readable, .seekable = true,
				     .positional = true };
const struct devops procpagemap_ops = { .read = pagemap_read, .open = open_readable,
					.seekable = true, .positional = true, .unsigned_pos = true };
