/* bench/mem.c — page faults and the address-space calls, per page or call:
 *   fault_demand_zero     first write to an anonymous page (a cleared frame)
 *   fault_zero_page_read  first read of one (the shared zero page, no frame)
 *   fault_cow             first write after fork to a page the child shares
 *   mmap_munmap_10_maps, mmap_munmap_10000_maps
 *                         mmap then munmap of one anonymous page, with 10
 *                         or 10,000 other mappings in the address space
 * The mappings of a round are made and removed outside the timed part. */
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define PAGE 4096
#define PAGES 64
#define MAP_CALLS 100

static char *map_pages(long n)
{
	char *p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	need(p != MAP_FAILED, "mmap");
	return p;
}

/* The first touch of each of PAGES new pages, a write or a read. */
static void first_touch(const char *name, int write)
{
	struct samples s = { 0 };
	volatile char sink;
	for (int r = 0; r < rounds(); r++) {
		char *p = map_pages(ops(PAGES));
		sample_start(&s);
		for (long i = 0; i < ops(PAGES); i++) {
			if (write)
				p[i * PAGE] = 1;
			else
				sink = p[i * PAGE];
		}
		sample_stop(&s, ops(PAGES));
		munmap(p, ops(PAGES) * PAGE);
	}
	(void)sink;
	report(&s, "%s", name);
}

/* The parent writes pages it shares with a child that waits on a pipe,
 * so each write copies the page; then the child is let go. */
static void cow(void)
{
	struct samples s = { 0 };
	for (int r = 0; r < rounds(); r++) {
		char *p = map_pages(ops(PAGES));
		int fds[2];
		char c;
		memset(p, 'p', ops(PAGES) * PAGE);
		need(pipe(fds) == 0, "pipe");
		pid_t child = fork();
		need(child >= 0, "fork");
		if (child == 0) {
			close(fds[1]);
			_exit(read(fds[0], &c, 1) == 0 ? 0 : 1);
		}
		close(fds[0]);
		sample_start(&s);
		for (long i = 0; i < ops(PAGES); i++)
			p[i * PAGE] = 2;
		sample_stop(&s, ops(PAGES));
		close(fds[1]);
		need(waitpid(child, NULL, 0) == child, "waitpid");
		munmap(p, ops(PAGES) * PAGE);
	}
	report(&s, "fault_cow");
}

/* N one-page mappings that cannot merge: every other page of a region
 * 2N pages long is unmapped. */
static void mmap_with(long existing)
{
	char *region = map_pages(2 * existing);
	for (long i = 1; i < 2 * existing; i += 2)
		munmap(region + i * PAGE, PAGE);
	char name[40];
	snprintf(name, sizeof(name), "mmap_munmap_%ld_maps", existing);
	MEASURE_LOOP(name, MAP_CALLS, munmap(map_pages(1), PAGE));
	for (long i = 0; i < 2 * existing; i += 2)
		munmap(region + i * PAGE, PAGE);
}

int main(int argc, char **argv)
{
	bench_init(argc, argv);
	first_touch("fault_demand_zero", 1);
	first_touch("fault_zero_page_read", 0);
	cow();
	mmap_with(10);
	mmap_with(quick ? 100 : 10000);
	return 0;
}
