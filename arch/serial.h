/* arch/serial.h — the COM1 16550 UART, the kernel's first and most reliable console. */
#pragma once
#include "kernel/types.h"

void serial_init(void);
void serial_write(const char *s, size_t n); /* kernel text: \n goes out as \r\n */
void serial_put(const char *s, size_t n);   /* bytes as they are (a tty did its own output processing) */
int serial_getc(void); /* -1 when no byte is waiting */
