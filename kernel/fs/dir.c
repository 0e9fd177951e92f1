/* kernel/fs/dir.c — getdents64: the records Linux's filldir64 writes, for "."
 * and "..", then the entries in the order and at the positions tmpfs gives
 * them (kernel/fs/ramfs.h). The file offset is the position to resume at, so
 * a listing can be read in any number of calls. */
#include "kernel/fs/dir.h"
#include "kernel/fs/procfs.h"
#include "kernel/string.h"

size_t dirent_pack(void *rec, u64 ino, u64 next, u32 mode, const char *name, size_t len)
{
	struct dirent64 *d = rec;
	size_t reclen = ALIGN_UP(offsetof(struct dirent64, d_name) + len + 1, 8);
	memset(rec, 0, reclen); /* the padding reaches the user too */
	d->d_ino = ino;
	d->d_off = (i64)next;
	d->d_reclen = (u16)reclen;
	d->d_type = (u8)((mode & S_IFMT) >> 12);
	memcpy(d->d_name, name, len);
	return reclen;
}

static u64 position_of(const struct dentry *de) { return de ? de->cookie : DIR_POS_EOD; }

/* The record for position pos, or 0 at the end. */
static size_t pack_at(struct inode *dir, u64 pos, void *rec, u64 *next)
{
	if (pos == 0) {
		*next = 1;
		return dirent_pack(rec, dir->ino, *next, S_IFDIR, ".", 1);
	}
	if (pos == 1) {
		*next = position_of(dir->entries);
		return dirent_pack(rec, dir->parent->ino, *next, S_IFDIR, "..", 2);
	}
	struct dentry *de = ramfs_entry_at(dir, pos);
	if (!de)
		return 0;
	*next = position_of(de->next);
	return dirent_pack(rec, de->ip->ino, *next, de->ip->mode, de->name, strlen(de->name));
}

/* As Linux: EINVAL if not even the first record fits, EFAULT if it cannot
 * be written; after that, a record that does not fit or faults ends the
 * call with the bytes before it, and is the next call's first. A removed
 * directory lists nothing: ENOENT (IS_DEADDIR). Linux keeps the count in
 * an int, so above INT_MAX it is negative and no record fits. */
long dir_getdents(struct file *f, void __user *buf, size_t count)
{
	struct inode *dir = f->ip;
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (!dir->nlink)
		return -ENOENT;
	if (count > INT32_MAX)
		count = 0;
	procfs_fill(dir); /* /proc lists every process */
	u8 rec[DIRENT_MAX] __attribute__((aligned(8)));
	size_t done = 0, len;
	u64 next;
	while ((len = pack_at(dir, f->off, rec, &next))) {
		if (len > count - done)
			return done ? (long)done : -EINVAL;
		if (copy_to_user((char __user *)buf + done, rec, len))
			return done ? (long)done : -EFAULT;
		done += len;
		f->off = next;
	}
	f->off = DIR_POS_EOD; /* as offset_iterate_dir leaves it, even from position 2 */
	return (long)done;
}
