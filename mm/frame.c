/* mm/frame.c — the physical frame allocator: one bit per 4 KiB frame, set
 * when the frame is in use. A bitmap makes a double free detectable (the bit
 * is already clear) and keeps the whole state in one visible array.
 *
 * It is built from the Multiboot2 memory map: everything starts "in use",
 * usable RAM ranges are released, then the frames below 1 MiB (BIOS data,
 * real-mode structures), the kernel image, the boot information, the GRUB
 * modules (initramfs) and the bitmap itself are taken back. Holes, reserved
 * and ACPI ranges are never released, and RAM above 4 GiB is handled like any
 * other.
 *
 * Beside the bitmap, a 16-bit reference count per frame lets page tables
 * share a frame (fork's copy-on-write): frame_free() drops one reference and
 * releases the frame with the last. A 64-bit private tag per frame lets an
 * owner attach something to it (the swap cache: the slot holding a copy),
 * with a hook called when the last reference goes.
 *
 * One frame is special: the shared zero page. Every read of untouched
 * private anonymous memory maps it, read-only, so reading a huge untouched
 * area costs no memory (Linux's ZERO_PAGE). It is never freed and its count
 * is not kept: frame_get and frame_free ignore it. */
#include "mm/frame.h"
#include "kernel/bootinfo.h"
#include "kernel/failinject.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/layout.h"
#include "mm/poison.h"

#define LOW_MEMORY (1ul << 20)
#define BOOT_MAPPED (4ul << 30) /* the boot tables direct-map this much */

extern char _kernel_start[], _kernel_end[];

static u64 *bitmap;
static u64 *user_map;                   /* per frame: given out for user memory (frame_alloc_user) */
static u16 *refs;
static u64 *priv;                       /* per frame: owner's tag (the swap cache's slot) */
static void (*release_hook)(u64 pa, u64 tag);
static size_t nframes, nfree, nusable, hint;
static u64 zero_pa;

static bool used(size_t f) { return bitmap[f / 64] & (1ul << (f % 64)); }
static void set_used(size_t f) { bitmap[f / 64] |= 1ul << (f % 64); }
static void set_free(size_t f) { bitmap[f / 64] &= ~(1ul << (f % 64)); }

struct range {
	u64 start, end;
};

/* Physical ranges that must never be handed out, apart from non-RAM. */
static int reserved_ranges(struct range *r)
{
	int n = 0;
	r[n++] = (struct range){ 0, LOW_MEMORY };
	r[n++] = (struct range){ virt_to_phys(_kernel_start), virt_to_phys(_kernel_end) };
	r[n++] = (struct range){ bootinfo.info_phys, bootinfo.info_phys + bootinfo.info_size };
	for (int i = 0; i < bootinfo.nmod; i++)
		r[n++] = (struct range){ bootinfo.mod[i].start, bootinfo.mod[i].end };
	return n;
}

/* First page-aligned spot of 'len' bytes in usable RAM below 4 GiB that
 * avoids every reserved range. */
static u64 find_home(u64 len, const struct range *res, int nres)
{
	for (int i = 0; i < bootinfo.nmem; i++) {
		const struct memrange *m = &bootinfo.mem[i];
		if (m->type != MEM_USABLE)
			continue;
		u64 end = MIN(m->base + m->len, BOOT_MAPPED);
		for (u64 at = ALIGN_UP(m->base, PAGE_SIZE); at + len <= end;) {
			int j;
			for (j = 0; j < nres; j++)
				if (at < res[j].end && res[j].start < at + len)
					break;
			if (j == nres)
				return at;
			at = ALIGN_UP(res[j].end, PAGE_SIZE);
		}
	}
	panic("frame_init: no room for the frame bitmap (%lu bytes)", len);
}

static void set_bit_to(size_t f, bool in_use)
{
	if (in_use)
		set_used(f);
	else
		set_free(f);
}

/* Frames [start, end) all in use or all free. Bit by bit this cost ~1.5 M
 * instructions at every boot (23 per frame, 64 Ki frames in 256 MiB): the
 * whole words inside the range are now written with one store each, and
 * only the ragged ends bit by bit. */
static void mark(u64 start, u64 end, bool in_use)
{
	size_t f = start / PAGE_SIZE, last = MIN(end / PAGE_SIZE, nframes);
	for (; f < last && f % 64; f++)
		set_bit_to(f, in_use);
	for (; f + 64 <= last; f += 64)
		bitmap[f / 64] = in_use ? ~0ul : 0;
	for (; f < last; f++)
		set_bit_to(f, in_use);
}

