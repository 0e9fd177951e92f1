/* tests/kernel/ramfs_test.c — the file system from the kernel side: path
 * lookup and its Linux errors, cpio unpacking (good, truncated and malformed
 * archives), file data at offsets, holes and truncation, and removal: unlink
 * and rmdir errors, open files and directories outliving their names, and
 * everything freed at the last close. Each test works in its own directory
 * under the root. */
#include "kernel/fs/dev.h"
#include "kernel/fs/file.h"
#include "kernel/fs/initramfs.h"
#include "kernel/ktest.h"
#include "kernel/fs/path.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/kheap.h"

static struct inode *make(struct inode *dir, const char *name, u32 mode)
{
	struct inode *ip = NULL;
	KEXPECT_EQ(ramfs_create(dir, name, strlen(name), mode, 0, &ip), 0);
	return ip;
}

static struct inode *lookup(struct inode *start, const char *path)
{
	struct inode *ip;
	return path_lookup(start, path, &ip) == 0 ? ip : NULL;
}

static int lookup_err(struct inode *start, const char *path)
{
	struct inode *ip;
	return path_lookup(start, path, &ip);
}

KTEST(ramfs_path_lookup)
{
	struct inode *root = ramfs_root();
	struct inode *top = make(root, "ktest-path", S_IFDIR | 0755);
	struct inode *a = make(top, "a", S_IFDIR | 0755);
	struct inode *b = make(a, "b", S_IFDIR | 0755);
	struct inode *f = make(a, "f", S_IFREG | 0644);

	KEXPECT(lookup(root, "/ktest-path/a/b") == b);
	KEXPECT(lookup(root, "//ktest-path///a//b//") == b);
	KEXPECT(lookup(root, "/ktest-path/a/./b/..") == a);
	KEXPECT(lookup(b, "../f") == f);
	KEXPECT(lookup(a, "b") == b);
	KEXPECT(lookup(f, "/ktest-path") == top); /* absolute ignores the start */
	KEXPECT(lookup(root, "/") == root);
	KEXPECT(lookup(root, "/../..") == root); /* ".." at the root stays there */
	KEXPECT(lookup(a, ".") == a);

	KEXPECT_EQ(lookup_err(a, ""), -ENOENT);
	KEXPECT_EQ(lookup_err(a, "missing"), -ENOENT);
	KEXPECT_EQ(lookup_err(a, "missing/b"), -ENOENT);
	KEXPECT_EQ(lookup_err(a, "f/"), -ENOTDIR);
	KEXPECT_EQ(lookup_err(a, "f/x"), -ENOTDIR);
	KEXPECT_EQ(lookup_err(a, "f/."), -ENOTDIR);
	KEXPECT_EQ(lookup_err(a, "f/.."), -ENOTDIR);
	KEXPECT_EQ(lookup_err(f, "x"), -ENOTDIR);

	static char longname[NAME_MAX + 2];
	memset(longname, 'x', NAME_MAX);
	KEXPECT_EQ(lookup_err(a, longname), -ENOENT); /* 255 is allowed */
	longname[NAME_MAX] = 'x';
	KEXPECT_EQ(lookup_err(a, longname), -ENAMETOOLONG);
	struct inode *ip;
	KEXPECT_EQ(ramfs_create(a, longname, NAME_MAX + 1, S_IFREG, 0, &ip), -ENAMETOOLONG);
	KEXPECT_EQ(ramfs_create(a, "b", 1, S_IFREG, 0, &ip), -EEXIST);
	KEXPECT_EQ(ramfs_create(f, "x", 1, S_IFREG, 0, &ip), -ENOTDIR);

	KEXPECT_EQ(a->nlink, 3); /* itself, its entry in top, b's ".." */
	KEXPECT_EQ(f->nlink, 1);
	KEXPECT(a->ino != b->ino && b->ino != f->ino);
}

