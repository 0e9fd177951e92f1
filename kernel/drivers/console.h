/* kernel/drivers/console.h — where kernel output goes: the serial port always, the
 * screen (framebuffer or EGA text) once it is set up. */
#pragma once
#include "kernel/types.h"

void console_write(const char *s, size_t n);
