/* mm/layout.h — the virtual address map, in one place.
 *
 *   0x0000000000000000 .. 0x00007ffffffff000   user space (per process)
 *   0x00007ffffffff000 .. 0x0000800000000000   never mapped: see TASK_SIZE_MAX
 *   0xffff800000000000 ..                      DIRECT_MAP: all physical memory
 *   0xfffffe0000000000 ..                      IOREMAP_AREA: device memory (framebuffer)
 *   0xffffff0000000000 ..                      KSTACK_AREA: kernel stacks, each above a guard page
 *   0xffffffff80000000 ..                      KERNEL_VMA: the kernel image (boot/layout.inc)
 *
 * Each kernel area lies below one top-level (PML4) entry that vm_init makes
 * and every address space shares; the rest of the kernel half is never
 * mapped (a new area needs its entry made there: mm/vm.c, vm_init).
 */
#pragma once
#include "kernel/types.h"

#define PAGE_SIZE 4096ul
#define PAGE_SHIFT 12
#define HUGE_PAGE_SIZE (2ul << 20)

#define KERNEL_VMA 0xffffffff80000000ul
#define DIRECT_MAP 0xffff800000000000ul
#define IOREMAP_AREA 0xfffffe0000000000ul
#define KSTACK_AREA 0xffffff0000000000ul

/* Linux's TASK_SIZE_MAX: user space stops one page short of the canonical
 * boundary, so a SYSCALL instruction in the last bytes of the lower half can
 * never leave a non-canonical return address in RCX (the SYSRET #GP of
 * CVE-2012-0217), and uaccess range checks may ignore sizes up to a page. */
#define TASK_SIZE_MAX ((1ul << 47) - PAGE_SIZE)

static inline void *phys_to_virt(u64 pa) { return (void *)(pa + DIRECT_MAP); }

/* Physical address of a direct-map or kernel-image address. */
static inline u64 virt_to_phys(const void *va)
{
	u64 v = (u64)va;
	return v >= KERNEL_VMA ? v - KERNEL_VMA : v - DIRECT_MAP;
}
