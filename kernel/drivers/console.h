/* kernel/drivers/console.h — where kernel output goes: the serial port always, the
 * screen (framebuffer or EGA text) once it is set up; and where input comes
 * from: the serial port and the PS/2 keyboard. */
#pragma once
#include "kernel/types.h"

void console_write(const char *s, size_t n); /* kernel text to every console: \n is a new line */
#define CONSOLE_SERIAL 1
#define CONSOLE_SCREEN 2
void console_write_to(const char *s, size_t n, unsigned where); /* CONSOLE_* bits */
/* A terminal's output, its \n already turned into \r\n or not (OPOST, ONLCR). */
void console_put(const char *s, size_t n);
int console_getc(void); /* the next byte typed on serial or keyboard; -1 when none */
