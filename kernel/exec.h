/* kernel/exec.h — replacing a process's image with a static ELF program. */
#pragma once
#include "kernel/proc.h"

#define MAX_ARG_STRINGS 4096
#define MAX_ARG_BYTES (128 * 1024) /* argv + envp strings together */

/* Load the ELF image (bytes in kernel memory) into a fresh address space for
 * p, with the SysV initial stack built from kernel strings, and set p's
 * registers as Linux leaves them. p's old address space is replaced only on
 * success; a malformed image gives -ENOEXEC and changes nothing. */
int exec_image(struct proc *p, const u8 *image, size_t size, const char *path,
	       const char *const *argv, const char *const *envp);
