/* mm/poison.c — the leak canaries' kernel half (SANITIZE=1 builds only):
 * filling freed memory with mm/poison.h's patterns, and looking for them in
 * everything copy_to_user and put_user hand to user space. A hit means
 * user space was about to see bytes of a freed frame or heap block: an
 * uninitialised field, padding built over stale memory, or a use after
 * free. It is reported, not stopped, so one test run lists every such
 * path; tests/run fails the run on the line. */
#ifdef CONFIG_POISON /* the rest of the time mm/poison.h's empty inlines stand in */
#include "mm/poison.h"
#include "arch/oops.h"
#include "kernel/ksyms.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"

void poison_fill(void *p, size_t n, u64 pattern)
{
	u64 *w = p;
	for (size_t i = 0; i < n / 8; i++)
		w[i] = pattern;
}

static const char *kind(u64 w)
{
	return w == POISON_FRAME ? "freed-frame" : w == POISON_HEAP ? "freed-heap" : NULL;
}

/* "canary: KIND bytes copied out to user space by SYSCALL (NR) at CALLER",
 * where the copy lands, and the kernel's call chain. */
static void report(const char *what, u64 to, size_t off, size_t n, u64 caller)
{
	struct proc *p = myproc();
	long nr = p ? p->syscall_nr : -1;
	printk("canary: %s bytes copied out to user space by %s (%ld) at %s: byte %lu of %lu, "
	       "to user %lx\n",
	       what, syscall_name(nr), nr, ksym_format(caller), (unsigned long)off,
	       (unsigned long)n, to + off);
	backtrace(caller, (u64)__builtin_frame_address(0));
}

/* Only the aligned words are read: freed memory was filled from aligned
 * addresses, so a leaked canary is one of them. */
const char *poison_find(const void *p, size_t n, size_t *off)
{
	u64 start = ALIGN_UP((u64)p, 8), end = (u64)p + n;
	for (u64 a = start; a + 8 <= end; a += 8) {
		const char *what = kind(*(const u64 *)a);
		if (what) {
			*off = a - (u64)p;
			return what;
		}
	}
	return NULL;
}

/* One line per copy: the rest of it is the same leak. */
void poison_check_out(const void *from, u64 to, size_t n, u64 caller)
{
	size_t off;
	const char *what = poison_find(from, n, &off);
	if (what)
		report(what, to, off, n, caller);
}

/* Not inlined: its return address is the function that called put_user. */
__attribute__((noinline)) void poison_check_value(u64 v, u64 to)
{
	if (kind(v))
		report(kind(v), to, 0, 8, (u64)__builtin_return_address(0));
}
#endif
