/* tests/kernel/failinject_test.c — every allocation on the paths a user
 * can drive may fail, and the failure gives back everything taken so far.
 * Each test runs one operation again and again with the 1st, 2nd, 3rd ...
 * allocation of one kind failing (fault injection's `space`: the Nth call),
 * until the operation gets through with none failing: after every failed
 * run the frames and heap bytes must be back where they started, and the
 * successful run, undone, must give them back too. Deterministic: no timer
 * decides which call fails. */
#include "kernel/accounting.h"
#include "kernel/elf.h"
#include "kernel/errno.h"
#include "kernel/exec.h"
#include "kernel/failinject.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/string.h"
#include "mm/cow.h"
#include "mm/fault.h"
#include "mm/kheap.h"
#include "kernel/fs/file.h"
#include "kernel/fs/pipe.h"
#include "tests/kernel/usermem.h"

#define MAX_CALLS 2000 /* no operation here needs more allocations of one kind */

static const char *const kind_names[] = { "frame", "heap", "page table" };

/* One operation: 0 if it got through (then undo gives it back), or an
 * error after it gave back what it took. */
struct op {
	const char *name;
	int (*run)(void);
	void (*undo)(void);
};

static struct mm *held; /* what a successful run leaves for undo */
static struct proc *held_proc;

/* The (n+1)th call of kind fails, once. */
static struct fault_attr nth_call(u64 n)
{
	return (struct fault_attr){ .interval = 1, .probability = 100, .space = n, .times = 1 };
}

static void sweep(const struct op *op, enum fail_kind kind)
{
	size_t frames = frames_back(), heap = kheap_in_use();
	u64 n, leaks = 0;
	for (n = 0; n < MAX_CALLS; n++) {
		struct fault_attr old = failinject_set(kind, nth_call(n));
		int err = op->run();
		struct fault_attr used = failinject_set(kind, old);
		if (!err || !used.failed) {
			KEXPECT(!err); /* nothing failed, so it must have worked */
			op->undo();
			break;
		}
		if (frames_back() != frames || kheap_in_use() != heap) {
			printk("# %s, %s call %lu failed (%d): %ld frames, %ld heap bytes not back\n",
			       op->name, kind_names[kind], n + 1, err,
			       (long)frames - (long)frames_back(), (long)kheap_in_use() - (long)heap);
			leaks++;
			frames = frames_back();
			heap = kheap_in_use();
		}
	}
	printk("# %s: each of its %lu %s allocations failed in turn\n", op->name, n, kind_names[kind]);
	KEXPECT(n > 0 && n < MAX_CALLS); /* it allocates, and gets through in the end */
	KEXPECT_EQ(leaks, 0);
	KEXPECT_EQ(frames_back(), frames);
	KEXPECT_EQ(kheap_in_use(), heap);
}

/* The heap and frames; an operation on user memory, its page tables too. */
static void sweep_memory(const struct op *op)
{
	sweep(op, FAIL_SLAB);
	sweep(op, FAIL_PAGE_ALLOC);
}

static void sweep_all(const struct op *op)
{
	sweep_memory(op);
	sweep(op, FAIL_PGTABLE);
}

/* ---- a process: its table slot, kernel stack, address space, files ---- */

static int new_proc(void)
{
	held_proc = proc_alloc("failinject");
	return held_proc ? 0 : -ENOMEM;
}

static void free_proc(void) { proc_free(held_proc); }

KTEST(failinject_proc_alloc)
{
	/* no page tables: a freed kernel-stack slot is reused with its tables */
	sweep_memory(&(struct op){ "proc_alloc", new_proc, free_proc });
}

/* ---- exec of a small image into a new process ---- */

#define BASE 0x400000ul

static struct {
	struct elf64_ehdr eh;
	struct elf64_phdr ph;
	u8 code[16];
} image;

