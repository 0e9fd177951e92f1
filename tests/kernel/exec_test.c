/* tests/kernel/exec_test.c — the ELF loader refuses malformed images with
 * -ENOEXEC and leaves the process as it was: a small valid image is built
 * here, then broken one field at a time (every size and offset the loader
 * trusts would be a way to crash it). A dynamically linked image is refused
 * with Linux's errno for a missing loader. */
#include "kernel/elf.h"
#include "kernel/errno.h"
#include "kernel/exec.h"
#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "kernel/printk.h"
#include "kernel/string.h"

#define BASE 0x400000ul

struct image {
	struct elf64_ehdr eh;
	struct elf64_phdr ph[2];
	u8 code[16];
};

static void valid(struct image *im)
{
	memset(im, 0, sizeof(*im));
	memcpy(im->eh.ident, "\177ELF\2\1\1", 7);
	im->eh.type = ET_EXEC;
	im->eh.machine = EM_X86_64;
	im->eh.version = 1;
	im->eh.entry = BASE + offsetof(struct image, code);
	im->eh.phoff = offsetof(struct image, ph);
	im->eh.ehsize = sizeof(im->eh);
	im->eh.phentsize = sizeof(struct elf64_phdr);
	im->eh.phnum = 1;
	im->ph[0] = (struct elf64_phdr){ PT_LOAD, PF_R | PF_X, 0, BASE, BASE, sizeof(*im), sizeof(*im), 4096 };
	im->code[0] = 0xf4; /* hlt: never run */
}

typedef void (*breakage)(struct image *);
static void bad_magic(struct image *im) { im->eh.ident[1] = 'X'; }
static void elf32(struct image *im) { im->eh.ident[4] = 1; }
static void big_endian(struct image *im) { im->eh.ident[5] = 2; }
static void relocatable(struct image *im) { im->eh.type = 1; }
static void wrong_machine(struct image *im) { im->eh.machine = 3; }
static void phdrs_past_end(struct image *im) { im->eh.phoff = 1 << 20; }
static void too_many_phdrs(struct image *im) { im->eh.phnum = 60000; }
static void odd_phentsize(struct image *im) { im->eh.phentsize = 40; }
static void filesz_over_memsz(struct image *im) { im->ph[0].memsz = 8; }
static void data_past_end(struct image *im) { im->ph[0].offset = 1 << 20; }
static void kernel_vaddr(struct image *im) { im->ph[0].vaddr = 0xffffffff80000000ul; }
static void wrapping_size(struct image *im) { im->ph[0].memsz = ~0ul - 4096; }
static void page_zero(struct image *im) { im->ph[0].vaddr = 0; }
static void entry_not_executable(struct image *im) { im->ph[0].flags = PF_R | PF_W; }
static void entry_outside(struct image *im) { im->eh.entry = 0x900000; }
static void interpreter(struct image *im)
{
	im->eh.phnum = 2;
	im->ph[1] = (struct elf64_phdr){ PT_INTERP, PF_R, 0, 0, 0, 1, 1, 1 };
}
static void overlapping_segments(struct image *im)
{
	im->eh.phnum = 2;
	im->ph[1] = im->ph[0];
}

static const breakage breakages[] = {
	bad_magic, elf32, big_endian, relocatable, wrong_machine, phdrs_past_end, too_many_phdrs,
	odd_phentsize, filesz_over_memsz, data_past_end, kernel_vaddr, wrapping_size, page_zero,
	entry_not_executable, entry_outside, interpreter, overlapping_segments,
};

KTEST(exec_rejects_malformed_elf)
{
	static struct image im;
	static const char *const argv[] = { "t", NULL }, *const envp[] = { NULL };
	struct proc *p = proc_alloc("exec-test");
	valid(&im);
	KEXPECT_EQ(exec_image(p, (const u8 *)&im, sizeof(im), "/t", argv, envp), 0);
	pte_t *before = p->mm->pml4;
	for (size_t i = 0; i < ARRAY_SIZE(breakages); i++) {
		valid(&im);
		breakages[i](&im);
		long err = exec_image(p, (const u8 *)&im, sizeof(im), "/t", argv, envp);
		if (err != -ENOEXEC)
			printk("# breakage %lu: got %ld\n", (u64)i, err);
		KEXPECT_EQ(err, -ENOEXEC);
		KEXPECT(p->mm->pml4 == before); /* the old image is untouched */
	}
	valid(&im);
	KEXPECT_EQ(exec_image(p, (const u8 *)&im, 16, "/t", argv, envp), -ENOEXEC); /* truncated */
	proc_free(p);
}

/* A dynamically linked program names its loader in PT_INTERP; with no such
 * file, execve fails with ENOENT, as on Linux (and init=... reports it). */
KTEST(exec_dynamic_program_without_its_loader_is_enoent)
{
	static struct image im;
	static const char *const argv[] = { "t", NULL }, *const envp[] = { NULL };
	static const char loader[] = "/lib/ld-none.so";
	struct proc *p = proc_alloc("exec-test");
	valid(&im);
	KEXPECT_EQ(exec_image(p, (const u8 *)&im, sizeof(im), "/t", argv, envp), 0);
	_Static_assert(sizeof(loader) <= sizeof(im.code), "the loader's path fits in code[]");
	memcpy(im.code, loader, sizeof(loader));
	im.eh.phnum = 2;
	im.ph[1] = (struct elf64_phdr){ PT_INTERP, PF_R, offsetof(struct image, code), 0, 0,
					sizeof(loader), sizeof(loader), 1 };
	pte_t *before = p->mm->pml4;
	KEXPECT_EQ(exec_image(p, (const u8 *)&im, sizeof(im), "/t", argv, envp), -ENOENT);
	KEXPECT(p->mm->pml4 == before);
	proc_free(p);
}
