/* arch/idt.h — the interrupt descriptor table. */
#pragma once
void idt_init(void);
void idt_use_ist(void); /* after gdt_init() has loaded the TSS */
