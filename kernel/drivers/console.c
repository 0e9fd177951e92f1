/* kernel/drivers/console.c — fans kernel output out to every console. Serial is the
 * one tests and gdb users read; the screen is what a real machine shows. */
#include "kernel/drivers/console.h"
#include "arch/serial.h"
#include "kernel/drivers/screen.h"

void console_write(const char *s, size_t n)
{
	serial_write(s, n);
	screen_write(s, n);
}
