/* kernel/stackprot.h — the per-boot stack-protector guard (kernel/stackprot.c). */
#pragma once
#include "kernel/types.h"

extern u64 __stack_chk_guard; /* the canary every protected frame holds a copy of */
/* Choose this boot's guard. No protected function may be running (entered
 * before, returning after) when it is called. */
void stackprot_init(void);
NORETURN void __stack_chk_fail(void); /* the compiler's call on a smashed canary: panics */
