/* kernel/drivers/screen.c — the screen console: keeps the cursor and interprets
 * control characters, then hands cells to whichever back end matches what
 * GRUB set up (fbcon.c for a pixel framebuffer, vgatext.c for EGA text). */
#include "kernel/drivers/screen.h"
#include "kernel/drivers/fbcon.h"
#include "kernel/drivers/vgatext.h"

#define TAB_WIDTH 8

static struct {
	void (*putc)(u32 col, u32 row, unsigned char c); /* NULL: no screen yet */
	void (*scroll)(void);
	void (*cursor)(u32 col, u32 row); /* NULL: the framebuffer draws no cursor */
	void (*flush)(bool now);          /* NULL: every cell is painted as it is written */
	void (*repaint)(void);            /* the next flush paints every cell */
	u32 cols, rows;
	u32 col, row; /* col == cols: line full, wrap before the next glyph */
	bool paused;  /* a user program draws on the framebuffer (screen_pause) */
} scr;

void screen_init(const struct fbinfo *fb)
{
	if (!fb || !fb->phys)
		return;
	if (fb->type == FB_TYPE_RGB && fbcon_init(fb, &scr.cols, &scr.rows)) {
		scr.scroll = fbcon_scroll;
		scr.flush = fbcon_flush;
		scr.repaint = fbcon_repaint;
		scr.putc = fbcon_putc;
	} else if (fb->type == FB_TYPE_EGA_TEXT && vgatext_init(fb, &scr.cols, &scr.rows)) {
		scr.scroll = vgatext_scroll;
		scr.cursor = vgatext_cursor;
		scr.putc = vgatext_putc;
	}
}

static void newline(void)
{
	scr.col = 0;
	if (++scr.row < scr.rows)
		return;
	scr.scroll();
	scr.row = scr.rows - 1;
}

/* '\n' also returns the carriage, as serial.c does, so kernel strings need
 * no "\r\n". Wrapping waits for the next glyph so that a line exactly one
 * screen wide followed by '\n' does not leave an empty line behind it. */
static void screen_putc(char c)
{
	switch (c) {
	case '\n':
		newline();
		break;
	case '\r':
		scr.col = 0;
		break;
	case '\b':
		if (scr.col > 0)
			scr.col--;
		break;
	case '\t':
		scr.col = MIN(ALIGN_DOWN(scr.col, TAB_WIDTH) + TAB_WIDTH, scr.cols);
		break;
	default:
		if (scr.col == scr.cols)
			newline();
		scr.putc(scr.col++, scr.row, (unsigned char)c);
	}
}

/* Two writers on one framebuffer would scribble over each other. On Linux a
 * program that draws first switches its virtual terminal to KD_GRAPHICS,
 * which stops fbcon; faultline has no terminals to switch, so the mapping
 * itself is the sign (kernel/drivers/fbdev.c calls this). */
void screen_pause(bool paused)
{
	if (scr.paused && !paused && scr.repaint)
		scr.repaint(); /* the program's pixels go, the console as it is now comes back */
	scr.paused = paused;
}

void screen_write(const char *s, size_t n)
{
	if (!scr.putc)
		return;
	for (size_t i = 0; i < n; i++)
		screen_putc(s[i]);
	if (scr.cursor)
		scr.cursor(MIN(scr.col, scr.cols - 1), scr.row);
}

void screen_flush(bool now)
{
	if (scr.flush && !scr.paused)
		scr.flush(now);
}