KTEST(ramfs_path_parent)
{
	struct inode *top = make(ramfs_root(), "ktest-parent", S_IFDIR | 0755);
	struct nameparts np;
	KEXPECT_EQ(path_parent(top, "x/y", &np), -ENOENT);
	KEXPECT_EQ(path_parent(top, "new", &np), 0);
	KEXPECT(np.dir == top && np.len == 3 && strncmp(np.name, "new", 3) == 0);
	KEXPECT(!np.dots && !np.slash);
	KEXPECT_EQ(path_parent(top, "new//", &np), 0);
	KEXPECT(np.dir == top && np.len == 3 && np.slash);
	KEXPECT_EQ(path_parent(top, "..", &np), 0);
	KEXPECT(np.dots);
	KEXPECT_EQ(path_parent(top, "/", &np), 0);
	KEXPECT(np.dots && np.dir == ramfs_root());
	KEXPECT_EQ(path_parent(top, "", &np), -ENOENT);
}

/* A newc archive written the way cpio -H newc writes it. */
static size_t cpio_add(u8 *buf, size_t off, const char *name, u32 mode, u32 rdev_minor,
		       const char *data)
{
	size_t namesize = strlen(name) + 1, filesize = data ? strlen(data) : 0;
	snprintf((char *)buf + off, 111, "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		 7u, mode, 0u, 0u, 1u, 0u, (u32)filesize, 0u, 0u, rdev_minor ? 1u : 0u, rdev_minor,
		 (u32)namesize, 0u);
	memcpy(buf + off + 110, name, namesize);
	off = ALIGN_UP(off + 110 + namesize, 4);
	if (data)
		memcpy(buf + off, data, filesize);
	return ALIGN_UP(off + filesize, 4);
}

static u8 arc[1024];

/* extras: a symlink, and an entry that is skipped with a note (kept out of
 * the malformed test, which unpacks many times, to keep its log short). */
static size_t build_archive(bool extras)
{
	memset(arc, 0, sizeof(arc));
	size_t n = cpio_add(arc, 0, ".", S_IFDIR | 0755, 0, NULL);
	n = cpio_add(arc, n, "dir", S_IFDIR | 0700, 0, NULL);
	n = cpio_add(arc, n, "dir/file", S_IFREG | 0644, 0, "hello, cpio");
	n = cpio_add(arc, n, "dir/null", S_IFCHR | 0666, 3, NULL);
	if (extras) {
		n = cpio_add(arc, n, "link", S_IFLNK | 0777, 0, "dir/file");
		n = cpio_add(arc, n, "orphan/file", S_IFREG | 0644, 0, "x");
	}
	return cpio_add(arc, n, "TRAILER!!!", 0, 0, NULL);
}

KTEST(ramfs_cpio_unpack)
{
	struct inode *top = make(ramfs_root(), "ktest-cpio", S_IFDIR | 0755);
	size_t size = build_archive(true);
	KEXPECT_EQ(cpio_unpack(top, arc, size), 0);
	struct inode *dir = lookup(top, "dir"), *file = lookup(top, "dir/file");
	struct inode *null = lookup(top, "dir/null");
	KEXPECT(dir && dir->mode == (S_IFDIR | 0700));
	KEXPECT(file && file->mode == (S_IFREG | 0644) && file->size == 11);
	char buf[16] = { 0 };
	KEXPECT_EQ(ramfs_read(file, 0, buf, sizeof(buf)), 11);
	KEXPECT(strcmp(buf, "hello, cpio") == 0);
	KEXPECT(null && S_ISCHR(null->mode) && null->rdev == DEV_NULL);
	KEXPECT(lookup(top, "link") == file); /* a symlink, followed */
	KEXPECT(ramfs_find(top, "link", 4) && ramfs_find(top, "link", 4)->mode == (S_IFLNK | 0777));
	KEXPECT_EQ(ramfs_find(top, "link", 4)->size, 8);
	KEXPECT_EQ(lookup_err(top, "orphan"), -ENOENT); /* no parent: skipped */

	/* Unpacking again replaces file data rather than failing. */
	KEXPECT_EQ(cpio_unpack(top, arc, size), 0);
	KEXPECT_EQ(file->size, 11);
}

