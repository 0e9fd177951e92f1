/* arch/idt.h — the interrupt descriptor table. */
#pragma once
void idt_init(void);
