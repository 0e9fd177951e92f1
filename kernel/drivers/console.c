/* kernel/drivers/console.c — fans kernel output out to every console, and
 * gathers input from every keyboard. Serial is the one tests and gdb users
 * read; the screen and the PS/2 keyboard are what a real machine has. */
#include "kernel/drivers/console.h"
#include "arch/serial.h"
#include "kernel/drivers/ps2kbd.h"
#include "kernel/drivers/screen.h"

void console_write_to(const char *s, size_t n, unsigned where)
{
	if (where & CONSOLE_SERIAL)
		serial_write(s, n);
	if (where & CONSOLE_SCREEN)
		screen_write(s, n);
}

void console_write(const char *s, size_t n)
{
	console_write_to(s, n, CONSOLE_SERIAL | CONSOLE_SCREEN);
}

/* The screen takes \n as a new line either way: it has no raw mode. */
void console_put(const char *s, size_t n)
{
	serial_put(s, n);
	screen_write(s, n);
}

int console_getc(void)
{
	int c = serial_getc();
	return c >= 0 ? c : ps2kbd_getc();
}