/* Free frames, counted once the bitmap is built: a word with no frame in
 * use adds 64 at once, any other its clear bits one by one. */
static size_t count_free(void)
{
	size_t n = 0;
	for (size_t w = 0; w < ALIGN_UP(nframes, 64) / 64; w++) {
		u64 free_bits = ~bitmap[w];
		if (free_bits == ~0ul) {
			n += 64;
			continue;
		}
		for (; free_bits; free_bits &= free_bits - 1) /* clears the lowest set bit */
			n++;
	}
	return n;
}

void frame_init(void)
{
	u64 top = 0;
	for (int i = 0; i < bootinfo.nmem; i++)
		if (bootinfo.mem[i].type == MEM_USABLE)
			top = MAX(top, bootinfo.mem[i].base + bootinfo.mem[i].len);
	nframes = top / PAGE_SIZE;

	struct range res[4 + MAX_MODULES];
	int nres = reserved_ranges(res);
	u64 map_bytes = ALIGN_UP(nframes, 64) / 8;
	u64 bytes = 2 * map_bytes + nframes * (sizeof(u16) + sizeof(u64));
	u64 home = find_home(bytes, res, nres);
	bitmap = phys_to_virt(home);
	user_map = phys_to_virt(home + map_bytes);
	priv = phys_to_virt(home + 2 * map_bytes);
	refs = phys_to_virt(home + 2 * map_bytes + nframes * sizeof(u64));
	memset(bitmap, 0xff, map_bytes);
	memset(user_map, 0, map_bytes);
	memset(refs, 0, nframes * sizeof(u16));
	memset(priv, 0, nframes * sizeof(u64));

	for (int i = 0; i < bootinfo.nmem; i++) {
		const struct memrange *m = &bootinfo.mem[i];
		if (m->type == MEM_USABLE)
			mark(ALIGN_UP(m->base, PAGE_SIZE), ALIGN_DOWN(m->base + m->len, PAGE_SIZE), false);
	}
	res[nres++] = (struct range){ home, home + bytes };
	for (int i = 0; i < nres; i++)
		mark(ALIGN_DOWN(res[i].start, PAGE_SIZE), ALIGN_UP(res[i].end, PAGE_SIZE), true);
	nfree = count_free();
	zero_pa = frame_alloc();
	nusable = nfree;
	pr_info("frame: %lu MiB usable in %lu frames, top of RAM %lx\n",
	       nusable * PAGE_SIZE >> 20, nusable, top);
}

/* The first free frame at or after f, or nframes. A word of the bitmap
 * covers 64 frames, so a word with no clear bit (64 frames in use) is
 * passed over in one step, and in a word with one the lowest clear bit is
 * found with one instruction (ctz: count trailing zeros) instead of 64 bit
 * tests: after fork has filled low memory, this took ~640 instructions per
 * allocation bit by bit, ~30 now. Bits past nframes stay set (frame_init),
 * so they never look free. */
static size_t next_free(size_t f)
{
	while (f < nframes) {
		u64 free_bits = ~bitmap[f / 64] >> (f % 64); /* bit 0 is frame f */
		if (free_bits)
			return MIN(f + (size_t)__builtin_ctzl(free_bits), nframes);
		f = ALIGN_DOWN(f, 64) + 64;
	}
	return nframes;
}

/* Index of the first run of n free frames at or after 'from', or nframes.
 * Inline: every page fault's frame comes through here. */
static inline size_t find_free(size_t from, size_t n)
{
	size_t f = next_free(from);
	if (n == 1) /* the common request (every page fault's): any free frame is a run */
		return f;
	while (f + n <= nframes) {
		size_t run = 1;
		while (run < n && !used(f + run))
			run++;
		if (run == n)
			return f;
		f = next_free(f + run); /* f + run is in use: look past it */
	}
	return nframes;
}

/* n contiguous frames, holding whatever they last held, or 0. */
static u64 take_frames(size_t n)
{
	if (should_fail(FAIL_PAGE_ALLOC))
		return 0;
	size_t f = find_free(hint, n);
	if (f == nframes)
		f = find_free(0, n);
	if (f == nframes)
		return 0;
	for (size_t i = f; i < f + n; i++) {
		set_used(i);
		refs[i] = 1;
	}
	nfree -= n;
	hint = f + n;
	return (u64)f * PAGE_SIZE;
}

