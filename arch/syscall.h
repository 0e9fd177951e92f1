/* arch/syscall.h — the SYSCALL/SYSRET path. */
#pragma once
#include "arch/trapframe.h"

void syscall_init(void);
bool sysret_safe(const struct trapframe *tf);
bool syscall_exit_slow(struct trapframe *tf); /* from arch/syscall_entry.asm */
