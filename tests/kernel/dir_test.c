/* tests/kernel/dir_test.c — getdents64 from the kernel side: the record
 * layout (8-byte padding, zeroed), then listings through dir_getdents into
 * user memory: ".", ".." and the entries newest first with tmpfs's
 * positions, resuming across calls and buffer sizes, EINVAL and EFAULT,
 * names added and removed mid-listing, and a removed directory. */
#include "kernel/fs/dir.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/kheap.h"
#include "tests/kernel/usermem.h"

#define U USERMEM
#define ENTRIES_BUF 4096

static u8 rec[DIRENT_MAX] __attribute__((aligned(8)));
static u8 listing[ENTRIES_BUF] __attribute__((aligned(8)));

KTEST(dirent_record_packing)
{
	static const struct {
		size_t namelen, reclen;
	} sizes[] = { { 1, 24 }, { 4, 24 }, { 5, 32 }, { 12, 32 }, { 13, 40 }, { NAME_MAX, 280 } };
	static char name[NAME_MAX + 1];
	memset(name, 'n', NAME_MAX);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		memset(rec, 0xee, sizeof(rec));
		size_t n = sizes[i].namelen;
		KEXPECT_EQ(dirent_pack(rec, 42, 7, S_IFREG | 0644, name, n), sizes[i].reclen);
		struct dirent64 *d = (struct dirent64 *)rec;
		KEXPECT(d->d_ino == 42 && d->d_off == 7 && d->d_reclen == sizes[i].reclen);
		KEXPECT_EQ(d->d_type, 8); /* DT_REG */
		KEXPECT(memcmp(d->d_name, name, n) == 0);
		size_t stale = 0;
		for (size_t at = offsetof(struct dirent64, d_name) + n; at < sizes[i].reclen; at++)
			stale += rec[at] != 0; /* the NUL and the padding */
		KEXPECT_EQ(stale, 0);
	}
	KEXPECT_EQ(DIRENT_MAX, 280);
	dirent_pack(rec, 1, 1, S_IFDIR, ".", 1);
	KEXPECT_EQ(((struct dirent64 *)rec)->d_type, 4); /* DT_DIR */
	dirent_pack(rec, 1, 1, S_IFCHR, "null", 4);
	KEXPECT_EQ(((struct dirent64 *)rec)->d_type, 2); /* DT_CHR */
}

/* getdents64 into the user buffer; the records come back in 'listing'. */
static long list(struct file *f, u64 uaddr, size_t count)
{
	long n = dir_getdents(f, uptr(uaddr), count);
	if (n > 0)
		KEXPECT_EQ(copy_from_user(listing, uptr(uaddr), (size_t)n), 0);
	return n;
}

/* The names in listing[0, n), separated by spaces, and each record sane. */
static const char *names(long n)
{
	static char out[256];
	size_t len = 0;
	out[0] = '\0';
	for (long at = 0; at < n;) {
		struct dirent64 *d = (struct dirent64 *)(listing + at);
		KEXPECT(d->d_reclen % 8 == 0 && d->d_reclen >= 24);
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s", len ? " " : "", d->d_name);
		at += d->d_reclen;
	}
	return out;
}

static struct dirent64 *record(size_t i)
{
	size_t at = 0;
	while (i--)
		at += ((struct dirent64 *)(listing + at))->d_reclen;
	return (struct dirent64 *)(listing + at);
}

static struct inode *dir, *a, *b, *c;

static struct file *make_dir(void)
{
	struct inode *top;
	struct file *f;
	KEXPECT_EQ(ramfs_create(ramfs_root(), "ktest-dents", 11, S_IFDIR | 0755, 0, &top), 0);
	dir = top;
	KEXPECT_EQ(ramfs_create(dir, "a", 1, S_IFREG | 0644, 0, &a), 0);
	KEXPECT_EQ(ramfs_create(dir, "bbbbb", 5, S_IFREG | 0644, 0, &b), 0);
	KEXPECT_EQ(ramfs_create(dir, "c", 1, S_IFDIR | 0755, 0, &c), 0);
	KEXPECT_EQ(file_open(dir, O_RDONLY, &f), 0);
	return f;
}

static void remove_dir(struct file *f)
{
	ramfs_remove(dir, "a", 1, false);
	ramfs_remove(dir, "bbbbb", 5, false);
	ramfs_remove(dir, "c", 1, true);
	KEXPECT_EQ(ramfs_remove(ramfs_root(), "ktest-dents", 11, true), 0);
	KEXPECT_EQ(list(f, U, ENTRIES_BUF), -ENOENT); /* open, but removed */
	file_close(f);
}