u64 frame_alloc_contig(size_t n)
{
	u64 pa = take_frames(n);
	if (pa)
		memset(phys_to_virt(pa), 0, n * PAGE_SIZE);
	return pa;
}

u64 frame_alloc(void)
{
	return frame_alloc_contig(1);
}

/* Zeroing a frame the caller overwrites whole at once (a copy-on-write
 * copy, a page read back from swap) is 4 KiB of stores thrown away: the
 * largest part of such a fault. The rule that a frame given to user space
 * never holds old data stays true because the caller writes every byte
 * before the frame is mapped, and frees it unmapped if it cannot. In the
 * SANITIZE=1 build the frame is filled with the freed-frame poison here,
 * so a byte a caller forgot to write would reach user space as a canary
 * the leak tests catch, instead of as silent old data. */
u64 frame_alloc_unzeroed(void)
{
	u64 pa = take_frames(1);
	if (pa)
		poison_fill(phys_to_virt(pa), PAGE_SIZE, POISON_FRAME);
	return pa;
}

/* The frame at pa, checked: a frame with a reference is in use (take_frames
 * sets both, the last frame_free clears both; the frames the allocator never
 * gives out have none), so the count alone catches a double free, a frame
 * never allocated and a reserved one, without also testing the bitmap. */
static inline size_t frame_index(u64 pa)
{
	size_t f = pa / PAGE_SIZE;
	if (pa % PAGE_SIZE || f >= nframes || !refs[f])
		panic("frame: %lx is not an allocated frame (double free?)", pa);
	return f;
}

/* The last reference to frame f is gone: it goes back to the free pool. */
static void release(size_t f)
{
	if (priv[f] && release_hook)
		release_hook((u64)f * PAGE_SIZE, priv[f]);
	priv[f] = 0;
	poison_fill(phys_to_virt((u64)f * PAGE_SIZE), PAGE_SIZE, POISON_FRAME);
	user_map[f / 64] &= ~(1ul << (f % 64));
	set_free(f);
	nfree++;
	if (f < hint)
		hint = f;
}

/* Most drops are not the last (a file's page held around a copy, a page
 * copy-on-write shares): those cost the check and a decrement, no more. */
void frame_free(u64 pa)
{
	if (pa == zero_pa)
		return;
	size_t f = frame_index(pa);
	if (--refs[f] == 0)
		release(f);
}

void frame_free_contig(u64 pa, size_t n)
{
	for (size_t i = 0; i < n; i++)
		frame_free(pa + i * PAGE_SIZE);
}

void frame_get(u64 pa)
{
	if (pa == zero_pa)
		return;
	size_t f = frame_index(pa);
	if (refs[f] == UINT16_MAX)
		panic("frame_get: reference count overflow on %lx", pa);
	refs[f]++;
}

unsigned frame_refs(u64 pa)
{
	return refs[frame_index(pa)];
}

/* One check of the frame where mm/pte.c's rule asked three questions
 * (zero page? one reference? no tag?) each with its own check: the rule is
 * asked on every fault that maps a page. */
bool frame_exclusive(u64 pa)
{
	if (pa == zero_pa)
		return false;
	size_t f = frame_index(pa);
	return refs[f] == 1 && !priv[f];
}

void frame_set_private(u64 pa, u64 tag) { priv[frame_index(pa)] = tag; }
u64 frame_private(u64 pa) { return priv[frame_index(pa)]; }
void frame_on_release(void (*hook)(u64 pa, u64 tag)) { release_hook = hook; }

void frame_for_each_private(void (*fn)(u64 pa, u64 tag))
{
	for (size_t f = 0; f < nframes; f++)
		if (priv[f])
			fn((u64)f * PAGE_SIZE, priv[f]);
}

/* The user mark is set here, where the frame has just been taken, so it
 * needs no check that it is allocated (a frame_mark_user after the
 * allocation asked frame_index again, on every page fault). */
u64 frame_alloc_user(bool zeroed)
{
	u64 pa = zeroed ? frame_alloc() : frame_alloc_unzeroed();
	size_t f = pa / PAGE_SIZE;
	if (pa)
		user_map[f / 64] |= 1ul << (f % 64);
	return pa;
}

bool frame_is_user(u64 pa)
{
	size_t f = pa / PAGE_SIZE;
	return pa == zero_pa || (f < nframes && (user_map[f / 64] & (1ul << (f % 64))));
}

u64 zero_frame(void) { return zero_pa; }
size_t frames_free(void) { return nfree; }
size_t frames_usable(void) { return nusable; }
