/* user/shmdemo.c — the demo of POSIX shared memory: one process writes
 * messages into a ring buffer in a shm_open object, another reads them.
 *
 * Each process opens the object by name and maps it itself, so each sees it
 * at its own virtual address: the program prints both. That is why the ring
 * holds offsets (how many bytes were written and read), never pointers: a
 * pointer stored by the writer would mean something else, or nothing, in
 * the reader. Each side turns an offset into an address by adding the base
 * of its own mapping.
 *
 * Behind the two addresses is one physical frame per page: the object's
 * (on faultline, a page of mm/shmem.c's radix tree, mapped by both page
 * tables). faultline has no /proc/self/pagemap or other interface that
 * tells a user process its frame numbers (Linux shows them only to
 * CAP_SYS_ADMIN), so the demo shows the sharing by its effect instead:
 * what one process stores at its address, the other reads at its own.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define RING 64 /* bytes of message space: small, so the messages wrap around it */

struct ring {
	_Atomic unsigned head;  /* bytes written so far: offsets, not pointers */
	_Atomic unsigned tail;  /* bytes read so far */
	unsigned long writer_at; /* the writer's address of the object, to print */
	char data[RING];
};

static const char *const messages[] = {
	"hello from the writer", "these bytes live in one shared object",
	"each side maps it at its own address", "so the ring keeps offsets",
	"and the text wraps around the end of a 64-byte ring more than once",
	"goodbye",
};
#define NMSG (sizeof messages / sizeof messages[0])

static struct ring *open_ring(const char *name, int flags)
{
	int fd = shm_open(name, flags, 0600);
	if (fd < 0 || ((flags & O_CREAT) && ftruncate(fd, sizeof(struct ring))))
		return NULL;
	struct ring *r = mmap(NULL, sizeof(struct ring), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return r == MAP_FAILED ? NULL : r;
}

/* One byte in or out at a byte count, wrapping: the offset arithmetic. */
static void put(struct ring *r, unsigned at, char c) { r->data[at % RING] = c; }
static char get(const struct ring *r, unsigned at) { return r->data[at % RING]; }

static int writer(const char *name)
{
	/* Something mapped first, so this process's free space differs. */
	mmap(NULL, 1 << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct ring *r = open_ring(name, O_RDWR);
	if (!r)
		return 1;
	r->writer_at = (unsigned long)r;
	printf("writer: the object is at %p in my address space\n", (void *)r);
	fflush(stdout);
	for (size_t m = 0; m < NMSG; m++) {
		size_t len = strlen(messages[m]) + 1; /* the NUL ends a message */
		unsigned head = atomic_load(&r->head);
		for (size_t i = 0; i < len; i++, head++) {
			while (head - atomic_load(&r->tail) == RING)
				sched_yield(); /* full: wait for the reader */
			put(r, head, messages[m][i]);
			atomic_store(&r->head, head + 1);
		}
	}
	return 0;
}

static int reader(struct ring *r)
{
	char line[128];
	unsigned tail = 0;
	for (size_t m = 0; m < NMSG; m++) {
		size_t n = 0;
		do {
			while (atomic_load(&r->head) == tail)
				sched_yield(); /* empty: wait for the writer */
			line[n] = get(r, tail++);
			atomic_store(&r->tail, tail);
		} while (line[n++] && n < sizeof line);
		printf("reader: \"%s\"\n", line);
		if (strcmp(line, messages[m]))
			return 1;
	}
	printf("reader: the object is at %p in my address space; the writer's was %#lx\n", (void *)r,
	       r->writer_at);
	return r->writer_at == (unsigned long)r;
}

int main(void)
{
	char name[32];
	snprintf(name, sizeof name, "/shmdemo.%d", getpid());
	struct ring *r = open_ring(name, O_RDWR | O_CREAT | O_EXCL);
	if (!r) {
		perror("shm_open");
		return 1;
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(writer(name));
	int bad = reader(r), status;
	waitpid(pid, &status, 0);
	munmap(r, sizeof(struct ring));
	shm_unlink(name);
	printf("one object, two addresses: %s\n", bad || status ? "FAILED" : "the same bytes");
	return bad || status;
}
