/* mm/vm.c — four-level page tables, built and edited in C.
 *
 * An x86-64 virtual address is split 9/9/9/9/12: PML4, PDPT, PD and PT
 * indexes and a page offset. walk_pt() descends to the last table,
 * creating missing tables on request, and walk() picks va's entry in it;
 * mappages, unmappages and protect are written on top of walk, fork's
 * per-table loop (mm/cow.c) on walk_pt. vm_init() replaces the boot
 * tables with the kernel's own: the image mapped W^X section by section, all
 * RAM direct-mapped at DIRECT_MAP with 2 MiB pages, and the top-level
 * entries of the kernel's areas (mm/layout.h) created once so every address
 * space can share them. */
#include "mm/vm.h"
#include "kernel/accounting.h"
#include "arch/x86.h"
#include "kernel/bootinfo.h"
#include "kernel/errno.h"
#include "kernel/failinject.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/frame.h"
#include "mm/pfnmap.h"
#include "mm/swap.h"

pte_t *kernel_pml4;

extern char _text_start[], _text_end[], _rodata_start[], _rodata_end[];
extern char _data_start[], _data_end[];

static unsigned pt_index(u64 va, int level) /* level 4 = PML4 ... 1 = PT */
{
	return (va >> (PAGE_SHIFT + 9 * (level - 1))) & 511;
}

/* The table an entry points to, creating it when asked. NULL for a missing
 * table (without alloc) or a large page, which has no table below it. */
static pte_t *descend(pte_t *entry, u64 va, bool alloc)
{
	if (*entry & PTE_P)
		return (*entry & PTE_PS) ? NULL : phys_to_virt(PTE_ADDR(*entry));
	if (!alloc || should_fail(FAIL_PGTABLE))
		return NULL;
	u64 pa = frame_alloc();
	if (!pa)
		return NULL;
	acct_add(ACCT_PAGE_TABLES, 1);
	/* Intermediate entries grant everything; the leaf decides. User bit only
	 * in the lower half, so no kernel table is ever user-reachable. */
	*entry = pa | PTE_P | PTE_W | (va < TASK_SIZE_MAX ? PTE_U : 0);
	return phys_to_virt(pa);
}

pte_t *walk_pt(pte_t *pml4, u64 va, bool alloc)
{
	pte_t *table = pml4;
	for (int level = 4; level > 1 && table; level--)
		table = descend(&table[pt_index(va, level)], va, alloc);
	return table;
}

pte_t *walk(pte_t *pml4, u64 va, bool alloc)
{
	pte_t *pt = walk_pt(pml4, va, alloc);
	return pt ? &pt[pt_index(va, 1)] : NULL;
}

u64 walk_next(pte_t *pml4, u64 va)
{
	pte_t *table = pml4;
	for (int level = 4; level > 1; level--) {
		pte_t e = table[pt_index(va, level)];
		if (!(e & PTE_P) || (e & PTE_PS)) {
			u64 next = ALIGN_UP(va + 1, 1ul << (PAGE_SHIFT + 9 * (level - 1)));
			return next > va ? next : ~0ul;
		}
		table = phys_to_virt(PTE_ADDR(e));
	}
	return va + PAGE_SIZE > va ? va + PAGE_SIZE : ~0ul;
}

/* Set once vm_init has made every top-level entry the kernel will use. */
static bool kernel_half_shared;

int mappages(pte_t *pml4, u64 va, u64 pa, u64 size, u64 flags)
{
	for (u64 off = 0; off < size; off += PAGE_SIZE) {
		/* A new top-level kernel entry now would be in kernel_pml4 alone:
		 * the address spaces that copied the kernel half (vm_new) would
		 * never see what is mapped below it. Every kernel mapping belongs
		 * in an area of mm/layout.h, whose entries vm_init made. */
		if (pml4 == kernel_pml4 && kernel_half_shared &&
		    !(pml4[pt_index(va + off, 4)] & PTE_P))
			panic("vm: kernel mapping at %lx outside the kernel's areas", va + off);
		pte_t *pte = walk(pml4, va + off, true);
		if (!pte)
			return -ENOMEM;
		if (*pte & PTE_P)
			panic("mappages: %lx already mapped", va + off);
		*pte = (pa + off) | flags | PTE_P;
	}
	return 0;
}

