/* arch/pit.h — the timer tick. */
#pragma once
#include "kernel/types.h"

#define HZ 100
void pit_init(void);
void pit_tick(void);  /* IRQ 0 */
u64 ticks(void);      /* timer interrupts since pit_init */
