/* arch/syscall.h — the SYSCALL/SYSRET path. */
#pragma once
#include "arch/trapframe.h"

void syscall_init(void);
bool sysret_safe(const struct trapframe *tf);
bool syscall_dispatch(struct trapframe *tf);