KTEST(getdents_positions_and_resuming)
{
	size_t heap0 = kheap_in_use();
	struct proc *p = usermem_begin(1);
	struct file *f = make_dir();
	long n = list(f, U, ENTRIES_BUF);
	KEXPECT_EQ(n, 24 + 24 + 24 + 32 + 24);
	KEXPECT(strcmp(names(n), ". .. c bbbbb a") == 0);
	/* Entries are numbered from 3 as made; each d_off is where the next is. */
	KEXPECT(record(0)->d_ino == dir->ino && record(0)->d_off == 1);
	KEXPECT(record(1)->d_ino == ramfs_root()->ino && record(1)->d_off == 5);
	KEXPECT(record(2)->d_ino == c->ino && record(2)->d_off == 4 && record(2)->d_type == 4);
	KEXPECT(record(3)->d_off == 3 && record(3)->d_type == 8);
	KEXPECT_EQ(record(4)->d_off, DIR_POS_EOD);
	KEXPECT_EQ(f->off, DIR_POS_EOD);
	KEXPECT_EQ(list(f, U, ENTRIES_BUF), 0);

	/* One record per call when only one fits; none fitting is EINVAL. */
	KEXPECT_EQ(file_lseek(f, 0, SEEK_SET), 0);
	KEXPECT_EQ(list(f, U, 23), -EINVAL);
	KEXPECT_EQ(list(f, U, 0), -EINVAL);
	KEXPECT_EQ(f->off, 0);
	static const char *const one[] = { ".", "..", "c", "bbbbb", "a" };
	for (size_t i = 0; i < ARRAY_SIZE(one); i++) {
		n = list(f, U, 31);
		KEXPECT(n == 24 || (n == -EINVAL && i == 3)); /* bbbbb needs 32 */
		if (n == -EINVAL)
			n = list(f, U, 32);
		KEXPECT(strcmp(names(n), one[i]) == 0);
	}
	KEXPECT_EQ(list(f, U, 31), 0);

	/* Any position lseek gave back resumes there; 2 is the newest entry. */
	KEXPECT_EQ(file_lseek(f, 4, SEEK_SET), 4);
	KEXPECT(strcmp(names(list(f, U, ENTRIES_BUF)), "bbbbb a") == 0);
	KEXPECT_EQ(file_lseek(f, 2, SEEK_SET), 2);
	KEXPECT(strcmp(names(list(f, U, ENTRIES_BUF)), "c bbbbb a") == 0);
	KEXPECT_EQ(file_lseek(f, 1000, SEEK_SET), 1000);
	KEXPECT(strcmp(names(list(f, U, ENTRIES_BUF)), "c bbbbb a") == 0);

	remove_dir(f);
	usermem_end(p);
	KEXPECT_EQ(kheap_in_use(), heap0);
}

KTEST(getdents_changes_and_faults)
{
	struct proc *p = usermem_begin(1);
	struct file *f = make_dir();
	KEXPECT(strcmp(names(list(f, U, 48)), ". ..") == 0);
	/* "c" was next: removing it resumes at "bbbbb"; a new name, newer than
	 * the position, is not listed by this pass. */
	KEXPECT_EQ(ramfs_remove(dir, "c", 1, true), 0);
	struct inode *d;
	KEXPECT_EQ(ramfs_create(dir, "d", 1, S_IFREG | 0644, 0, &d), 0);
	KEXPECT(strcmp(names(list(f, U, ENTRIES_BUF)), "bbbbb a") == 0);
	file_lseek(f, 0, SEEK_SET);
	KEXPECT(strcmp(names(list(f, U, ENTRIES_BUF)), ". .. d bbbbb a") == 0);

	/* A buffer running into unmapped memory: the records before the one
	 * that faults, and that one comes first next time. */
	file_lseek(f, 0, SEEK_SET);
	KEXPECT_EQ(list(f, U + PAGE_SIZE, ENTRIES_BUF), -EFAULT);
	KEXPECT_EQ(f->off, 0);
	KEXPECT_EQ(list(f, U + PAGE_SIZE - 60, ENTRIES_BUF), 48);
	KEXPECT_EQ(f->off, 6); /* d's position */
	KEXPECT(strcmp(names(list(f, U, ENTRIES_BUF)), "d bbbbb a") == 0);

	struct file *reg;
	KEXPECT_EQ(file_open(a, O_RDONLY, &reg), 0);
	KEXPECT_EQ(dir_getdents(reg, uptr(U), ENTRIES_BUF), -ENOTDIR);
	file_close(reg);
	KEXPECT_EQ(ramfs_remove(dir, "d", 1, false), 0);
	remove_dir(f);
	usermem_end(p);
}