KTEST(ramfs_cpio_malformed)
{
	struct inode *top = make(ramfs_root(), "ktest-cpio-bad", S_IFDIR | 0755);
	size_t size = build_archive(false);
	/* "." and "dir" take 112 + 116 bytes; dir/file's data starts at 348. */
	KEXPECT_EQ(cpio_unpack(top, arc, 350), -EINVAL);
	KEXPECT(lookup(top, "dir") != NULL && lookup(top, "dir/file") == NULL);
	/* Cut anywhere short of the end, the archive is refused, never overrun
	 * (a stride prime to 4 meets every alignment of the cut). */
	for (size_t cut = 0; cut < size; cut += 11)
		KEXPECT_EQ(cpio_unpack(top, arc, cut), -EINVAL);
	KEXPECT_EQ(cpio_unpack(top, arc, size - 1), -EINVAL);
	KEXPECT_EQ(cpio_unpack(top, arc, size), 0);

	arc[0] = '1'; /* magic */
	KEXPECT_EQ(cpio_unpack(top, arc, size), -EINVAL);
	build_archive(false);
	arc[6 + 8 * 6] = 'g'; /* filesize is not hex */
	KEXPECT_EQ(cpio_unpack(top, arc, size), -EINVAL);
	build_archive(false);
	memcpy(arc + 6 + 8 * 11, "ffffffff", 8); /* namesize over PATH_MAX */
	KEXPECT_EQ(cpio_unpack(top, arc, size), -EINVAL);
	build_archive(false);
	memcpy(arc + 6 + 8 * 11, "00000fff", 8); /* namesize past the end */
	KEXPECT_EQ(cpio_unpack(top, arc, size), -EINVAL);
	build_archive(false);
	memcpy(arc + 6 + 8 * 11, "00000001", 8); /* name "." loses its NUL */
	KEXPECT_EQ(cpio_unpack(top, arc, size), -EINVAL);
	build_archive(false);
	size_t second = ALIGN_UP(110 + 2, 4); /* "dir" entry: filesize past the end */
	memcpy(arc + second + 6 + 8 * 6, "7fffffff", 8);
	KEXPECT_EQ(cpio_unpack(top, arc, size), -EINVAL);
}

KTEST(ramfs_file_offsets)
{
	struct inode *top = make(ramfs_root(), "ktest-data", S_IFDIR | 0755);
	struct inode *ip = make(top, "f", S_IFREG | 0644);
	char buf[32];
	KEXPECT_EQ(ramfs_write(ip, 0, "hello", 5), 5);
	KEXPECT_EQ(ramfs_write(ip, 10, "world", 5), 5); /* leaves a hole */
	KEXPECT_EQ(ip->size, 15);
	memset(buf, 'z', sizeof(buf));
	KEXPECT_EQ(ramfs_read(ip, 0, buf, sizeof(buf)), 15);
	KEXPECT(memcmp(buf, "hello\0\0\0\0\0world", 15) == 0);
	KEXPECT_EQ(ramfs_read(ip, 12, buf, 2), 2);
	KEXPECT(memcmp(buf, "rl", 2) == 0);
	KEXPECT_EQ(ramfs_read(ip, 15, buf, 1), 0);
	KEXPECT_EQ(ramfs_read(ip, 1000, buf, 1), 0);
	KEXPECT_EQ(ramfs_write(ip, 3, "LO", 2), 2); /* overwrite in place */
	KEXPECT_EQ(ip->size, 15);
	KEXPECT_EQ(ramfs_write(ip, 100, "", 0), 0);  /* an empty write does not extend */
	KEXPECT_EQ(ip->size, 15);

	/* Truncation drops data for good: growing again shows zeros. */
	KEXPECT_EQ(ramfs_truncate(ip, 2), 0);
	KEXPECT_EQ(ramfs_truncate(ip, 8), 0);
	KEXPECT_EQ(ramfs_read(ip, 0, buf, sizeof(buf)), 8);
	KEXPECT(memcmp(buf, "he\0\0\0\0\0\0", 8) == 0);

	enum { BIG = 100000 };
	static u8 big[BIG];
	for (size_t i = 0; i < BIG; i++)
		big[i] = (u8)(i * 7);
	for (size_t off = 0; off < BIG; off += 1000) /* grows many times */
		KEXPECT_EQ(ramfs_write(ip, off, big + off, 1000), 1000);
	KEXPECT_EQ(ip->size, BIG);
	KEXPECT_EQ(ramfs_read(ip, 54321, buf, 8), 8);
	KEXPECT(memcmp(buf, big + 54321, 8) == 0);
}

