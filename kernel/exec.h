/* kernel/exec.h — replacing a process's image with a static ELF program. */
#pragma once
#include "kernel/proc.h"

#define MAX_ARG_STRINGS 0x7fffffff
/* argv and envp together, strings plus pointers: Linux allows a quarter of
 * the stack limit (8 MiB by default). */
#define MAX_ARG_BYTES (2ul << 20)

/* Load the ELF image (bytes in kernel memory) into a fresh address space for
 * p, with the SysV initial stack built from kernel strings, and set p's
 * registers as Linux leaves them. p's old address space is replaced only on
 * success; a malformed image gives -ENOEXEC and changes nothing. */
struct inode;
/* do_open_execat: the file path names (symlinks followed), held
 * (ramfs_put when done), and its absolute name for /proc/self/exe (kfree
 * it). A non-regular file, or one with no execute bit at all, is EACCES:
 * root may run anything with at least one. */
int exec_open(const char *path, struct inode **ip, char **name);
int exec_image(struct proc *p, const u8 *image, size_t size, const char *path,
	       const char *const *argv, const char *const *envp);
/* exec_image of a regular file's contents, its segments read straight
 * into the new pages: 0, -ENOEXEC, -ENOMEM, -EIO. */
int exec_file(struct proc *p, struct inode *ip, const char *path, const char *const *argv,
	      const char *const *envp);
