/* user/segvdemo.c — a user-level page-fault handler, the trick garbage
 * collectors, databases and user-space checkpointers play: touch memory
 * that is not accessible yet, catch the SIGSEGV, make the page accessible
 * with mprotect, and let the faulting instruction run again.
 *
 * The kernel (mm/fault.c) finds no VMA permission for the access and,
 * because the program has a handler, builds a signal frame on the user
 * stack instead of killing it (arch/sigframe.c): the handler gets si_addr
 * (the address of the access, from CR2) and si_code (SEGV_ACCERR: the page
 * is mapped but forbids the access; SEGV_MAPERR: nothing is mapped there).
 * When the handler returns, rt_sigreturn puts the saved registers back and
 * the same store executes again, now successfully. docs/signals.md follows
 * this path step by step.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGES 4

static char *area;
static long page;
static int faults;

static const char *cause(int code)
{
	return code == SEGV_ACCERR ? "SEGV_ACCERR (mapped, access not allowed)"
	       : code == SEGV_MAPERR ? "SEGV_MAPERR (nothing mapped)" : "other";
}

/* Runs on the signal frame the kernel wrote. It prints with write(2), not
 * stdio, which the interrupted code may be in the middle of (musl's
 * snprintf into a local buffer touches no shared state). */
static void on_segv(int sig, siginfo_t *si, void *uc)
{
	char msg[160];
	char *addr = si->si_addr;
	(void)sig, (void)uc;
	int n = snprintf(msg, sizeof msg, "  SIGSEGV at %p (page %ld of the area), %s\n", (void *)addr,
			 (long)((addr - area) / page), cause(si->si_code));
	write(1, msg, n);
	if (addr < area || addr >= area + PAGES * page) {
		write(1, "  not our area: giving up\n", 26);
		_exit(1);
	}
	faults++;
	char *base = (char *)((uintptr_t)addr & ~(uintptr_t)(page - 1));
	mprotect(base, page, PROT_READ | PROT_WRITE);
	n = snprintf(msg, sizeof msg, "  mprotect(%p, %ld, RW): returning to retry the store\n",
		     (void *)base, page);
	write(1, msg, n);
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	page = sysconf(_SC_PAGESIZE);
	area = mmap(NULL, PAGES * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	printf("segvdemo: %d pages at %p, mapped PROT_NONE\n", PAGES, (void *)area);
	for (int i = 0; i < PAGES; i++) {
		printf("store to page %d (%p):\n", i, (void *)(area + i * page + 42));
		fflush(stdout);
		area[i * page + 42] = (char)('A' + i);
		printf("  the store went through: page %d holds '%c'\n", i, area[i * page + 42]);
	}
	printf("segvdemo: %d faults caught and resolved in user space\n", faults);
	return faults == PAGES ? 0 : 1;
}
