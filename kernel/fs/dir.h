/* kernel/fs/dir.h — directory listings: getdents64's records. */
#pragma once
#include "kernel/fs/file.h"

/* Linux's struct linux_dirent64. */
struct dirent64 {
	u64 d_ino;
	i64 d_off;   /* the position after this entry: lseek there to resume */
	u16 d_reclen;
	u8 d_type;   /* DT_*: the S_IF* type >> 12 */
	char d_name[];
};
#define DIRENT_MAX ALIGN_UP(offsetof(struct dirent64, d_name) + NAME_MAX + 1, 8)

/* One record for name[0..len), into rec (DIRENT_MAX bytes, 8-aligned):
 * its d_reclen. */
size_t dirent_pack(void *rec, u64 ino, u64 next, u32 mode, const char *name, size_t len);
/* getdents64 on an open directory: bytes filled, or an errno. */
long dir_getdents(struct file *f, void __user *buf, size_t count);
