/* kernel/drivers/screen.h — the screen console: a linear framebuffer drawn with the
 * built-in font, or EGA text mode, whichever GRUB handed over. */
#pragma once
#include "kernel/types.h"

struct fbinfo {
	u64 phys;      /* physical address of the framebuffer / EGA text buffer */
	u32 pitch;     /* bytes per scan line */
	u32 width;     /* pixels, or columns in EGA text mode */
	u32 height;    /* pixels, or rows in EGA text mode */
	u8 bpp;        /* bits per pixel (16 in EGA text: char + attribute) */
	u8 type;       /* 1 = direct RGB, 2 = EGA text (Multiboot2 values) */
	u8 red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

#define FB_TYPE_RGB 1
#define FB_TYPE_EGA_TEXT 2

/* After paging: maps the buffer with ioremap() and sets up the text, with
 * margin pixels kept blank on each side of a framebuffer (overscan). */
void screen_init(const struct fbinfo *fb, u32 margin);
void screen_print_info(void); /* the "screen:" line of the boot log */
void screen_write(const char *s, size_t n); /* does nothing before screen_init */
/* Bring the screen up to date with what was written: the timer tick asks
 * (now false: a back end that paints in batches may wait for the next
 * batch), panic insists (now true: the machine stops after it). */
void screen_flush(bool now);
/* While a program has the framebuffer mapped (/dev/fb0), the console leaves
 * the screen to it: paused, output goes on into the console's text but is
 * not painted; unpaused, the whole console is painted again, with what was
 * written meanwhile. */
void screen_pause(bool paused);
/* Shift+PgUp / Shift+PgDn (the keyboard interrupt): moves the view half a
 * screen per page back into the history (pages > 0) or forward. Any
 * output snaps it back to the live screen. */
void screen_scrollback(int pages);
