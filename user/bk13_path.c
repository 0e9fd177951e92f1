/* user/bk13_path.c — path names at the length edges and faulting at each
 * byte near them.
 *
 * Linux copies a name from user memory until its NUL, at most PATH_MAX
 * (4096) bytes counting the NUL: no NUL in 4096 bytes is ENAMETOOLONG,
 * even if the page after them is unmapped; a fault before the NUL or the
 * limit is EFAULT. A component longer than NAME_MAX (255) is ENAMETOOLONG
 * when the walk reaches it. Names of 126..130 bytes straddle a 128-byte
 * copy chunk a fast string copy might use.
 */
#include <fcntl.h>
#include <sys/syscall.h>

#include "bk13.h"

static char *edge;

/* A name of n bytes ending with its NUL right at the fault edge when
 * nul is set, else n bytes of 'a' with no NUL before the edge. */
static char *at_edge(size_t n, int nul)
{
	char *p = edge - n - (nul ? 1 : 0);

	memset(p, 'a', n);
	if (nul)
		p[n] = 0;
	return p;
}

static void lengths(void)
{
	for (size_t n = 126; n <= 130; n++) {
		char name[256], longer[256], tgt[256], got[300];

		memset(name, 'n', n);
		name[n] = 0;
		memcpy(longer, name, n);
		longer[n] = 'x', longer[n + 1] = 0;
		memset(tgt, 't', n), tgt[n] = 0;
		int fd = open(at_edge(n, 1), O_CREAT | O_RDWR, 0644);
		tap_ok(fd >= 0, "open create name of %zu at fault edge", n);
		close(fd);
		struct stat st;
		TRY(stat(at_edge(n, 1), &st), 0, 0, "stat %zu at edge", n);
		TRY(rename(at_edge(n, 1), longer), 0, 0, "rename %zu -> %zu", n, n + 1);
		TRY(symlink(tgt, name), 0, 0, "symlink target %zu", n);
		TRY(readlink(name, got, sizeof got), (long)n, 0, "readlink %zu", n);
		TRY(readlink(name, got, n - 1), (long)n - 1, 0, "readlink %zu into %zu", n, n - 1);
		TRY(unlink(name), 0, 0, "unlink symlink %zu", n);
		TRY(mkdir(name, 0755), 0, 0, "mkdir %zu", n);
		TRY(rmdir(name), 0, 0, "rmdir %zu", n);
		TRY(unlink(longer), 0, 0, "unlink %zu", n + 1);
		TRY(open(at_edge(n, 0), O_RDONLY), -1, EFAULT, "open: %zu bytes then fault", n);
		TRY(mkdir(at_edge(n, 0), 0755), -1, EFAULT, "mkdir: %zu bytes then fault", n);
		TRY(symlink("x", at_edge(n, 0)), -1, EFAULT, "symlink linkpath: %zu then fault", n);
		TRY(symlink(at_edge(n, 0), "x"), -1, EFAULT, "symlink target: %zu then fault", n);
		TRY(rename("nosuch", at_edge(n, 0)), -1, EFAULT, "rename to %zu then fault", n);
		TRY(execve(at_edge(n, 0), (char *[]){ NULL }, (char *[]){ NULL }), -1, EFAULT,
		    "execve %zu then fault", n);
		TRY(stat(at_edge(n, 1), &st), -1, ENOENT, "stat %zu gone", n);
	}
}

static void big(void)
{
	static char path[5000];
	struct stat st;
	char *p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	/* "././...." 4095 bytes + NUL: the longest name that fits. */
	for (int i = 0; i < 4095; i++)
		path[i] = i % 2 ? '/' : '.';
	path[4094] = '.', path[4095] = 0;
	TRY(stat(path, &st), 0, 0, "4095-byte name resolves");
	path[4095] = '.', path[4096] = 0;
	TRY(stat(path, &st), -1, ENAMETOOLONG, "4096-byte name");
	TRY(open(path, O_RDONLY), -1, ENAMETOOLONG, "open 4096-byte name");
	TRY(execve(path, (char *[]){ NULL }, (char *[]){ NULL }), -1, ENAMETOOLONG, "execve 4096");
	/* 4096 'a' then the fault: the limit is reached before the fault. */
	munmap(p + 2 * PG, PG);
	memset(p + 2 * PG - 4097, 'a', 4097);
	TRY(stat(p + 2 * PG - 4096, &st), -1, ENAMETOOLONG, "4096 bytes then fault");
	TRY(stat(p + 2 * PG - 4095, &st), -1, EFAULT, "4095 bytes then fault");
	TRY(mkdir(p + 2 * PG - 4097, 0755), -1, ENAMETOOLONG, "4097 bytes then fault");
	char *q = p + 2 * PG - 4095;
	q[4094] = 0;
	TRY(stat(q, &st), -1, ENAMETOOLONG, "4094-byte component");
	memset(path, 'c', 300);
	path[255] = 0;
	TRY(stat(path, &st), -1, ENOENT, "255-byte component");
	TRY(open(path, O_CREAT | O_RDWR, 0600) >= 0, 1, 0, "create 255-byte name");
	TRY(unlink(path), 0, 0, "unlink 255-byte name");
	path[255] = 'c', path[256] = 0;
	TRY(stat(path, &st), -1, ENAMETOOLONG, "256-byte component");
	TRY(mkdir(path, 0755), -1, ENAMETOOLONG, "mkdir 256-byte component");
	memcpy(path, "nosuchdir/", 10);
	TRY(stat(path, &st), -1, ENOENT, "missing dir before long component");
	memset(path, 'c', 10);
	path[256] = '/', path[257] = 'x', path[258] = 0;
	TRY(stat(path, &st), -1, ENAMETOOLONG, "long component before missing");
	TRY(stat("", &st), -1, ENOENT, "empty name");
	TRY(stat((char *)edge, &st), -1, EFAULT, "name at the fault");
}

int main(void)
{
	enter_scratch("bk13p");
	edge = fault_edge();
	lengths();
	big();
	return done_testing();
}
