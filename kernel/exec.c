/* kernel/exec.c — the ELF64 loader for static programs.
 *
 * ET_EXEC images load at their linked addresses; static-PIE (ET_DYN without
 * PT_INTERP) at PIE_BASE, relocating themselves. Each PT_LOAD becomes a VMA
 * with exactly the segment's permissions (no W without PF_W, NX without
 * PF_X), filled from the file; the rest of memsz (.bss) is zero because
 * fresh frames are. The stack is a VMA below TASK_SIZE_MAX, touched on
 * demand, with nothing mapped under it (the guard). The heap (brk) starts
 * after the highest segment. Every offset and size in the file is checked
 * before use: a malformed image is -ENOEXEC, never a crash. A dynamically
 * linked program (PT_INTERP) is refused: -ENOENT without its loader, as
 * on Linux. Every image also gets the vDSO and its vvar page
 * (kernel/vdso.c), named to it by AT_SYSINFO_EHDR. */
#include "kernel/exec.h"
#include "arch/gdt.h"
#include "arch/x86.h"
#include "kernel/elf.h"
#include "kernel/errno.h"
#include "kernel/fs/path.h"
#include "kernel/fs/ramfs.h"
#include "kernel/random.h"
#include "kernel/string.h"
#include "kernel/vdso.h"
#include "mm/kheap.h"

#define STACK_TOP TASK_SIZE_MAX
#define STACK_SIZE (8ul << 20) /* Linux's default RLIMIT_STACK */
#define PIE_BASE 0x555555554000ul
#define MIN_ADDR 0x10000ul /* Linux's mmap_min_addr: page 0 stays unmapped */

enum {
	AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7,
	AT_FLAGS = 8, AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14,
	AT_HWCAP = 16, AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25, AT_EXECFN = 31,
	AT_SYSINFO_EHDR = 33,
};

#define MAX_PHNUM 64 /* program headers a valid image may have */

/* An image being loaded: its bytes are in a kernel buffer (exec_image, for
 * the kernel tests) or in a regular file (execve). A file's segments are
 * read straight into the new pages, as Linux maps them from the page cache:
 * a kernel copy of the whole file first would cost a cleared allocation and
 * one more copy of every byte. Only the headers are copied out, once. */
struct image {
	const u8 *bytes;    /* the image in memory, or NULL: read ip */
	struct inode *ip;
	size_t size;
	struct elf64_ehdr eh;
	struct elf64_phdr *ph; /* eh.phnum of them (kmalloc) */
};

/* n bytes at off (inside size: checked before) into buf; 0, or -EIO when
 * the file gave fewer (it shrank meanwhile: Linux's elf_read), or the
 * file's error. */
static long image_read(const struct image *img, u64 off, void *buf, size_t n)
{
	if (img->bytes) {
		memcpy(buf, img->bytes + off, n);
		return 0;
	}
	long got = ramfs_read(img->ip, off, buf, n);
	return got < 0 ? got : (size_t)got == n ? 0 : -EIO;
}

static bool valid_header(const struct elf64_ehdr *h, size_t size)
{
	return size >= sizeof(*h) && memcmp(h->ident, "\177ELF", 4) == 0 && h->ident[4] == 2 &&
	       h->ident[5] == 1 && (h->type == ET_EXEC || h->type == ET_DYN) &&
	       h->machine == EM_X86_64 && h->phentsize == sizeof(struct elf64_phdr) &&
	       h->phnum > 0 && h->phnum <= MAX_PHNUM && h->phoff <= size &&
	       h->phnum * sizeof(struct elf64_phdr) <= size - h->phoff;
}

static bool valid_load(const struct elf64_phdr *ph, size_t size, u64 bias)
{
	u64 start = ph->vaddr + bias;
	return ph->filesz <= ph->memsz && ph->offset <= size && ph->filesz <= size - ph->offset &&
	       start >= MIN_ADDR && ph->memsz < STACK_TOP - STACK_SIZE &&
	       start < STACK_TOP - STACK_SIZE - ph->memsz;
}