/* What a user leaf entry holds goes back: a frame, or a swap slot. (A
 * non-present entry with an address is a PROT_NONE page keeping its frame.)
 * A device frame (PTE_SPECIAL, mm/pfnmap.h) is no RAM: nothing to give back. */
static void release_leaf(pte_t e)
{
	if (pte_is_swap(e))
		swap_free(pte_to_swp(e));
	else if (e && !(e & PTE_SPECIAL))
		frame_free(PTE_ADDR(e));
}

void unmappages(pte_t *pml4, u64 va, u64 size, bool free_frames)
{
	for (u64 a = va; a < va + size; a = walk_next(pml4, a)) {
		pte_t *pte = walk(pml4, a, false);
		if (!pte || !*pte)
			continue;
		if (free_frames)
			release_leaf(*pte);
		*pte = 0;
		if (pml4 == kernel_pml4)
			invlpg(a); /* a user address space's flush is its caller's: mm_flush_tlb */
	}
}

int protect(pte_t *pml4, u64 va, u64 size, u64 flags)
{
	for (u64 a = va; a < va + size; a += PAGE_SIZE) {
		pte_t *pte = walk(pml4, a, false);
		if (!pte || !*pte)
			return -EFAULT;
		*pte = PTE_ADDR(*pte) | flags;
		invlpg(a);
	}
	return 0;
}

bool translate(pte_t *pml4, u64 va, u64 *pa, u64 *flags)
{
	pte_t *table = pml4;
	for (int level = 4; level >= 1; level--) {
		pte_t e = table[pt_index(va, level)];
		if (!(e & PTE_P))
			return false;
		if (level == 1 || (e & PTE_PS)) {
			u64 span = 1ul << (PAGE_SHIFT + 9 * (level - 1));
			*pa = PTE_ADDR(e) + (va & (span - 1));
			*flags = e & PTE_FLAGS_MASK;
			return true;
		}
		table = phys_to_virt(PTE_ADDR(e));
	}
	return false;
}

/* Most entries of a user table are empty, so a loop over them (teardown,
 * fork) would spend its time stepping over them: they are tested eight at
 * a time (one OR over a 64-byte cache line, which never leaves the table),
 * and a sparse table costs about 64 steps, not 512. */
int next_used(const pte_t *table, int i, int n)
{
	for (; i < n && i % 8; i++) /* up to a line's start, one by one */
		if (table[i])
			return i;
	for (; i + 8 <= n; i += 8) { /* whole lines: stop at one with an entry */
		const pte_t *l = &table[i];
		if (l[0] | l[1] | l[2] | l[3] | l[4] | l[5] | l[6] | l[7])
			break;
	}
	for (; i < n; i++) /* that line (or the last few entries) */
		if (table[i])
			return i;
	return n;
}

/* Free the tables below 'table' (at 'level'); with 'leaves', the mapped
 * frames too. Large pages are kernel direct-map only and never freed here.
 * A leaf that is not present but not zero still owns its frame: that is how
 * a PROT_NONE page keeps its contents (see protect()). */
static void free_level(pte_t *table, int level, bool leaves)
{
	for (int i = next_used(table, 0, 512); i < 512; i = next_used(table, i + 1, 512)) {
		pte_t e = table[i];
		if (level > 1 && (e & PTE_P) && !(e & PTE_PS))
			free_level(phys_to_virt(PTE_ADDR(e)), level - 1, leaves);
		else if (level == 1 && leaves)
			release_leaf(e);
	}
	frame_free(virt_to_phys(table));
	acct_add(ACCT_PAGE_TABLES, -1);
}

pte_t *vm_new(void)
{
	u64 pa = frame_alloc();
	if (!pa)
		return NULL;
	acct_add(ACCT_PAGE_TABLES, 1);
	pte_t *pml4 = phys_to_virt(pa);
	memcpy(pml4 + 256, kernel_pml4 + 256, 256 * sizeof(pte_t));
	return pml4;
}

void freevm(pte_t *pml4)
{
	for (int i = next_used(pml4, 0, 256); i < 256; i = next_used(pml4, i + 1, 256))
		if (pml4[i] & PTE_P)
			free_level(phys_to_virt(PTE_ADDR(pml4[i])), 3, true);
	frame_free(virt_to_phys(pml4));
	acct_add(ACCT_PAGE_TABLES, -1);
}

