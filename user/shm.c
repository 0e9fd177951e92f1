/* user/shm.c — POSIX shared memory (shm_open, shm_unlink) between processes.
 *
 * musl's shm_open is open("/dev/shm/NAME", O_NOFOLLOW|O_CLOEXEC|O_NONBLOCK|
 * flags) and shm_unlink is unlink: the object is a tmpfs file, sized with
 * ftruncate and mapped MAP_SHARED. Two processes that open it separately
 * map it wherever their own address space has room, so the same bytes sit
 * at different addresses: anything shared must be found by offsets from the
 * start of the object, never by pointers (the ring below keeps byte counts,
 * and each side adds its own base).
 *
 *   - a writer and a reader move 10 MB through a 64 KiB ring in the object,
 *     every word checked and both checksums compared;
 *   - unlinked while mapped, the object keeps its data until the last
 *     mapping goes, then its memory comes back (MemFree, faultline only:
 *     on a Linux host other processes move MemFree all the time);
 *   - a bad name pointer is EFAULT (the raw open and unlink calls);
 *   - under memory pressure (the swap machine), an object bigger than RAM
 *     mapped by two processes is paged out and back in for both, intact.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child.h"
#include "splitmix.h"
#include "swap.h"

#define RING (64 * 1024)
#define TOTAL (10 * 1000 * 1000 / 8 * 8) /* 10 MB, in whole words */

/* The object's layout: a header page, then the ring. Only offsets and
 * counts in it, no pointers: each process maps it at its own address. */
struct ring {
	_Atomic uint64_t head;   /* bytes written so far; the next goes to data[head % RING] */
	_Atomic uint64_t tail;   /* bytes read so far */
	uint64_t writer_base;    /* where the writer mapped the object (to show it differs) */
	uint64_t writer_sum;     /* the writer's checksum, set before its last head update */
	char pad[4096 - 32];
	uint64_t data[RING / 8];
};

static char name[64];

static uint64_t word_at(uint64_t pos)
{
	uint64_t s = pos;
	return splitmix(&s);
}