static u32 segment_prot(u32 flags)
{
	return ((flags & PF_R) ? PROT_READ : 0) | ((flags & PF_W) ? PROT_WRITE : 0) |
	       ((flags & PF_X) ? PROT_EXEC : 0);
}

/* The header, checked, and the program headers into img->ph (kfree it
 * whatever the result): 0, -ENOEXEC, -ENOMEM or the file's error. */
static long read_headers(struct image *img)
{
	img->ph = NULL;
	if (img->size < sizeof(img->eh) || image_read(img, 0, &img->eh, sizeof(img->eh)) < 0 ||
	    !valid_header(&img->eh, img->size))
		return -ENOEXEC;
	size_t n = img->eh.phnum * sizeof(struct elf64_phdr);
	img->ph = kmalloc(n);
	return img->ph ? image_read(img, img->eh.phoff, img->ph, n) : -ENOMEM;
}

struct segment_bytes {
	const struct image *img;
	u64 offset; /* where the segment's bytes start in the image */
};

static long copy_segment(void *arg, u64 done, void *dst, u64 len)
{
	const struct segment_bytes *sb = arg;
	return image_read(sb->img, sb->offset + done, dst, len);
}

/* Map one PT_LOAD and copy its file bytes in. Segments may not share a page:
 * each page has one set of permissions. */
static int load_segment(struct mm *mm, const struct image *img, const struct elf64_phdr *ph, u64 bias)
{
	u64 va = ph->vaddr + bias;
	u64 start = ALIGN_DOWN(va, PAGE_SIZE), end = ALIGN_UP(va + ph->memsz, PAGE_SIZE);
	for (struct vma *v = mm->vmas; v; v = v->next)
		if (v->start < end && start < v->end)
			return -ENOEXEC;
	int err = vma_map(mm, start, end - start, segment_prot(ph->flags), VMA_IMAGE);
	if (!err)
		err = mm_fill(mm, va, ph->filesz, copy_segment, &(struct segment_bytes){ img, ph->offset });
	return err;
}

/* The loader a PT_INTERP names: -ENOENT if there is none, else -ENOEXEC
 * (faultline runs none). */
static int loader_error(const char *name)
{
	struct inode *loader;
	if (path_lookup(ramfs_root(), name, &loader))
		return -ENOENT;
	ramfs_put(loader);
	return -ENOEXEC;
}

/* A PT_INTERP image (a dynamically linked program) asks for its loader by
 * path. Linux's load_elf_binary: a path that is not NUL-terminated within
 * the file is -ENOEXEC, a loader that does not exist -ENOENT (execve's
 * errno for "dynamically linked, and the loader is missing"). faultline
 * runs no dynamic loader, so a loader that does exist is -ENOEXEC.
 * 0 for an image without PT_INTERP. */
static int interpreter_error(const struct image *img)
{
	for (int i = 0; i < img->eh.phnum; i++) {
		const struct elf64_phdr *ph = &img->ph[i];
		if (ph->type != PT_INTERP)
			continue;
		if (ph->filesz < 2 || ph->filesz > PATH_MAX || ph->offset > img->size ||
		    ph->filesz > img->size - ph->offset)
			return -ENOEXEC;
		char *name = kmalloc(ph->filesz);
		if (!name)
			return -ENOMEM;
		long err = image_read(img, ph->offset, name, ph->filesz);
		if (!err)
			err = name[ph->filesz - 1] != '\0' ? -ENOEXEC : loader_error(name);
		kfree(name);
		return (int)err;
	}
	return 0;
}

