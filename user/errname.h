/* user/errname.h — errno names for the differential testers (mmfuzz,
 * sysfuzz), whose output is compared byte for byte between Linux and
 * faultline: "-EFAULT" reads better in a diff than "-14", and a number
 * the table does not know still prints as itself. (No ENOTSUP or
 * EWOULDBLOCK: on Linux they are EOPNOTSUPP and EAGAIN.) */
#pragma once
#include <errno.h>
#include <stddef.h>
#include <stdio.h>

#define ERRNAMES(X) X(EPERM) X(ENOENT) X(ESRCH) X(EINTR) X(EIO) X(ENXIO)         \
	X(E2BIG) X(ENOEXEC) X(EBADF) X(ECHILD) X(EAGAIN) X(ENOMEM) X(EACCES)    \
	X(EFAULT) X(EBUSY) X(EEXIST) X(EXDEV) X(ENODEV) X(ENOTDIR) X(EISDIR)    \
	X(EINVAL) X(ENFILE) X(EMFILE) X(ENOTTY) X(ETXTBSY) X(EFBIG) X(ENOSPC)   \
	X(ESPIPE) X(EROFS) X(EMLINK) X(EPIPE) X(ERANGE) X(ENAMETOOLONG)         \
	X(ENOSYS) X(ENOTEMPTY) X(ELOOP) X(EOVERFLOW) X(EOPNOTSUPP) X(EBADFD)    \
	X(ENOTSOCK) X(ECANCELED) X(EIDRM) X(ENODATA) X(ETIMEDOUT) X(EHWPOISON)

/* The text of a syscall's raw result: the number, or -ENAME for -errno.
 * Returns buf. */
static inline const char *result_name(long r, char *buf, size_t size)
{
#define ERRCASE(e) case -e: snprintf(buf, size, "-" #e); return buf;
	switch (r) {
		ERRNAMES(ERRCASE)
	}
#undef ERRCASE
	snprintf(buf, size, "%ld", r);
	return buf;
}