static struct ring *map_ring(int fd)
{
	struct ring *r = mmap(NULL, sizeof(struct ring), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (r == MAP_FAILED)
		bail("mmap the ring");
	return r;
}

/* The writer: its own shm_open and mmap, at a different address than the
 * reader's (a spacer mapping first moves it). */
static int writer(void *unused)
{
	(void)unused;
	if (mmap(NULL, 1 << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED)
		return 10;
	int fd = shm_open(name, O_RDWR, 0);
	if (fd < 0)
		return 11;
	struct ring *r = map_ring(fd);
	close(fd);
	r->writer_base = (uint64_t)r;
	uint64_t sum = 0, head = 0;
	while (head < TOTAL) {
		uint64_t room = RING - (head - atomic_load_explicit(&r->tail, memory_order_acquire));
		if (!room) {
			sched_yield();
			continue;
		}
		for (uint64_t end = head + (room < TOTAL - head ? room : TOTAL - head); head < end; head += 8) {
			uint64_t w = word_at(head);
			r->data[head % RING / 8] = w;
			sum = sum * 31 + w;
		}
		if (head == TOTAL)
			r->writer_sum = sum;
		atomic_store_explicit(&r->head, head, memory_order_release);
	}
	return 0;
}

static void ring_exchange(void)
{
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	struct stat st;
	if (fd < 0 || ftruncate(fd, sizeof(struct ring)))
		bail("shm_open and ftruncate the ring");
	tap_ok(stat("/dev/shm", &st) == 0 && (st.st_mode & 07777) == 01777 && S_ISDIR(st.st_mode),
	       "/dev/shm is a directory, mode 01777");
	char path[80];
	snprintf(path, sizeof path, "/dev/shm%s", name);
	tap_ok(stat(path, &st) == 0 && st.st_size == sizeof(struct ring) && (st.st_mode & 0777) == 0600,
	       "shm_open made %s, ftruncate sized it", path);
	pid_t pid = spawn(writer, NULL);
	struct ring *r = map_ring(fd);
	uint64_t sum = 0, tail = 0, bad = 0;
	while (tail < TOTAL) {
		uint64_t head = atomic_load_explicit(&r->head, memory_order_acquire);
		if (head == tail) {
			sched_yield();
			continue;
		}
		for (; tail < head; tail += 8) {
			uint64_t w = r->data[tail % RING / 8];
			bad += w != word_at(tail);
			sum = sum * 31 + w;
		}
		atomic_store_explicit(&r->tail, tail, memory_order_release);
	}
	tap_status(reap(pid), EXITED(0), "the writer moved 10 MB through the ring");
	tap_eq(bad, 0, "every word arrived as written");
	tap_ok(sum == r->writer_sum, "the reader's checksum is the writer's (%#lx)", (unsigned long)sum);
	tap_ok(r->writer_base != (uint64_t)r, "the writer's mapping (%#lx) and the reader's (%p) differ",
	       (unsigned long)r->writer_base, (void *)r);

	/* Unlinked while mapped twice: the data lives until the last munmap. */
	struct ring *again = map_ring(fd);
	close(fd);
	tap_eq(shm_unlink(name), 0, "shm_unlink while mapped");
	tap_try(shm_open(name, O_RDWR, 0), -1, ENOENT, "... the name is gone: ENOENT");
	munmap(r, sizeof(struct ring));
	tap_ok(again->writer_sum == sum && again->data[0] == word_at((TOTAL - 1) / RING * RING),
	       "after one munmap the other mapping still holds the data");
	munmap(again, sizeof(struct ring));
}

static void bad_names(void)
{
	errno = 0;
	long r = syscall(SYS_open, (char *)1, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
	tap_syscall(r, errno, -1, EFAULT, NULL, "open (shm_open's call) with a bad name pointer -> EFAULT");
	errno = 0;
	r = syscall(SYS_unlink, (char *)1);
	tap_syscall(r, errno, -1, EFAULT, NULL, "unlink (shm_unlink's call) with a bad name pointer -> EFAULT");
}

/* ---- bigger than RAM ------------------------------------------------------ */

static size_t big_pages;
static int go[2], done[2];

static char *map_big(void)
{
	int fd = shm_open(name, O_RDWR, 0);
	char *p = fd < 0 ? MAP_FAILED : mmap(NULL, big_pages * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (fd >= 0)
		close(fd);
	return p;
}

/* Fills the object, lets the parent check it, then checks it again itself. */
static int filler(void *unused)
{
	(void)unused;
	char c = 0;
	char *p = map_big();
	if (p == MAP_FAILED)
		return 10;
	fill_pages(p, 0, big_pages, 1, 7);
	if (write(done[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
		return 11;
	return bad_pages(p, 0, big_pages, 1, 7) ? 12 : 0;
}

static void bigger_than_ram(void)
{
	/* On the swap machine, as much as RAM; a Linux host keeps 64 MiB in RAM. */
	big_pages = (on_faultline() ? pressure_size(1) : 64 * MIB) / PAGE;
	snprintf(name, sizeof name, "/shm-big.%d", getpid());
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || ftruncate(fd, big_pages * PAGE) || pipe(go) || pipe(done))
		bail("the big object");
	close(fd);
	long out0 = proc_value("/proc/vmstat", "pswpout"), in0 = proc_value("/proc/vmstat", "pswpin");
	char c = 0;
	pid_t pid = spawn(filler, NULL);
	if (read(done[0], &c, 1) != 1)
		bail("the filler");
	char *p = map_big();
	if (p == MAP_FAILED)
		bail("map the big object");
	tap_eq(bad_pages(p, 0, big_pages, 1, 7), 0, "the parent reads all %zu MiB the child wrote",
	       big_pages * PAGE / MIB);
	if (write(go[1], &c, 1) != 1)
		bail("go");
	tap_status(reap(pid), EXITED(0), "... and the child reads them all again");
	long out = proc_value("/proc/vmstat", "pswpout") - out0, in = proc_value("/proc/vmstat", "pswpin") - in0;
	if (on_faultline())
		tap_ok(out > 0 && in > 0, "pages of the object went to swap and back (%ld out, %ld in)", out, in);
	else
		tap_skip("a Linux host has RAM to spare", "pages of the object went to swap and back");
	munmap(p, big_pages * PAGE);
	shm_unlink(name);
}

int main(void)
{
	long free0 = meminfo_kb("MemFree");
	snprintf(name, sizeof name, "/shm-ring.%d", getpid());
	ring_exchange();
	bad_names();
	bigger_than_ram();
	long free1 = meminfo_kb("MemFree");
	if (on_faultline())
		tap_ok(free1 >= free0 - 1024, "MemFree is back to its baseline (%ld kB, was %ld kB)", free1, free0);
	else
		tap_skip("other processes move a Linux host's MemFree", "MemFree is back to its baseline");
	return done_testing();
}
