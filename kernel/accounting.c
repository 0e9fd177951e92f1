/* kernel/accounting.c — the resource counters of kernel/accounting.h, and
 * the figures the leak checks compare: memory held for processes, net of
 * what the kernel keeps on purpose and of what programs may leave behind
 * by design (files in the ramfs, named message queues). */
#include "kernel/accounting.h"
#include "kernel/fs/path.h"
#include "kernel/fs/procfs.h"
#include "kernel/ipc/mq.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/kstack.h"
#include "mm/shmem.h"
#include "mm/swap.h"
#include "mm/vma.h"

long acct_pools[NACCT];

static const char *const pool_names[NACCT] = {
	[ACCT_PAGE_TABLES] = "page_tables", [ACCT_FD_TABLES] = "fd_tables",
	[ACCT_FILES] = "files",             [ACCT_PIPES] = "pipes",
	[ACCT_VMAS] = "vmas",
	[ACCT_SHMEM] = "shmem_objects",     [ACCT_SIGHANDS] = "sighands",
};

/* What the tree holds: heap bytes, frames (file data), inodes and their
 * data objects; and (if ino0) the files made since inode ino0, each named:
 * printed (buf NULL) or appended to buf as `leftover PATH BYTES`. */
struct tree_tally {
	size_t bytes, frames, inodes, objects, slots;
	u64 ino0;
	char *buf;
	size_t size, len;
};

static void leftover(struct tree_tally *t, const char *name, const struct inode *ip)
{
	if (!t->buf) {
		if (S_ISDIR(ip->mode))
			printk("faultline: leftover directory: %s\n", name);
		else
			printk("faultline: leftover file: %s (%lu bytes)\n", name, (unsigned long)ip->size);
	} else if (t->len < t->size) {
		t->len += (size_t)snprintf(t->buf + t->len, t->size - t->len, "leftover %s%s %lu\n",
					   name, S_ISDIR(ip->mode) ? "/" : "", (unsigned long)ip->size);
	}
}

static void tally(struct inode *dir, struct dentry *de, bool first, void *arg)
{
	struct tree_tally *t = arg;
	t->bytes += ramfs_entry_bytes(de, first);
	t->frames += ramfs_entry_frames(de, first);
	t->inodes += first;
	t->objects += first && de->ip->shm;
	t->slots += first && de->ip->shm ? shmem_swapped(de->ip->shm) : 0;
	if (!first || !t->ino0 || de->ip->ino < t->ino0 || procfs_pid_entry(dir, de))
		return;
	static char name[PATH_MAX];
	struct nameparts np = { dir, de->name, strlen(de->name), false, false };
	if (path_name_of(&np, name, sizeof(name)))
		snprintf(name, sizeof(name), "(too long)/%s", de->name);
	leftover(t, name, de->ip);
}

/* Frames that are free, or kept for reuse: by the heap, and as page tables
 * of the kernel-stack area (more processes at once need more of them, and
 * slots are reused, never unmapped). */
size_t frames_back(void)
{
	return frames_free() + kheap_frames() + kstack_table_frames();
}

static struct acct_mem mem_of(const struct tree_tally *t, bool name_queues)
{
	size_t mq = mq_leftovers(name_queues);
	return (struct acct_mem){
		.frames = (long)frames_usable() - (long)frames_back() - (long)t->frames,
		.heap = (long)kheap_in_use() - (long)t->bytes - (long)mq,
	};
}

struct acct_mem acct_mem(u64 ino0)
{
	struct tree_tally t = { .ino0 = ino0 };
	ramfs_walk(tally, &t);
	return mem_of(&t, ino0 != 0);
}

/* Leftover files are not counted: their inodes, objects, frames, heap and
 * swap slots are left out of the figures (acct_show names them). The kernel-stack
 * area's page tables are kept for reuse (frames_back). */
void acct_counters(struct acct_counter c[NCOUNTERS])
{
	struct tree_tally t = { 0 };
	ramfs_walk(tally, &t);
	struct acct_mem m = mem_of(&t, false);
	struct swap_stats s;
	swap_stats(&s);
	u64 pages, inodes, max;
	ramfs_usage(&pages, &inodes, &max);
	c[0] = (struct acct_counter){ "frames", m.frames };
	c[1] = (struct acct_counter){ "heap", m.heap };
	c[2] = (struct acct_counter){ "swap_slots",
				      (long)(s.total_pages - s.free_pages) - (long)t.slots };
	c[3] = (struct acct_counter){ "procs", nprocs };
	c[4] = (struct acct_counter){ "mms", nmms };
	c[5] = (struct acct_counter){ "inodes", (long)inodes - (long)t.inodes };
	for (int i = 0; i < NACCT; i++) {
		long v = acct_pools[i];
		if (i == ACCT_PAGE_TABLES)
			v -= (long)kstack_table_frames();
		if (i == ACCT_SHMEM)
			v -= (long)t.objects;
		c[NCOUNTERS - NACCT + i] = (struct acct_counter){ pool_names[i], v };
	}
}

size_t acct_show(char *buf, size_t size, u64 ino0)
{
	struct acct_counter c[NCOUNTERS];
	acct_counters(c);
	size_t n = 0;
	for (int i = 0; i < NCOUNTERS && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s %ld\n", c[i].name, c[i].value);
	if (n < size)
		n += (size_t)snprintf(buf + n, size - n, "next_ino %lu\n", (unsigned long)ramfs_next_ino());
	if (ino0 && n < size) {
		struct tree_tally names = { .ino0 = ino0, .buf = buf + n, .size = size - n };
		ramfs_walk(tally, &names);
		n += names.len;
	}
	return MIN(n, size - 1);
}
