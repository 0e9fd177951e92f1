/* kernel/drivers/screen.c — the screen console: one vt (kernel/drivers/vt.c,
 * the text, its history and the escape sequences) drawn by whichever back
 * end matches what GRUB set up (fbcon.c for a pixel framebuffer, vgatext.c
 * for EGA text). */
#include "kernel/drivers/screen.h"
#include "arch/x86.h"
#include "kernel/drivers/fbcon.h"
#include "kernel/drivers/vgatext.h"
#include "kernel/drivers/vt.h"
#include "kernel/printk.h"
#include "mm/kheap.h"

/* Screens of history above the live one, for Shift+PgUp. */
#define SCROLLBACK_SCREENS 4

static const struct vt_ops fbcon_ops = { fbcon_putc, fbcon_scroll };
static const struct vt_ops vgatext_ops = { vgatext_putc, vgatext_scroll };

static struct {
	struct vt vt;
	const struct fbinfo *fb;
	bool up;                          /* screen_init found a screen */
	void (*cursor)(u32 col, u32 row); /* NULL: the framebuffer draws no cursor */
	void (*flush)(bool now);          /* NULL: every cell is painted as it is written */
	void (*repaint)(void);            /* the next flush paints every cell */
	bool paused;  /* a user program draws on the framebuffer (screen_pause) */
} scr;

void screen_init(const struct fbinfo *fb, u32 margin)
{
	const struct vt_ops *ops = NULL;
	u32 cols, rows;
	if (!fb || !fb->phys)
		return;
	if (fb->type == FB_TYPE_RGB && fbcon_init(fb, margin, &cols, &rows)) {
		scr.flush = fbcon_flush;
		scr.repaint = fbcon_repaint;
		ops = &fbcon_ops;
	} else if (fb->type == FB_TYPE_EGA_TEXT && vgatext_init(fb, &cols, &rows)) {
		scr.cursor = vgatext_cursor;
		ops = &vgatext_ops;
	}
	u32 lines = rows * (1 + SCROLLBACK_SCREENS);
	u8 *text = ops ? kmalloc((u64)lines * cols) : NULL;
	if (!text)
		return;
	vt_init(&scr.vt, text, cols, rows, lines, ops);
	scr.fb = fb;
	scr.up = true;
}

/* The text grid's place, so a test reading a screendump can find it. */
void screen_print_info(void)
{
	u32 x, y;
	if (!scr.up)
		return;
	if (scr.fb->type == FB_TYPE_EGA_TEXT) {
		pr_info("screen: EGA text %ux%u\n", scr.fb->width, scr.fb->height);
		return;
	}
	fbcon_origin(&x, &y);
	pr_info("screen: framebuffer %ux%u, text %ux%u from (%u,%u)\n", scr.fb->width,
		scr.fb->height, scr.vt.cols, scr.vt.rows, x, y);
}

/* The cursor hides while the view shows history, where it is not. */
static void place_cursor(void)
{
	if (scr.cursor)
		scr.cursor(scr.vt.col, scr.vt.back ? scr.vt.rows : scr.vt.row);
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

/* The keyboard's interrupt scrolls the view (screen_scrollback), so the
 * text must not change under it: interrupts are off while it does. */
static bool irq_off(void)
{
	bool was_on = read_rflags() & RFLAGS_IF;
	cli();
	return was_on;
}

static void irq_restore(bool was_on)
{
	if (was_on)
		sti();
}

void screen_write(const char *s, size_t n)
{
	if (!scr.up)
		return;
	bool irq = irq_off();
	vt_write(&scr.vt, s, n);
	place_cursor();
	irq_restore(irq);
}

void screen_scrollback(int pages)
{
	if (!scr.up)
		return;
	bool irq = irq_off();
	/* half a screen a key press, as the Linux console scrolls */
	if (vt_scrollback(&scr.vt, pages * (int)(scr.vt.rows / 2)))
		place_cursor();
	irq_restore(irq);
}

void screen_flush(bool now)
{
	if (scr.flush && !scr.paused)
		scr.flush(now);
}
