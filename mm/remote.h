/* mm/remote.h — the kernel reaching into another process's memory (Linux's
 * get_user_pages_remote and access_remote_vm): process_vm_readv and
 * process_vm_writev (kernel/sys_pvm.c), /proc/PID/mem (kernel/fs/procmem.c). */
#pragma once
#include "kernel/types.h"

struct mm;
struct proc;
struct uio;

/* pid's address space while it has one: NULL once it is gone or a zombie. */
struct mm *remote_mm(int pid);
/* Linux's ptrace_may_access(target, PTRACE_MODE_ATTACH_*) as far as
 * faultline has its parts: oneself; or the caller's real ids (fsids if
 * fscreds: PTRACE_MODE_FSCREDS) equal to the target's real, effective and
 * saved ones; or CAP_SYS_PTRACE. */
bool remote_may_access(const struct proc *caller, const struct proc *target, bool fscreds);
/* Move up to len bytes between pid's memory at addr and the caller's user
 * memory in u: from the target into u, or (write) from u into the target.
 * force is FOLL_FORCE (mm_frame in mm/vma.c). Returns the bytes moved; it
 * stops short at the first page of the target it may not reach, when the
 * target goes away, and at a fault in u (u->fault says which). */
size_t remote_rw(int pid, u64 addr, struct uio *u, size_t len, bool write, bool force);