KTEST(ramfs_file_seek_and_stat)
{
	struct inode *top = make(ramfs_root(), "ktest-seek", S_IFDIR | 0755);
	struct inode *ip = make(top, "f", S_IFREG | 0600);
	KEXPECT_EQ(ramfs_write(ip, 0, "0123456789", 10), 10);
	struct file *f;
	KEXPECT_EQ(file_open(ip, O_RDWR, &f), 0);
	KEXPECT(file_readable(f) && file_writable(f));
	KEXPECT_EQ(file_lseek(f, -3, SEEK_END), 7);
	KEXPECT_EQ(file_lseek(f, 2, SEEK_CUR), 9);
	KEXPECT_EQ(file_lseek(f, -10, SEEK_CUR), -EINVAL);
	KEXPECT_EQ(f->off, 9); /* a failed seek leaves the offset */
	KEXPECT_EQ(file_lseek(f, 100, SEEK_SET), 100); /* past the end is fine */
	KEXPECT_EQ(file_lseek(f, INT64_MAX, SEEK_CUR), -EINVAL);
	KEXPECT_EQ(file_lseek(f, 4, SEEK_DATA), 4);
	KEXPECT_EQ(file_lseek(f, 4, SEEK_HOLE), 10);
	KEXPECT_EQ(file_lseek(f, 10, SEEK_DATA), -ENXIO);
	KEXPECT_EQ(file_lseek(f, 0, 5), -EINVAL);
	KEXPECT_EQ(file_ioctl(f, 0x5413, 0), -ENOTTY);
	struct stat st;
	stat_inode(ip, &st);
	KEXPECT_EQ(st.st_mode, S_IFREG | 0600);
	KEXPECT_EQ(st.st_size, 10);
	KEXPECT_EQ(st.st_blocks, 8);
	KEXPECT_EQ(st.st_ino, ip->ino);
	file_close(f);

	struct file *d;
	KEXPECT_EQ(file_open(top, O_RDONLY, &d), 0);
	KEXPECT_EQ(file_lseek(d, 0, SEEK_END), -EINVAL); /* dcache_dir_lseek */
	file_close(d);

	KEXPECT_EQ(file_open(ip, 3, &f), 0); /* access mode 3: ioctl only */
	KEXPECT(!file_readable(f) && !file_writable(f));
	file_close(f);

	struct inode *nodev = NULL, *null = NULL;
	KEXPECT_EQ(ramfs_create(top, "nodev", 5, S_IFCHR | 0600, MKDEV(99, 0), &nodev), 0);
	KEXPECT_EQ(file_open(nodev, O_RDONLY, &f), -ENXIO);
	KEXPECT_EQ(ramfs_create(top, "null", 4, S_IFCHR | 0666, DEV_NULL, &null), 0);
	KEXPECT_EQ(file_open(null, O_RDWR, &f), 0);
	KEXPECT_EQ(file_lseek(f, 123, SEEK_SET), 0); /* null_lseek */
	stat_inode(null, &st);
	KEXPECT_EQ(st.st_rdev, 0x103);
	file_close(f);
}

