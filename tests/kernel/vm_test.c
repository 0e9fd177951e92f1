/* tests/kernel/vm_test.c — the page-table API on a scratch kernel address:
 * map, translate, write through both aliases, protect, unmap, and the faults
 * that follow each change (so invlpg really dropped the stale translation). */
#include "kernel/ktest.h"
#include "kernel/string.h"
#include "mm/frame.h"
#include "mm/kstack.h"
#include "mm/vm.h"

#define SCRATCH (IOREMAP_AREA + (1ul << 38)) /* far from any real ioremap */
#define PF_PRESENT 1
#define PF_WRITE 2
#define PF_FETCH 16

static void write_byte(void *p) { *(volatile u8 *)p = 0x5a; }
static void read_byte(void *p) { (void)*(volatile u8 *)p; }

KTEST(vm_map_translate_unmap)
{
	u64 pa = frame_alloc(), got, flags;
	KEXPECT_EQ(mappages(kernel_pml4, SCRATCH, pa, PAGE_SIZE, PTE_W | PTE_NX), 0);
	KEXPECT(translate(kernel_pml4, SCRATCH + 123, &got, &flags));
	KEXPECT_EQ(got, pa + 123);
	KEXPECT((flags & (PTE_P | PTE_W | PTE_NX | PTE_U)) == (PTE_P | PTE_W | PTE_NX));
	write_byte((void *)(SCRATCH + 7));
	KEXPECT_EQ(((u8 *)phys_to_virt(pa))[7], 0x5a); /* same frame via the direct map */

	KEXPECT_EQ(protect(kernel_pml4, SCRATCH, PAGE_SIZE, PTE_P | PTE_NX), 0);
	struct caught c = ktest_catch(write_byte, (void *)SCRATCH);
	KEXPECT(c.faulted && c.vector == T_PF);
	KEXPECT_EQ(c.error, PF_PRESENT | PF_WRITE);
	KEXPECT_EQ(c.addr, SCRATCH);

	unmappages(kernel_pml4, SCRATCH, PAGE_SIZE, true);
	KEXPECT(!translate(kernel_pml4, SCRATCH, &got, &flags));
	c = ktest_catch(read_byte, (void *)SCRATCH);
	KEXPECT(c.faulted && c.vector == T_PF && c.error == 0 && c.addr == SCRATCH);
	KEXPECT_EQ(protect(kernel_pml4, SCRATCH, PAGE_SIZE, 0), -14 /* -EFAULT */);
}

KTEST(vm_direct_map_large_pages)
{
	u64 pa, flags;
	KEXPECT(translate(kernel_pml4, DIRECT_MAP + (16ul << 20) + 42, &pa, &flags));
	KEXPECT_EQ(pa, (16ul << 20) + 42);
	KEXPECT((flags & (PTE_PS | PTE_NX | PTE_U)) == (PTE_PS | PTE_NX));
}

static void map_outside_areas(void *pa)
{
	mappages(kernel_pml4, 0xffff900000000000ul, (u64)pa, PAGE_SIZE, PTE_W | PTE_NX);
}

/* Only the kernel's areas have top-level entries: a mapping anywhere else
 * would be in kernel_pml4 alone, unseen by every process, so it panics. */
KTEST(vm_kernel_mapping_outside_areas_panics)
{
	KEXPECT(!(kernel_pml4[(0xffff900000000000ul >> 39) & 511] & PTE_P));
	struct caught c = ktest_catch(map_outside_areas, (void *)(16ul << 20));
	KEXPECT(c.panicked);
	KEXPECT(str_starts_with(c.msg, "vm: kernel mapping at ffff900000000000 outside the kernel's areas"));
	KEXPECT(!(kernel_pml4[(0xffff900000000000ul >> 39) & 511] & PTE_P));
}

KTEST(vm_user_space_and_freevm)
{
	size_t baseline = frames_free();
	pte_t *pml4 = vm_new();
	KEXPECT(pml4 != NULL);
	KEXPECT_EQ(pml4[511], kernel_pml4[511]); /* the kernel half is shared */
	u64 pa = frame_alloc(), got, flags;
	KEXPECT_EQ(mappages(pml4, 0x400000, pa, PAGE_SIZE, PTE_U | PTE_W), 0);
	KEXPECT(translate(pml4, 0x400000, &got, &flags) && got == pa && (flags & PTE_U));
	KEXPECT(!translate(kernel_pml4, 0x400000, &got, &flags)); /* private to pml4 */
	freevm(pml4); /* frees the tables, the PML4 and the mapped frame */
	KEXPECT_EQ(frames_free(), baseline);
}

KTEST(kstack_guard_page)
{
	u64 top = kstack_alloc(), pa, flags;
	u64 guard = top - KSTACK_SIZE - PAGE_SIZE;
	KEXPECT(translate(kernel_pml4, top - 8, &pa, &flags));
	KEXPECT(!translate(kernel_pml4, guard, &pa, &flags));
	KEXPECT_EQ(kstack_guard_top(top - KSTACK_SIZE - 8), top);
	KEXPECT_EQ(kstack_guard_top(top - 8), 0);
	struct caught c = ktest_catch(write_byte, (void *)(top - KSTACK_SIZE - 8));
	KEXPECT(c.faulted && c.vector == T_PF && c.error == PF_WRITE);
	kstack_free(top);
}
