/* user/bk12_race.c — one thread changes what another thread's system call
 * is using: an iovec whose base flips between our buffer and a kernel
 * address (the double-fetch pattern), a buffer unmapped and mapped again
 * under read/write. The kernel's answer must match some snapshot: the
 * whole transfer with our buffer, or EFAULT (or a partial count); never
 * kernel memory read or written, never a crash.
 *
 * Inspired by: the double-fetch bug class (Wang et al., "How Double-Fetch
 * Situations turn into Double-Fetch Vulnerabilities", and syzkaller's
 * KCSAN/KASAN reports on iovec import), gVisor's
 * test/syscalls/linux/readv.cc / write.cc concurrent-munmap cases, LTP
 * mmap stress tests (mmapstress07/10: munmap under I/O).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>

#include "bk12.h"

#define N 4096
static unsigned char buf[N];
static struct iovec iov = { buf, N };
static atomic_int stop;

static void *flip_base(void *arg)
{
	void *kernel = arg;

	while (!atomic_load(&stop)) {
		iov.iov_base = kernel;
		__asm__ volatile("" ::: "memory");
		iov.iov_base = buf;
		__asm__ volatile("" ::: "memory");
	}
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* readv from /dev/zero and writev into a pipe for 2 s while the base
 * flips: each call is N bytes or EFAULT; what reaches the pipe is ours. */
static void double_fetch(uintptr_t kernel, const char *what)
{
	pthread_t t;
	int z = open("/dev/zero", O_RDONLY), p[2];
	long bad = 0, rounds = 0, leaked = 0;
	static unsigned char out[N];

	if (z < 0 || pipe(p))
		bail("open");
	atomic_store(&stop, 0);
	pthread_create(&t, NULL, flip_base, (void *)kernel);
	for (double end = now() + 2; now() < end; rounds++) {
		memset(buf, PAT, N);
		long r = readv(z, &iov, 1);
		if (!(r == N || (r == -1 && errno == EFAULT)))
			bad++;
		long w = writev(p[1], &iov, 1);
		if (!(w == N || (w == -1 && errno == EFAULT)))
			bad++;
		if (w > 0) {
			long got = read_full(p[0], out, w);
			for (long i = 0; i < got; i++)
				if (out[i] != buf[i]) {
					leaked++;
					break;
				}
		}
	}
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	tap_ok(bad == 0, "%s: readv/writev are %d bytes or EFAULT (%ld rounds, %ld odd)",
	       what, N, rounds, bad);
	tap_ok(leaked == 0, "%s: the pipe only ever carries our bytes (%ld rounds wrong)",
	       what, leaked);
	close(z);
	close(p[0]);
	close(p[1]);
}

/* munmap and mmap again the buffer a write is reading, for 2 s. */
static unsigned char *volatile region;
#define RLEN (256 << 10)

static void *remapper(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		munmap(region, RLEN);
		mmap(region, RLEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		mprotect(region, RLEN, PROT_NONE);
		mprotect(region, RLEN, PROT_READ | PROT_WRITE);
	}
	return NULL;
}

static void unmap_race(void)
{
	char path[64];
	snprintf(path, sizeof path, "/dev/shm/bk12race.%d", getpid());
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	int z = open("/dev/zero", O_RDONLY), p[2];
	long bad = 0, rounds = 0;
	pthread_t t;

	unlink(path);
	region = mmap(NULL, RLEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fd < 0 || z < 0 || region == MAP_FAILED || pipe2(p, O_NONBLOCK))
		bail("setup");
	atomic_store(&stop, 0);
	pthread_create(&t, NULL, remapper, NULL);
	for (double end = now() + 2; now() < end; rounds++) {
		long r = pwrite(fd, region, RLEN, 0);
		bad += !(r >= 0 ? r <= RLEN : errno == EFAULT);
		r = pread(fd, region, RLEN, 0);
		bad += !(r >= 0 ? r <= RLEN : errno == EFAULT);
		r = read(z, region, RLEN);
		bad += !(r >= 0 ? r <= RLEN : errno == EFAULT);
		r = write(p[1], region, RLEN);
		bad += !(r >= 0 ? r <= RLEN : errno == EFAULT || errno == EAGAIN);
		char sink[4096];
		while (read(p[0], sink, sizeof sink) > 0)
			;
	}
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	tap_ok(bad == 0, "I/O on a buffer being unmapped/remapped/mprotected: counts or EFAULT "
	       "(%ld rounds, %ld odd)", rounds, bad);
	close(fd);
	close(z);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	double_fetch(0xffff800000100000, "iov_base flips to the kernel direct map");
	double_fetch(0xffffffff80100000, "iov_base flips to kernel text");
	double_fetch(0x7ffffffff000, "iov_base flips to the top page");
	unmap_race();
	/* still alive and sane */
	TRY(syscall(SYS_getpid), getpid(), 0, "the kernel still answers");
	return done_testing();
}
