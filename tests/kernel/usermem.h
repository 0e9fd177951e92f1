/* tests/kernel/usermem.h — a scratch process with user memory, for the
 * self-tests of code that moves bytes through user buffers (pipes,
 * getdents). While it runs, myproc() is that process and its descriptor
 * table is the one fd_* use. */
#pragma once
#include "kernel/proc.h"

#define USERMEM 0x40000000ul /* pages read-write from here, then unmapped */

struct proc *usermem_begin(size_t pages);
void usermem_end(struct proc *p); /* closes its files, frees it all */