/* Load every segment; *entry, *phdr_va and *brk describe the result. */
static int load_image(struct mm *mm, const struct image *img, u64 *entry, u64 *phdr_va, u64 *brk)
{
	const struct elf64_ehdr *h = &img->eh;
	u64 bias = h->type == ET_DYN ? PIE_BASE : 0;
	bool entry_ok = false;
	*brk = 0;
	*phdr_va = 0;
	for (int i = 0; i < h->phnum; i++) {
		const struct elf64_phdr *ph = &img->ph[i];
		if (ph->type != PT_LOAD)
			continue;
		if (!valid_load(ph, img->size, bias))
			return -ENOEXEC;
		int err = load_segment(mm, img, ph, bias);
		if (err)
			return err;
		if (h->phoff >= ph->offset && h->phoff - ph->offset < ph->filesz)
			*phdr_va = ph->vaddr + bias + (h->phoff - ph->offset);
		if ((ph->flags & PF_X) && h->entry >= ph->vaddr && h->entry - ph->vaddr < ph->memsz)
			entry_ok = true;
		*brk = MAX(*brk, ALIGN_UP(ph->vaddr + bias + ph->memsz, PAGE_SIZE));
	}
	*entry = h->entry + bias;
	return entry_ok ? 0 : -ENOEXEC;
}

struct stack_builder {
	u8 *buf;     /* kernel copy of the top of the new stack */
	u64 size;    /* bytes of buf in use, counted down from the top */
	u64 cap;
};

/* Reserve n bytes below what is already placed; the user address of them. */
static u64 push_bytes(struct stack_builder *sb, const void *src, u64 n)
{
	sb->size += n;
	memcpy(sb->buf + sb->cap - sb->size, src, n);
	return STACK_TOP - sb->size;
}

static u64 push_string(struct stack_builder *sb, const char *s)
{
	return push_bytes(sb, s, strlen(s) + 1);
}

static int count_strings(const char *const *v, u64 *bytes)
{
	int n = 0;
	for (; v && v[n]; n++)
		*bytes += strlen(v[n]) + 1;
	return n;
}

/* The SysV initial stack (psABI §3.4.1), from the top down: strings, 16
 * random bytes for AT_RANDOM, then (16-byte aligned) argc, argv[], NULL,
 * envp[], NULL, auxv pairs, AT_NULL. Returns the initial RSP. */
static int build_stack(struct mm *mm, const char *path, const char *const *argv,
		       const char *const *envp, const u64 *aux, int naux, u64 *rsp)
{
	u64 bytes = strlen(path) + 1;
	int argc = count_strings(argv, &bytes), envc = count_strings(envp, &bytes);
	if (argc + envc > MAX_ARG_STRINGS || bytes > MAX_ARG_BYTES)
		return -E2BIG;
	struct stack_builder sb = { .cap = bytes + 128 + (argc + envc + 2 * naux + 16) * 8 };
	sb.buf = kmalloc(sb.cap);
	u64 *ptrs = kmalloc((argc + envc + 2) * 8);
	if (!sb.buf || !ptrs) {
		kfree(sb.buf);
		kfree(ptrs);
		return -ENOMEM;
	}
	u64 execfn = push_string(&sb, path);
	for (int i = envc - 1; i >= 0; i--)
		ptrs[argc + 1 + i] = push_string(&sb, envp[i]);
	mm->arg_end = STACK_TOP - sb.size;
	for (int i = argc - 1; i >= 0; i--)
		ptrs[i] = push_string(&sb, argv[i]);
	mm->arg_start = STACK_TOP - sb.size;
	ptrs[argc] = ptrs[argc + 1 + envc] = 0;
	u8 random[16];
	random_bytes(random, sizeof(random));
	u64 at_random = push_bytes(&sb, random, sizeof(random));

	u64 vec_words = 1 + argc + 1 + envc + 1 + 2 * (naux + 3);
	sb.size = ALIGN_UP(sb.size + vec_words * 8, 16) - vec_words * 8; /* RSP ends 16-aligned */
	u64 tail[] = { AT_RANDOM, at_random, AT_EXECFN, execfn, AT_NULL, 0 };
	push_bytes(&sb, tail, sizeof(tail));
	push_bytes(&sb, aux, naux * 16);
	push_bytes(&sb, ptrs, (argc + envc + 2) * 8);
	u64 argc64 = argc;
	*rsp = push_bytes(&sb, &argc64, 8);
	int err = vma_map(mm, STACK_TOP - STACK_SIZE, STACK_SIZE, PROT_READ | PROT_WRITE, VMA_STACK);
	if (!err)
		err = mm_write(mm, *rsp, sb.buf + sb.cap - sb.size, sb.size);
	kfree(sb.buf);
	kfree(ptrs);
	return err;
}

