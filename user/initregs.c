/* user/initregs.c — the process state right after execve, as Linux sets it
 * (and as tools/testing/selftests/x86/check_initial_reg_state.c checks it):
 * every general register except RSP is 0, RFLAGS is 0x202 (IF plus the
 * always-one bit 1), RSP is 16-byte aligned and points at argc, argv, envp
 * and the auxiliary vector; the FPU/SSE state is the reset state; the FS and
 * GS bases are 0 (the runner that execs this program had its own).
 * A kernel that leaks a register from another context or from itself, or
 * lays out the initial stack wrongly, fails here rather than somewhere in libc.
 *
 * The program is linked with -Wl,-e,initregs_entry (see user/build.mk): that
 * entry only stores the registers, using RIP-relative stores that change
 * nothing else, asks arch_prctl for the two bases, then jumps to musl's
 * ordinary _start with RSP untouched.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>

#include "tap.h"

static const char *const gpr_names[16] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};
enum { RSP = 7 };

/* Written by initregs_entry; global so that the assembler can name them. */
unsigned long init_gpr[16];
unsigned long init_rflags;
unsigned int init_mxcsr;
unsigned short init_fcw;
unsigned char init_xmm[16][16];
unsigned long init_fs = 1, init_gs = 1;

void initregs_entry(void);
extern const Elf64_Ehdr __ehdr_start; /* the linker's name for our ELF header */

#define SAVE(reg, i) "mov %" #reg ", init_gpr+" #i "*8(%rip)\n"
#define SAVEX(i) "movdqu %xmm" #i ", init_xmm+" #i "*16(%rip)\n"

__asm__(".text\n"
	".globl initregs_entry\n"
	".type initregs_entry, @function\n"
	"initregs_entry:\n"
	SAVE(rax, 0) SAVE(rbx, 1) SAVE(rcx, 2) SAVE(rdx, 3)
	SAVE(rsi, 4) SAVE(rdi, 5) SAVE(rbp, 6) SAVE(rsp, 7)
	SAVE(r8, 8) SAVE(r9, 9) SAVE(r10, 10) SAVE(r11, 11)
	SAVE(r12, 12) SAVE(r13, 13) SAVE(r14, 14) SAVE(r15, 15)
	"pushfq\n"
	"popq init_rflags(%rip)\n"
	"stmxcsr init_mxcsr(%rip)\n"
	"fnstcw init_fcw(%rip)\n"
	SAVEX(0) SAVEX(1) SAVEX(2) SAVEX(3) SAVEX(4) SAVEX(5) SAVEX(6) SAVEX(7)
	SAVEX(8) SAVEX(9) SAVEX(10) SAVEX(11) SAVEX(12) SAVEX(13) SAVEX(14) SAVEX(15)
	"mov $158, %eax\n"           /* arch_prctl(ARCH_GET_FS, &init_fs) */
	"mov $0x1003, %edi\n"
	"lea init_fs(%rip), %rsi\n"
	"syscall\n"
	"mov $158, %eax\n"           /* arch_prctl(ARCH_GET_GS, &init_gs) */
	"mov $0x1004, %edi\n"
	"lea init_gs(%rip), %rsi\n"
	"syscall\n"
	"jmp _start\n"
	".size initregs_entry, .-initregs_entry\n");

static void check_registers(void)
{
	static const unsigned char zero[16];

	for (int i = 0; i < 16; i++)
		if (i != RSP)
			tap_eq(init_gpr[i], 0, "%s is 0 at entry", gpr_names[i]);
	tap_eq(init_rflags, 0x202, "rflags is 0x202 at entry");
	tap_eq(init_fs, 0, "the FS base is 0 at entry");
	tap_eq(init_gs, 0, "the GS base is 0 at entry");
	tap_eq(init_gpr[RSP] % 16, 0, "rsp is 16-byte aligned at entry");
	/* Linux starts every program in the FPU's init state (fpstate_reset). */
	tap_eq(init_fcw, 0x37f, "x87 control word is 0x37f at entry");
	tap_eq(init_mxcsr, 0x1f80, "mxcsr is 0x1f80 at entry");
	for (int i = 0; i < 16; i++)
		tap_ok(!memcmp(init_xmm[i], zero, 16), "xmm%d is 0 at entry", i);
}

/* Strings and AT_RANDOM's bytes live on the new stack, above the vectors. */
static int above_rsp(unsigned long p)
{
	return p > init_gpr[RSP];
}

static void check_stack(int argc, char **argv, char **envp)
{
	unsigned long *sp = (unsigned long *)init_gpr[RSP];
	char **e = envp;

	tap_eq(sp[0], argc, "argc is at rsp");
	tap_eq((unsigned long)&sp[1], (unsigned long)argv, "argv starts at rsp+8");
	tap_ok(argc >= 1 && argv[0] && above_rsp((unsigned long)argv[0]), "argv[0] is a string");
	tap_eq((unsigned long)argv[argc], 0, "argv[argc] is NULL");
	tap_eq((unsigned long)envp, (unsigned long)(argv + argc + 1), "envp follows argv's NULL");
	while (*e)
		e++;
	Elf64_auxv_t *aux = (Elf64_auxv_t *)(e + 1);
	int n = 0;
	while (n < 64 && aux[n].a_type != AT_NULL)
		n++;
	tap_ok(n < 64, "auxv follows envp's NULL and ends with AT_NULL (%d entries)", n);
}

static void check_auxv(void)
{
	const Elf64_Ehdr *eh = &__ehdr_start;
	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	static const unsigned char zero[16];

	tap_eq(getauxval(AT_PAGESZ), 4096, "AT_PAGESZ is 4096");
	tap_eq(getauxval(AT_PHDR), (unsigned long)eh + eh->e_phoff,
	       "AT_PHDR is where our program headers are mapped");
	tap_eq(getauxval(AT_PHENT), sizeof(Elf64_Phdr), "AT_PHENT is 56");
	tap_eq(getauxval(AT_PHNUM), eh->e_phnum, "AT_PHNUM is the header's e_phnum");
	tap_eq(getauxval(AT_ENTRY), (unsigned long)initregs_entry, "AT_ENTRY is our entry point");
	tap_ok(rnd && above_rsp((unsigned long)rnd), "AT_RANDOM points into the stack");
	tap_ok(rnd && memcmp(rnd, zero, 16), "AT_RANDOM's 16 bytes are not all zero");
	tap_ok(execfn && above_rsp((unsigned long)execfn) && *execfn,
	       "AT_EXECFN is a non-empty string on the stack");
}

int main(int argc, char **argv, char **envp)
{
	check_registers();
	check_stack(argc, argv, envp);
	check_auxv();
	return done_testing();
}
