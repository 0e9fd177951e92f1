/* kernel/vdso.c — the vDSO and the vvar page, mapped into every process at
 * exec: kernel memory shared read-only into every address space, on
 * purpose. The vDSO (arch/vdso/vdso.c) is code, the same pages for every
 * process (read and execute); the vvar page (kernel/vvar.h) is the clock's
 * state, which the kernel writes and processes may only read. With both,
 * clock_gettime needs no system call (docs/memory.md).
 *
 * Both are mapped as Linux maps them, as special areas (mm/pfnmap.c) whose
 * frames belong to the kernel, not to the process: fork shares them,
 * munmap and exit drop the mapping and never the frames. The areas are
 * private, so a write to the vDSO (after an mprotect that allows one, as a
 * debugger's breakpoint) gives the process a copy of the page; the vvar
 * page may never be made writable or executable (Linux's vvar area lacks
 * VM_MAYWRITE and VM_MAYEXEC: mprotect says EACCES). Both are ordinary RAM,
 * mapped write-back cached, unlike a device's memory. */
#include "kernel/vdso.h"
#include "kernel/errno.h"
#include "kernel/time.h"
#include "kernel/vvar.h"
#include "mm/pfnmap.h"

extern const u8 vdso_image[], vdso_image_end[]; /* arch/vdso_image.asm: page aligned */

static struct pfn_region vvar_mem = { .name = "[vvar]", .ram = true };
static struct pfn_region vdso_text = { .name = "[vdso]", .ram = true };

void vdso_init(void)
{
	vvar_mem.kva = &vvar;
	vvar_mem.phys = virt_to_phys(&vvar);
	vvar_mem.size = sizeof(vvar);
	vdso_text.kva = (void *)vdso_image;
	vdso_text.phys = virt_to_phys(vdso_image);
	vdso_text.size = (u64)(vdso_image_end - vdso_image);
}

int vdso_map(struct mm *mm, u64 *ehdr)
{
	u64 base = vma_free_area(mm, vvar_mem.size + vdso_text.size);
	if (!base)
		return -ENOMEM;
	int err = pfn_map(mm, base, vvar_mem.size, PROT_READ, false, &vvar_mem, 0);
	if (!err)
		err = pfn_map(mm, base + vvar_mem.size, vdso_text.size, PROT_READ | PROT_EXEC, false,
			      &vdso_text, 0);
	if (err)
		return err;
	struct vma *v = vma_find(mm, base);
	v->nowrite = v->noexec = true;
	*ehdr = base + vvar_mem.size;
	return 0;
}
