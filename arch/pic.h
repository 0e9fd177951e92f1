/* arch/pic.h — the legacy 8259 interrupt controllers. */
#pragma once
#include "kernel/types.h"
void pic_init(void);
void pic_unmask(int irq);
void pic_eoi(int irq);
