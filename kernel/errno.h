/* kernel/errno.h — Linux's errno numbers (asm-generic/errno-base.h values):
 * syscalls return -E... exactly as Linux does, since the ABI is Linux's. */
#pragma once

#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define ENXIO 6
#define E2BIG 7
#define ENOEXEC 8
#define EBADF 9
#define ECHILD 10
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define EXDEV 18
#define ENODEV 19
#define ENOTDIR 20
#define EISDIR 21
#define EINVAL 22
#define ENFILE 23
#define EMFILE 24
#define ENOTTY 25
#define EFBIG 27
#define ENOSPC 28
#define ESPIPE 29
#define EROFS 30
#define EMLINK 31
#define EPIPE 32
#define ERANGE 34
#define EDEADLK 35
#define ENAMETOOLONG 36
#define ENOSYS 38
#define ENOTEMPTY 39
#define ELOOP 40
#define EOVERFLOW 75
#define ENOTSOCK 88
#define EMSGSIZE 90
#define EOPNOTSUPP 95
#define ETIMEDOUT 110

/* Linux's kernel-internal restart codes (include/linux/errno.h): a blocking
 * call interrupted by a signal returns one, and the way back to ring 3
 * (kernel/signal.c, signal_deliver) turns it into EINTR or re-executes the
 * call. User space never sees them. */
#define ERESTARTSYS 512           /* restart if the handler has SA_RESTART, or without a handler */
#define ERESTARTNOINTR 513        /* always restart */
#define ERESTARTNOHAND 514        /* restart only if no handler ran */
