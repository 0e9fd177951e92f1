/* kernel/fs/initramfs.c — fills the root from the boot archive: a cpio "newc"
 * archive, the format Linux's initramfs uses, so the usual tools (cpio -H
 * newc, gen_init_cpio) build it. The archive comes from outside the kernel:
 * every length in it is checked against the end of the module, and a
 * malformed one stops unpacking with a message, never a crash. */
#include "kernel/fs/initramfs.h"
#include "kernel/bootinfo.h"
#include "kernel/fs/dev.h"
#include "kernel/errno.h"
#include "kernel/fs/path.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/layout.h"

#define HDR_SIZE 110 /* the magic, then 13 fields of 8 hex digits */
#define TRAILER "TRAILER!!!"

enum {
	F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE,
	F_DEVMAJOR, F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK, NFIELDS
};

struct entry {
	u32 f[NFIELDS];
	const char *name; /* NUL-terminated, inside the archive */
	const u8 *data;   /* f[F_FILESIZE] bytes */
};

static bool parse_hex(const u8 *p, u32 *out)
{
	u32 v = 0;
	for (int i = 0; i < 8; i++) {
		u8 c = p[i];
		u32 d = c >= '0' && c <= '9' ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10 : 16;
		if (d == 16)
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

/* The entry at *off; moves *off past its data. The name is padded so that
 * header + name is a multiple of 4, the data to a multiple of 4 ("070702",
 * newc with checksums, has the same layout). Returns what is wrong, or NULL. */
static const char *parse_entry(const u8 *buf, size_t size, size_t *off, struct entry *e)
{
	size_t at = *off;
	if (at > size || size - at < HDR_SIZE)
		return "truncated header";
	if (memcmp(buf + at, "070701", 6) != 0 && memcmp(buf + at, "070702", 6) != 0)
		return "bad magic (not a newc cpio archive)";
	for (int i = 0; i < NFIELDS; i++)
		if (!parse_hex(buf + at + 6 + 8 * i, &e->f[i]))
			return "header field is not hex";
	size_t name_at = at + HDR_SIZE, namesize = e->f[F_NAMESIZE];
	if (namesize == 0 || namesize > PATH_MAX)
		return "bad name size";
	if (size - name_at < namesize)
		return "truncated name";
	e->name = (const char *)buf + name_at;
	if (strnlen(e->name, namesize) != namesize - 1)
		return "name is not NUL-terminated";
	size_t data_at = ALIGN_UP(name_at + namesize, 4);
	if (data_at > size || size - data_at < e->f[F_FILESIZE])
		return "truncated file data";
	e->data = buf + data_at;
	*off = ALIGN_UP(data_at + e->f[F_FILESIZE], 4);
	return NULL;
}

/* An existing entry of the same type is updated (a repeated directory
 * takes the later mode, a repeated file the later data). */
static int make_entry(const struct nameparts *np, const struct entry *e)
{
	u32 mode = e->f[F_MODE];
	struct inode *ip = ramfs_find(np->dir, np->name, np->len);
	if (ip && (ip->mode & S_IFMT) != (mode & S_IFMT))
		return -EEXIST;
	if (!ip) {
		int err = ramfs_create(np->dir, np->name, np->len, mode,
				       MKDEV(e->f[F_RDEVMAJOR], e->f[F_RDEVMINOR]), &ip);
		if (err)
			return err;
	}
	ip->mode = mode;
	if (S_ISLNK(mode))
		return ramfs_set_target(ip, (const char *)e->data, e->f[F_FILESIZE]);
	if (!S_ISREG(mode))
		return 0;
	ramfs_truncate(ip, 0); /* shrinking cannot fail */
	long n = ramfs_write(ip, 0, e->data, e->f[F_FILESIZE]);
	return n < 0 ? (int)n : 0;
}

/* Names are relative to the archive's root; "." is that root itself. As in
 * Linux, an entry that cannot be made (no parent, a clash) is reported and
 * skipped; the rest of the archive is still unpacked. */
static void unpack_entry(struct inode *top, const struct entry *e)
{
	u32 mode = e->f[F_MODE];
	if (!S_ISDIR(mode) && !S_ISREG(mode) && !S_ISCHR(mode) && !(S_ISLNK(mode) && e->f[F_FILESIZE])) {
		printk("initramfs: skipping %s: %s are not supported\n", e->name,
		       S_ISLNK(mode) ? "empty symlinks" : "files of this type");
		return;
	}
	const char *name = e->name;
	while (*name == '/')
		name++;
	struct nameparts np;
	int err = path_parent(top, name, &np);
	if (!err && np.dots)
		return;
	if (!err)
		err = make_entry(&np, e);
	if (err)
		printk("initramfs: cannot create %s: error %d\n", e->name, -err);
}

int cpio_unpack(struct inode *dir, const u8 *buf, size_t size)
{
	struct entry e;
	size_t off = 0;
	for (;;) {
		size_t at = off;
		const char *bad = parse_entry(buf, size, &off, &e);
		if (bad) {
			printk("initramfs: malformed archive at byte %zu: %s; unpacking stopped\n", at,
			       bad);
			return -EINVAL;
		}
		if (strcmp(e.name, TRAILER) == 0)
			return 0;
		unpack_entry(dir, &e);
	}
}

static const struct module *find_initrd(void)
{
	for (int i = 0; i < bootinfo.nmod; i++)
		if (strcmp(bootinfo.mod[i].name, "initrd") == 0)
			return &bootinfo.mod[i];
	return bootinfo.nmod ? &bootinfo.mod[0] : NULL;
}

/* Made only if the archive did not bring its own. */
static void ensure(const char *path, u32 mode, u32 rdev)
{
	struct nameparts np;
	struct inode *ip;
	int err = path_parent(ramfs_root(), path, &np);
	if (!err && !ramfs_find(np.dir, np.name, np.len))
		err = ramfs_create(np.dir, np.name, np.len, mode, rdev, &ip);
	if (err)
		printk("initramfs: cannot create %s: error %d\n", path, -err);
}

void initramfs_init(void)
{
	const struct module *m = find_initrd();
	if (!m) {
		printk("initramfs: no initrd module: the root starts empty\n");
	} else {
		size_t size = m->end > m->start ? m->end - m->start : 0;
		if (cpio_unpack(ramfs_root(), phys_to_virt(m->start), size) == 0)
			pr_info("initramfs: unpacked module %s (%zu bytes)\n", m->name, size);
	}
	ensure("/dev", S_IFDIR | 0755, 0);
	ensure("/dev/console", S_IFCHR | 0600, DEV_CONSOLE);
	ensure("/dev/tty", S_IFCHR | 0666, DEV_TTY);
	ensure("/dev/null", S_IFCHR | 0666, DEV_NULL);
	ensure("/dev/zero", S_IFCHR | 0666, DEV_ZERO);
	ensure("/dev/fb0", S_IFCHR | 0660, DEV_FB0); /* ENODEV to open without a framebuffer */
	ensure("/dev/shm", S_IFDIR | 01777, 0); /* POSIX shared memory: musl's shm_open opens files here */
	ensure("/tmp", S_IFDIR | 01777, 0);
}
