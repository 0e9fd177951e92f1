/* mm/fault.h — the page-fault handler. */
#pragma once
#include "arch/trapframe.h"

void page_fault(struct trapframe *tf);