KTEST(ramfs_unlink_keeps_open_files)
{
	size_t heap0 = kheap_in_use();
	struct inode *top = make(ramfs_root(), "ktest-unlink", S_IFDIR | 0755);
	struct inode *ip = make(top, "f", S_IFREG | 0644);
	KEXPECT_EQ(ramfs_write(ip, 0, "still here", 10), 10);
	struct file *f;
	KEXPECT_EQ(file_open(ip, O_RDONLY, &f), 0);
	KEXPECT_EQ(top->size, 60);
	KEXPECT_EQ(ramfs_remove(top, "f", 1, false), 0);
	KEXPECT_EQ(lookup_err(top, "f"), -ENOENT);
	KEXPECT_EQ(top->size, 40);
	KEXPECT_EQ(ip->nlink, 0);
	char buf[16] = { 0 };
	KEXPECT_EQ(ramfs_read(ip, 0, buf, sizeof(buf)), 10); /* the open file still reads */
	KEXPECT(strcmp(buf, "still here") == 0);
	file_close(f); /* and now it is gone */
	KEXPECT_EQ(ramfs_remove(ramfs_root(), "ktest-unlink", 12, true), 0);
	KEXPECT_EQ(kheap_in_use(), heap0);
}

KTEST(ramfs_remove_errors)
{
	struct inode *top = make(ramfs_root(), "ktest-rm", S_IFDIR | 0755);
	struct inode *d = make(top, "d", S_IFDIR | 0755);
	make(top, "f", S_IFREG | 0644);
	make(d, "inner", S_IFREG | 0644);
	static char longname[NAME_MAX + 1];
	memset(longname, 'x', sizeof(longname));
	KEXPECT_EQ(top->nlink, 3);
	KEXPECT_EQ(ramfs_remove(top, "d", 1, false), -EISDIR);
	KEXPECT_EQ(ramfs_remove(top, "f", 1, true), -ENOTDIR);
	KEXPECT_EQ(ramfs_remove(top, "d", 1, true), -ENOTEMPTY);
	KEXPECT_EQ(ramfs_remove(top, "nope", 4, false), -ENOENT);
	KEXPECT_EQ(ramfs_remove(top, longname, NAME_MAX + 1, false), -ENAMETOOLONG);
	KEXPECT_EQ(ramfs_remove(d, "inner", 5, false), 0);
	KEXPECT_EQ(ramfs_remove(top, "d", 1, true), 0);
	KEXPECT_EQ(top->nlink, 2); /* d's ".." went with it */
	KEXPECT_EQ(ramfs_remove(top, "f", 1, false), 0);
	KEXPECT_EQ(ramfs_remove(ramfs_root(), "ktest-rm", 8, true), 0);
}

/* A directory removed while open: no new names in it (ENOENT), ".." still
 * leads to its old parent, even once that is removed too; both are freed
 * with the last close. */
KTEST(ramfs_removed_directory)
{
	size_t heap0 = kheap_in_use();
	struct inode *top = make(ramfs_root(), "ktest-dead", S_IFDIR | 0755);
	struct inode *d = make(top, "d", S_IFDIR | 0755), *ip;
	struct file *f;
	KEXPECT_EQ(file_open(d, O_RDONLY, &f), 0);
	char name[64];
	KEXPECT_EQ(path_name(d, name, sizeof(name)), 0);
	KEXPECT(strcmp(name, "/ktest-dead/d") == 0);
	KEXPECT_EQ(path_name(d, name, 13), -ENAMETOOLONG);
	KEXPECT_EQ(path_name(ramfs_root(), name, sizeof(name)), 0);
	KEXPECT(strcmp(name, "/") == 0);

	KEXPECT_EQ(ramfs_remove(top, "d", 1, true), 0);
	KEXPECT_EQ(d->nlink, 0);
	KEXPECT_EQ(ramfs_create(d, "x", 1, S_IFREG, 0, &ip), -ENOENT);
	KEXPECT_EQ(lookup_err(d, "x"), -ENOENT);
	KEXPECT_EQ(path_name(d, name, sizeof(name)), -ENOENT);
	KEXPECT_EQ(ramfs_remove(ramfs_root(), "ktest-dead", 10, true), 0);
	KEXPECT(lookup(d, "..") == top);
	KEXPECT(lookup(d, ".") == d);
	file_close(f);
	KEXPECT_EQ(kheap_in_use(), heap0);
}
