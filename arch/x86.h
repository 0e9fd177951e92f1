/* arch/x86.h — one-line wrappers for x86-64 instructions C cannot express:
 * port I/O, control registers, MSRs, CPUID, TLB shootdown. */
#pragma once
#include "kernel/types.h"

static inline void outb(u16 port, u8 v) { asm volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outw(u16 port, u16 v) { asm volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(u16 port, u32 v) { asm volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port)
{
	u8 v;
	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline u16 inw(u16 port)
{
	u16 v;
	asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline u32 inl(u16 port)
{
	u32 v;
	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

#define DEFINE_CR(n)                                                      \
	static inline u64 read_cr##n(void)                                \
	{                                                                 \
		u64 v;                                                    \
		asm volatile("mov %%cr" #n ", %0" : "=r"(v));             \
		return v;                                                 \
	}                                                                 \
	static inline void write_cr##n(u64 v)                             \
	{                                                                 \
		asm volatile("mov %0, %%cr" #n : : "r"(v) : "memory");    \
	}
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)

#define CR0_MP (1ul << 1)
#define CR0_EM (1ul << 2)
#define CR0_WP (1ul << 16)
#define CR4_OSFXSR (1ul << 9)
#define CR4_OSXMMEXCPT (1ul << 10)
#define CR4_PGE (1ul << 7)
#define CR4_SMEP (1ul << 20)
#define CR4_SMAP (1ul << 21)

#define MSR_PAT 0x277
#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_SFMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define EFER_SCE (1ul << 0)
#define EFER_NXE (1ul << 11)

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;
	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}
static inline void wrmsr(u32 msr, u64 v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)));
}

static inline void cpuid(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
	asm volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

static inline void invlpg(u64 va) { asm volatile("invlpg (%0)" : : "r"(va) : "memory"); }
static inline void cli(void) { asm volatile("cli" ::: "memory"); }
static inline void sti(void) { asm volatile("sti" ::: "memory"); }
static inline void hlt(void) { asm volatile("hlt" ::: "memory"); }
static inline u64 read_rflags(void)
{
	u64 f;
	asm volatile("pushfq; popq %0" : "=r"(f));
	return f;
}
/* rdtsc clears the upper halves of RAX and RDX (SDM vol. 2B, RDTSC): as
 * 64-bit outputs the compiler need not clear them again. */
static inline u64 rdtsc(void)
{
	u64 lo, hi;
	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (hi << 32) | lo;
}
#define RFLAGS_IF (1ul << 9)
#define RFLAGS_AC (1ul << 18)
