/* kernel/bootinfo.h — what GRUB told us, copied out of the Multiboot2 info
 * into plain structures before the memory holding it may be reused. */
#pragma once
#include "kernel/types.h"
#include "kernel/drivers/screen.h"

#define MAX_MEMRANGES 64
#define MAX_MODULES 8

enum memtype { MEM_USABLE = 1, MEM_RESERVED = 2, MEM_ACPI = 3, MEM_NVS = 4, MEM_BAD = 5 };

struct memrange {
	u64 base, len;
	u32 type; /* enum memtype */
};

struct module {
	u64 start, end; /* physical */
	char name[64];
};

struct bootinfo {
	u64 info_phys, info_size;  /* the Multiboot2 info itself: its frames stay reserved */
	char cmdline[512];
	char loader[64];
	bool uefi;                 /* an EFI system-table tag was present */
	struct fbinfo fb;          /* fb.phys == 0: no screen handed over */
	struct memrange mem[MAX_MEMRANGES];
	int nmem;
	struct module mod[MAX_MODULES];
	int nmod;
};

extern struct bootinfo bootinfo;

void bootinfo_parse(u64 info_phys);