static u64 hwcap(void)
{
	u32 a, b, c, d;
	cpuid(1, 0, &a, &b, &c, &d);
	return d; /* Linux's AT_HWCAP on x86 is CPUID.1:EDX */
}

static int exec_load(struct proc *p, const struct image *img, const char *path,
		     const char *const *argv, const char *const *envp)
{
	int bad_interp = interpreter_error(img);
	if (bad_interp)
		return bad_interp;
	struct mm *mm = mm_alloc();
	if (!mm)
		return -ENOMEM;
	u64 entry = 0, phdr = 0, brk = 0, rsp = 0, vdso = 0;
	int err = load_image(mm, img, &entry, &phdr, &brk);
	if (!err)
		err = vdso_map(mm, &vdso);
	const struct elf64_ehdr *h = &img->eh;
	const u64 aux[] = { /* Linux puts AT_SYSINFO_EHDR first (ARCH_DLINFO) */
		AT_SYSINFO_EHDR, vdso, AT_PHDR, phdr, AT_PHENT, sizeof(struct elf64_phdr), AT_PHNUM, h->phnum,
		AT_PAGESZ, PAGE_SIZE, AT_BASE, 0, AT_FLAGS, 0, AT_ENTRY, entry,
		AT_UID, 0, AT_EUID, 0, AT_GID, 0, AT_EGID, 0, AT_SECURE, 0,
		AT_HWCAP, hwcap(), AT_CLKTCK, 100,
	};
	if (!err)
		err = build_stack(mm, path, argv, envp, aux, ARRAY_SIZE(aux) / 2, &rsp);
	if (err) {
		mm_put(mm);
		return err;
	}
	mm->brk_start = mm->brk = brk;
	struct mm *old = p->mm;
	p->mm = mm;
	if (p == myproc())
		write_cr3(virt_to_phys(mm->pml4)); /* off the old tables before letting them go */
	mm_put(old);
	*p->tf = (struct trapframe){ .rip = entry, .cs = USER_CS, .rflags = 0x202, .rsp = rsp, .ss = USER_DS };
	p->work |= WORK_FRAME; /* every register from the frame: IRETQ, as Linux after execve */
	p->fs_base = p->gs_base = 0; /* as Linux's start_thread: both bases 0 */
	/* x87 and SSE as Linux starts a program: FCW 0x37f, MXCSR 0x1f80, all else 0. */
	memset(p->fxstate, 0, sizeof(p->fxstate));
	*(u16 *)p->fxstate = 0x37f;
	*(u32 *)(p->fxstate + 24) = 0x1f80;
	if (p == myproc()) { /* execve: the old program's values are live in the registers */
		asm volatile("fxrstor64 %0" : : "m"(p->fxstate));
		wrmsr(MSR_FS_BASE, 0);
		wrmsr(MSR_KERNEL_GS_BASE, 0);
	}
	return 0;
}

/* Load img, its source and size set, into p. */
static int exec_from(struct proc *p, struct image img, const char *path, const char *const *argv,
		     const char *const *envp)
{
	long err = read_headers(&img);
	if (!err)
		err = exec_load(p, &img, path, argv, envp);
	kfree(img.ph);
	return (int)err;
}

int exec_image(struct proc *p, const u8 *image, size_t size, const char *path,
	       const char *const *argv, const char *const *envp)
{
	return exec_from(p, (struct image){ .bytes = image, .size = size }, path, argv, envp);
}

int exec_file(struct proc *p, struct inode *ip, const char *path, const char *const *argv,
	      const char *const *envp)
{
	return exec_from(p, (struct image){ .ip = ip, .size = ip->size }, path, argv, envp);
}
