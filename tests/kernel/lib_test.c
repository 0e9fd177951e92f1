/* tests/kernel/lib_test.c — the kernel's own small library: printf formats,
 * the command-line parser, symbol lookup, and the heap. */
#include "kernel/cmdline.h"
#include "kernel/ksyms.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/frame.h"
#include "mm/kheap.h"

static bool formats(const char *want, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (strcmp(buf, want) != 0)
		printk("# got \"%s\", want \"%s\"\n", buf, want);
	return strcmp(buf, want) == 0;
}

KTEST(printk_formats)
{
	KEXPECT(formats("-42 42 2a 2A", "%d %u %x %X", -42, 42u, 42u, 42u));
	KEXPECT(formats("[  7] [7  ] [007]", "[%3d] [%-3d] [%03d]", 7, 7, 7));
	KEXPECT(formats("ffffffff80000000 18446744073709551615", "%lx %lu",
			0xffffffff80000000ul, ~0ul));
	KEXPECT(formats("0x00000000000000ff", "%p", (void *)0xff));
	KEXPECT(formats("abc|  x|(null)|%", "%s|%3c|%s|%%", "abc", 'x', (char *)NULL));
	KEXPECT(formats("12 -9223372036854775808", "%zu %ld", (size_t)12, (long)(-9223372036854775807L - 1)));
	char tiny[4];
	KEXPECT_EQ(snprintf(tiny, sizeof(tiny), "%s", "truncated"), 9);
	KEXPECT(strcmp(tiny, "tru") == 0);
}

KTEST(cmdline_flags)
{
	/* The live command line contains `test` (that is how we got here). */
	KEXPECT(cmdline_has("test"));
	KEXPECT(!cmdline_has("tes"));
	KEXPECT(cmdline_get("no-such-flag") == NULL);
	/* `test` or `test=cmdline_flags`: no number, so the default */
	KEXPECT_EQ(cmdline_number("test", 7), 7);
	KEXPECT_EQ(cmdline_number("no-such-flag", 9), 9);
}

KTEST(ksyms_lookup)
{
	const char *name;
	u64 off;
	KEXPECT(ksym_lookup((u64)kfree + 3, &name, &off));
	KEXPECT(strcmp(name, "kfree") == 0 && off == 3);
	KEXPECT(!ksym_lookup(0x1000, &name, &off));
}

KTEST(heap_stress)
{
	enum { N = 512 };
	static u8 *blocks[N];
	static size_t sizes[N];
	size_t heap0 = kheap_in_use();
	u64 seed = 12345;
	for (int round = 0; round < 4; round++) {
		for (int i = 0; i < N; i++) {
			seed = seed * 6364136223846793005ul + 1442695040888963407ul;
			sizes[i] = (seed >> 33) % (i % 16 == 0 ? 20000 : 600) + 1;
			blocks[i] = kmalloc(sizes[i]);
			KEXPECT(blocks[i] && (u64)blocks[i] % 16 == 0 && blocks[i][0] == 0);
			memset(blocks[i], i & 0xff, sizes[i]);
		}
		for (int i = 0; i < N; i += 2) /* free half, keep the rest live */
			kfree(blocks[i]);
		for (int i = 1; i < N; i += 2) {
			size_t bad = 0;
			for (size_t j = 0; j < sizes[i]; j++)
				bad += blocks[i][j] != (i & 0xff);
			KEXPECT_EQ(bad, 0); /* nobody else wrote into a live block */
			kfree(blocks[i]);
		}
	}
	KEXPECT_EQ(kheap_in_use(), heap0);
}

/* A burst of small objects, all freed: the heap gives their frames back,
 * keeping at most the one frame of spare blocks its class may hold, and
 * the frames are free again for anyone (a fork bomb's processes kept 12 MiB
 * from user memory when the heap never gave frames back: bk12_exhaust). */
KTEST(heap_gives_empty_frames_back)
{
	enum { N = 64 * 40 }; /* 40 frames of 64-byte blocks */
	static void *blocks[N];
	size_t held0 = kheap_frames(), free0 = frames_free();
	for (int i = 0; i < N; i++)
		KEXPECT((blocks[i] = kmalloc(40)) != NULL);
	KEXPECT(kheap_frames() >= held0 + 39);
	for (int i = 0; i < N; i++)
		kfree(blocks[N - 1 - (i * 7919) % N]); /* in a scattered order */
	KEXPECT(kheap_frames() <= held0 + 1);
	KEXPECT(frames_free() + 1 >= free0);
}

static void kfree_twice(void *p) { kfree(p); }

KTEST(heap_double_free)
{
	void *p = kmalloc(100);
	kfree(p);
	struct caught c = ktest_catch(kfree_twice, p);
	KEXPECT(c.panicked);
}
