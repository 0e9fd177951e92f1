/* user/static_pie.c — a static position-independent executable (ET_DYN with
 * no PT_INTERP): the loader must pick a base, and the program relocates
 * itself (musl's rcrt1.o) before main runs. Linked by user/build.mk with its
 * own line, since Debian's musl-gcc -static-pie makes a dynamic PIE. */
#include <elf.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>
#include "tap.h"

static const char greeting[] = "relocated";
static const char *const pointer_to_greeting = greeting; /* needs an R_X86_64_RELATIVE fixup */

int main(void)
{
	const Elf64_Ehdr *self = (const Elf64_Ehdr *)(getauxval(AT_PHDR) - sizeof(Elf64_Ehdr));
	uintptr_t entry = getauxval(AT_ENTRY);
	tap_ok(self->e_type == ET_DYN, "the program is ET_DYN (position independent)");
	tap_ok(entry != 0 && entry == (uintptr_t)self + self->e_entry,
	   "AT_ENTRY is the load base plus e_entry");
	tap_ok((uintptr_t)self >= 0x10000 && (uintptr_t)self % 4096 == 0,
	   "loaded page-aligned, above the first 64 KiB");
	tap_ok(strcmp(pointer_to_greeting, "relocated") == 0, "a statically initialised pointer was relocated");
	return done_testing();
}
