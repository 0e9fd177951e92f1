/* user/ptdump.c — a process looks at its own address space: the areas the
 * kernel keeps for it (/proc/self/maps), and for a few addresses the path
 * the CPU's four-level page walk takes (PML4, PDPT, PD, PT indices, each 9
 * bits of the address) and what the last entry says (/proc/self/pagemap:
 * present, swapped, the physical frame number). Runs the same on Linux and
 * faultline; frame numbers are shown to root only, on both. It checks what
 * it shows: the indices rebuild the address, pages it touched are present,
 * a page it never touched is not. docs/memory.md follows it. */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "procview.h"
#include "tap.h"

static int global = 42; /* in the program's data segment */
static char maps[65536];

static void show_maps(void)
{
	if (slurp("/proc/self/maps", maps, sizeof(maps)) < 0)
		bail("/proc/self/maps");
	printf("My areas (VMAs), from /proc/self/maps. Each line is one area: start-end,\n"
	       "permissions (r read, w write, x execute, p private or s shared), file offset,\n"
	       "device, inode, and what it is. The kernel only puts a page into the page\n"
	       "tables when it is first touched; the areas say what may be touched.\n\n%s\n", maps);
	if (on_faultline())
		printf("(On Linux the program's own areas also show their file offset, device and\n"
		       "inode, because Linux maps the file; faultline's exec copies it in, so they\n"
		       "show 0, and the data and bss are one area.)\n");
}

/* The walk of one address, explained, and its checks. */
static void walk(int pm, const char *what, void *p, bool touched)
{
	uintptr_t va = (uintptr_t)p;
	unsigned pml4 = va >> 39 & 511, pdpt = va >> 30 & 511, pd = va >> 21 & 511, pt = va >> 12 & 511;
	unsigned off = va & 4095;
	char line[512] = "?", perms[8] = "----";
	if (maps_find(maps, va, line, sizeof(line)) == 0)
		sscanf(line, "%*s %7s", perms);
	uint64_t w = pagemap_word(pm, va);
	printf("\n%s at %#lx\n", what, (unsigned long)va);
	printf("  its area: %s\n", line);
	printf("  bits 47-39 = %4u: entry in the PML4 (the table CR3 points to)\n", pml4);
	printf("  bits 38-30 = %4u: entry in the page-directory-pointer table that one names\n", pdpt);
	printf("  bits 29-21 = %4u: entry in the page directory\n", pd);
	printf("  bits 20-12 = %4u: entry in the page table, which holds the frame\n", pt);
	printf("  bits 11-0  = %4u: the byte within the 4096-byte page\n", off);
	if (w & PM_PRESENT)
		printf("  pagemap: present in RAM, frame %#llx (%s), %s, %s\n",
		       (unsigned long long)PM_PFN(w), PM_PFN(w) ? "physical address = frame * 4096" :
		       "shown to root only", perms[1] == 'w' ? "writable area" : "read-only area",
		       perms[2] == 'x' ? "executable" : "not executable (NX)");
	else if (w & PM_SWAP)
		printf("  pagemap: not in RAM but in swap (area %llu, slot %llu)\n",
		       (unsigned long long)PM_SWAP_TYPE(w), (unsigned long long)PM_SWAP_OFFSET(w));
	else
		printf("  pagemap: not present: never touched, so no frame yet; the first access\n"
		       "  will page-fault and the kernel will give it one\n");
	uintptr_t back = (uintptr_t)pml4 << 39 | (uintptr_t)pdpt << 30 | (uintptr_t)pd << 21 |
			 (uintptr_t)pt << 12 | off;
	tap_eq(back, va, "%s: the four indices and the offset rebuild the address", what);
	tap_ok(!!(w & PM_PRESENT) == touched, "%s: %s", what, touched ? "touched, so present" :
	       "never touched, so not present");
	if (touched)
		tap_ok(getuid() != 0 || PM_PFN(w) != 0, "%s: root sees its frame number", what);
}

int main(void)
{
	int local = 7;
	char *heap = (char *)syscall(SYS_brk, 0);
	if (syscall(SYS_brk, heap + 4096) != (long)(heap + 4096))
		bail("brk");
	heap[0] = 1;
	global++; /* so its page is surely touched */
	char *area = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		bail("mmap");
	area[0] = 1; /* the first page touched, the second not */
	show_maps();
	int pm = open("/proc/self/pagemap", O_RDONLY);
	if (pm < 0)
		bail("/proc/self/pagemap");
	printf("Now the page walk of some addresses. A virtual address is cut into four\n"
	       "9-bit indices, one per table level, and a 12-bit offset.%s\n",
	       getuid() ? " (Not root: frame numbers read as 0.)" : "");
	walk(pm, "code (the function main)", (void *)main, true);
	walk(pm, "a global variable", &global, true);
	walk(pm, "the heap (brk)", heap, true);
	walk(pm, "the stack (a local variable)", &local, true);
	walk(pm, "an mmap'd page, written", area, true);
	walk(pm, "the next mmap'd page, never touched", area + 4096, false);
	close(pm);
	return done_testing();
}