static int exec_new(void)
{
	static const char *const argv[] = { "t", "an argument", NULL }, *const envp[] = { "A=b", NULL };
	int err = new_proc();
	if (err)
		return err;
	err = exec_image(held_proc, (const u8 *)&image, sizeof(image), "/t", argv, envp);
	if (err)
		proc_free(held_proc);
	return err;
}

KTEST(failinject_exec)
{
	memcpy(image.eh.ident, "\177ELF\2\1\1", 7);
	image.eh.type = ET_EXEC;
	image.eh.machine = EM_X86_64;
	image.eh.version = 1;
	image.eh.entry = BASE + offsetof(typeof(image), code);
	image.eh.phoff = offsetof(typeof(image), ph);
	image.eh.ehsize = sizeof(image.eh);
	image.eh.phentsize = sizeof(struct elf64_phdr);
	image.eh.phnum = 1;
	image.ph = (struct elf64_phdr){ PT_LOAD, PF_R | PF_W | PF_X, 0, BASE, BASE, sizeof(image),
					3 * PAGE_SIZE, 4096 };
	sweep_all(&(struct op){ "exec", exec_new, free_proc });
}

/* ---- fork's copy of an address space, and the faults after it ---- */

#define VA 0x500000ul
static struct mm *parent;

static int fork_mm(void)
{
	held = mm_alloc();
	if (!held)
		return -ENOMEM;
	int err = mm_fork(held, parent);
	if (err)
		mm_put(held); /* copy_process's proc_free does the same */
	return err;
}

static void put_mm(void) { mm_put(held); }

/* A write to each page of the child: copies of the shared pages, a fresh
 * page where the parent had none. SIGKILL for no memory. */
static int touch_child(void)
{
	int err = fork_mm();
	if (err)
		return err;
	for (u64 va = VA; !err && va < VA + 6 * PAGE_SIZE; va += PAGE_SIZE)
		err = handle_mm_fault(held, vma_find(held, va), va, true) ? -ENOMEM : 0;
	if (err)
		mm_put(held);
	return err;
}

KTEST(failinject_fork_and_fault)
{
	parent = mm_alloc();
	KEXPECT_EQ(vma_map(parent, VA, 6 * PAGE_SIZE, PROT_READ | PROT_WRITE, VMA_ANON), 0);
	KEXPECT_EQ(vma_map(parent, VA + 64 * PAGE_SIZE, PAGE_SIZE, PROT_READ, VMA_ANON), 0);
	for (u64 va = VA; va < VA + 3 * PAGE_SIZE; va += PAGE_SIZE)
		KEXPECT_EQ(mm_write(parent, va, "parent", 7), 0);
	/* an mprotect in the middle: three areas, and a split costs a heap block */
	KEXPECT_EQ(vma_protect(parent, VA + PAGE_SIZE, PAGE_SIZE, PROT_READ), 0);
	sweep_all(&(struct op){ "fork", fork_mm, put_mm });
	sweep_all(&(struct op){ "fork and fault", touch_child, put_mm });
	mm_put(parent);
}

/* ---- a pipe: its ends, its page buffers, three pages through it ---- */

#define PIPED (3 * PAGE_SIZE)

static int pipe_through(void)
{
	struct file *ends[2];
	int err = pipe_create(O_NONBLOCK, ends);
	if (err)
		return err;
	struct iovec iov = { uptr(USERMEM), PIPED };
	struct uio u = { .iov = &iov, .resid = PIPED };
	long n = file_write(ends[1], &u, &ends[1]->off);
	file_close(ends[0]);
	file_close(ends[1]);
	return n == PIPED ? 0 : n < 0 ? (int)n : -ENOMEM;
}

static void nothing_held(void) {}

KTEST(failinject_pipe)
{
	struct proc *p = usermem_begin(4);
	KEXPECT_EQ(copy_to_user(uptr(USERMEM), "bytes", 5), 0); /* a frame of its own */
	sweep_memory(&(struct op){ "pipe", pipe_through, nothing_held }); /* no page tables */
	usermem_end(p);
}
