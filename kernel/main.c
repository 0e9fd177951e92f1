/* kernel/main.c — the order in which faultline comes up. Each step needs the
 * ones before it: serial first so anything can be reported; the boot
 * information copied out before its memory is reused; the IDT before
 * anything can fault; frames before page tables; page tables before the
 * heap, the guarded kernel stacks and the mapped framebuffer. */
#include "arch/context.h"
#include "arch/cpu.h"
#include "arch/gdt.h"
#include "arch/idt.h"
#include "arch/pic.h"
#include "arch/percpu.h"
#include "arch/pit.h"
#include "arch/serial.h"
#include "arch/syscall.h"
#include "arch/tsc.h"
#include "arch/x86.h"
#include "kernel/drivers/blk.h"
#include "kernel/bootinfo.h"
#include "kernel/bootsummary.h"
#include "kernel/cmdline.h"
#include "kernel/failinject.h"
#include "kernel/init.h"
#include "kernel/fs/initramfs.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/fs/procfs.h"
#include "kernel/stackprot.h"
#include "kernel/drivers/fbdev.h"
#include "kernel/drivers/ps2kbd.h"
#include "kernel/drivers/tty.h"
#include "kernel/drivers/screen.h"
#include "kernel/time.h"
#include "kernel/vdso.h"
#include "mm/extable.h"
#include "mm/reclaim.h"
#include "mm/swap.h"
#include "mm/frame.h"
#include "mm/kstack.h"
#include "mm/vm.h"
#include "mm/wxcheck.h"

#define VERSION "0.1"
#define FB_MARGIN 16 /* pixels: what overscan crops on most monitors, and less */

u64 boot_tsc_kmain, boot_tsc_first_user;

static void banner(void)
{
	pr_info("faultline: booted via %s by %s (faultline %s)\n", bootinfo.uefi ? "UEFI" : "BIOS",
	       *bootinfo.loader ? bootinfo.loader : "an unknown loader", VERSION);
	pr_info("cmdline: %s\n", bootinfo.cmdline);
	screen_print_info();
	cpu_print();
}

/* Runs on a kernel stack with a guard page. */
static void kmain_stacked(void)
{
	pic_init();
	pit_init();
	ps2kbd_init();
	tty_init();
	time_init();
	vdso_init();
	syscall_init();
	extable_init();
	reclaim_init();
	sti();
	initramfs_init();
	blk_init();
	blk_make_nodes();
	procfs_init();
	swap_boot();
	wx_check(); /* the kernel's mappings are all made: audit them once */
	boot_summary(VERSION);
	if (cmdline_has("test"))
		ktest_run(cmdline_get("test"));
	run_init();
}

/* Not stack-protected: its frame is live when stackprot_init changes the guard
 * (it never returns, but a protected frame would be checked on the way out). */
__attribute__((no_stack_protector)) void kmain(u64 info_phys)
{
	boot_tsc_kmain = rdtsc();
	tsc_calibrate_begin(); /* time_init takes the second reading: the boot fills the window */
	serial_init();
	bootinfo_parse(info_phys);
	cmdline_init(bootinfo.cmdline);
	failinject_init();
	printk_quiet = cmdline_has("quiet");
	printk_verbose = cmdline_has("verbose");
	idt_init();
	cpu_init();
	/* The first moment RDRAND is known to be there or not. */
	stackprot_init();
	frame_init();
	vm_init();
	gdt_init();
	idt_use_ist();
	percpu_init();
	cpu_protect();
	screen_init(&bootinfo.fb, cmdline_number("fbmargin", FB_MARGIN));
	fbdev_init(&bootinfo.fb);
	banner();
	kstack_boot = kstack_alloc();
	call_on_stack(kstack_boot, kmain_stacked);
}
