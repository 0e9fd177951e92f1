/* tests/kernel/trap_test.c — exceptions are reported with the right vector
 * and error code, and W^X holds for the kernel image: text is not writable
 * (not even through its direct-map alias), rodata is not writable, data is
 * not executable. */
#include "arch/pit.h"
#include "arch/x86.h"
#include "kernel/ksyms.h"
#include "kernel/ktest.h"
#include "kernel/string.h"
#include "mm/layout.h"

#define PF_PRESENT 1
#define PF_WRITE 2
#define PF_FETCH 16

static const u32 some_rodata = 0x1234;
static u8 some_data[16] = { 0xc3 }; /* a `ret` instruction, if it could run */

static void write_byte(void *p) { *(volatile u8 *)p = 0x90; }
static void call_at(void *p) { ((void (*)(void))p)(); }
static void invalid_opcode(void *unused) { (void)unused; asm volatile("ud2"); }
static void noncanonical_read(void *unused)
{
	(void)unused;
	(void)*(volatile u64 *)0x8000000000000000ul;
}

KTEST(wx_text_not_writable)
{
	struct caught c = ktest_catch(write_byte, (void *)ksym_format);
	KEXPECT(c.faulted && c.vector == T_PF);
	KEXPECT_EQ(c.error, PF_PRESENT | PF_WRITE);
	KEXPECT_EQ(c.addr, (u64)ksym_format);
}

KTEST(wx_text_alias_not_writable)
{
	void *alias = phys_to_virt(virt_to_phys((void *)ksym_format)); /* the direct map's view */
	struct caught c = ktest_catch(write_byte, alias);
	KEXPECT(c.faulted && c.vector == T_PF);
	KEXPECT_EQ(c.error, PF_PRESENT | PF_WRITE);
	KEXPECT_EQ(c.addr, (u64)alias);
}

KTEST(wx_rodata_not_writable)
{
	struct caught c = ktest_catch(write_byte, (void *)&some_rodata);
	KEXPECT(c.faulted && c.vector == T_PF && c.error == (PF_PRESENT | PF_WRITE));
	KEXPECT_EQ(some_rodata, 0x1234);
}

KTEST(wx_data_not_executable)
{
	struct caught c = ktest_catch(call_at, some_data);
	KEXPECT(c.faulted && c.vector == T_PF);
	KEXPECT_EQ(c.error, PF_PRESENT | PF_FETCH);
	KEXPECT_EQ(c.addr, (u64)some_data);
}

KTEST(trap_invalid_opcode)
{
	struct caught c = ktest_catch(invalid_opcode, NULL);
	KEXPECT(c.faulted && c.vector == T_UD);
	KEXPECT(c.rip >= (u64)invalid_opcode && c.rip < (u64)invalid_opcode + 32);
}

KTEST(trap_general_protection)
{
	struct caught c = ktest_catch(noncanonical_read, NULL);
	KEXPECT(c.faulted && c.vector == T_GP);
	KEXPECT_EQ(c.error, 0);
}

KTEST(timer_ticks)
{
	u64 start = ticks();
	KEXPECT(read_rflags() & RFLAGS_IF);
	for (int i = 0; i < 3; i++)
		hlt(); /* each hlt ends at the next interrupt: the timer */
	KEXPECT(ticks() > start);
}