static void map_or_die(u64 va, u64 pa, u64 size, u64 flags)
{
	if (mappages(kernel_pml4, va, pa, size, flags) < 0)
		panic("vm_init: out of memory mapping %lx", va);
}

static void map_image_part(const char *start, const char *end, u64 flags)
{
	u64 s = ALIGN_DOWN((u64)start, PAGE_SIZE), e = ALIGN_UP((u64)end, PAGE_SIZE);
	map_or_die(s, virt_to_phys((void *)s), e - s, flags | PTE_G);
}

/* The kernel image's frames: their direct-map alias gets 4 KiB pages, so
 * that text and rodata can be read-only there too (see vm_init). */
static bool in_image(u64 pa, u64 len)
{
	return pa < virt_to_phys(_data_start) && virt_to_phys(_text_start) < pa + len;
}

/* Direct-map [start, end) of physical memory: 2 MiB pages where alignment
 * allows (fewer tables, fewer TLB misses), 4 KiB pages at the ragged edges
 * and around the kernel image. */
static void map_direct(u64 start, u64 end)
{
	const u64 flags = PTE_P | PTE_W | PTE_NX | PTE_G;
	for (u64 pa = ALIGN_DOWN(start, PAGE_SIZE); pa < end;) {
		u64 va = DIRECT_MAP + pa;
		if (pa % HUGE_PAGE_SIZE == 0 && pa + HUGE_PAGE_SIZE <= end && !in_image(pa, HUGE_PAGE_SIZE)) {
			pte_t *pdpt = descend(&kernel_pml4[pt_index(va, 4)], va, true);
			pte_t *pd = pdpt ? descend(&pdpt[pt_index(va, 3)], va, true) : NULL;
			if (!pd)
				panic("vm_init: out of memory for the direct map");
			if (!(pd[pt_index(va, 2)] & PTE_P))
				pd[pt_index(va, 2)] = pa | flags | PTE_PS;
			pa += HUGE_PAGE_SIZE;
		} else {
			pte_t *pte = walk(kernel_pml4, va, true);
			if (!pte)
				panic("vm_init: out of memory for the direct map");
			if (!(*pte & PTE_P))
				*pte = pa | flags;
			pa += PAGE_SIZE;
		}
	}
}

static void kernel_area(u64 va)
{
	if (!descend(&kernel_pml4[pt_index(va, 4)], va, true))
		panic("vm_init: out of memory for the kernel's tables");
}

void vm_init(void)
{
	kernel_pml4 = phys_to_virt(frame_alloc());
	map_image_part(_text_start, _text_end, 0);                  /* R+X */
	map_image_part(_rodata_start, _rodata_end, PTE_NX);         /* R */
	map_image_part(_data_start, _data_end, PTE_W | PTE_NX);     /* RW */
	for (int i = 0; i < bootinfo.nmem; i++) {
		const struct memrange *m = &bootinfo.mem[i];
		if (m->type == MEM_USABLE || m->type == MEM_ACPI || m->type == MEM_NVS)
			map_direct(m->base, m->base + m->len);
	}
	/* W^X for the alias too: otherwise kernel text could be patched through
	 * phys_to_virt() even though its own mapping is read-only. */
	protect(kernel_pml4, (u64)phys_to_virt(virt_to_phys(_text_start)),
		(u64)(_rodata_end - _text_start), PTE_P | PTE_NX | PTE_G);
	/* The top-level entries of the areas mapped after boot (the direct map
	 * and the image have theirs now): a process's PML4 copies the kernel
	 * half once, so later kernel mappings below them appear everywhere.
	 * Only these: an empty table for each of the other ~250 slots, which
	 * nothing maps, would be 1 MiB the boot clears and wx_check reads. */
	kernel_area(IOREMAP_AREA);
	kernel_area(KSTACK_AREA);
	kernel_half_shared = true;
	write_cr3(virt_to_phys(kernel_pml4));
}

void *ioremap(u64 phys, u64 size)
{
	static u64 next = IOREMAP_AREA;
	u64 off = phys % PAGE_SIZE, va = next;
	size = ALIGN_UP(size + off, PAGE_SIZE);
	map_or_die(va, phys - off, size, PTE_W | PTE_NX | PTE_PCD | PTE_PWT | PTE_G);
	next += size + PAGE_SIZE;
	return (void *)(va + off);
}
