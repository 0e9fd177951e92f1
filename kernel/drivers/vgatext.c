/* kernel/drivers/vgatext.c — the EGA text screen GRUB leaves on BIOS machines: the
 * adapter draws the characters itself from 16-bit cells (character in the low
 * byte, colour attribute in the high byte), so there is no font work here. */
#include "kernel/drivers/vgatext.h"
#include "arch/x86.h"
#include "kernel/string.h"
#include "mm/vm.h"

#define ATTR 0x07 /* light grey on black */
#define BLANK ((u16)(' ' | ATTR << 8))

/* CRT controller: write a register index to CRTC_INDEX, then its value to
 * CRTC_DATA. Registers 0x0e/0x0f hold the cursor's cell offset. */
#define CRTC_INDEX 0x3d4
#define CRTC_DATA 0x3d5
#define CRTC_CURSOR_START 0x0a
#define CRTC_CURSOR_END 0x0b
#define CRTC_CURSOR_HI 0x0e
#define CRTC_CURSOR_LO 0x0f

static struct {
	u16 *cells;
	u32 stride, rows; /* stride: cells per row, from the pitch */
} vga;

static u8 crtc_read(u8 reg)
{
	outb(CRTC_INDEX, reg);
	return inb(CRTC_DATA);
}

static void crtc_write(u8 reg, u8 v)
{
	outb(CRTC_INDEX, reg);
	outb(CRTC_DATA, v);
}

static void clear_rows(u32 first, u32 n)
{
	u16 *p = vga.cells + (u64)first * vga.stride;
	for (u64 i = 0; i < (u64)n * vga.stride; i++)
		p[i] = BLANK;
}

bool vgatext_init(const struct fbinfo *fb, u32 *cols, u32 *rows)
{
	if (fb->width == 0 || fb->height == 0 || fb->pitch < fb->width * 2)
		return false;
	vga.cells = ioremap(fb->phys, (u64)fb->pitch * fb->height);
	if (!vga.cells)
		return false;
	vga.stride = fb->pitch / 2;
	*cols = fb->width;
	vga.rows = *rows = fb->height;
	clear_rows(0, vga.rows);
	/* The boot loader may have hidden the cursor: show it as an underline
	 * on scan lines 14..15 of the 16-line cell, keeping the reserved bits. */
	crtc_write(CRTC_CURSOR_START, (crtc_read(CRTC_CURSOR_START) & 0xc0) | 14);
	crtc_write(CRTC_CURSOR_END, (crtc_read(CRTC_CURSOR_END) & 0xe0) | 15);
	vgatext_cursor(0, 0);
	return true;
}

void vgatext_putc(u32 col, u32 row, unsigned char c)
{
	vga.cells[(u64)row * vga.stride + col] = (u16)(c | ATTR << 8);
}

void vgatext_scroll(void)
{
	memmove(vga.cells, vga.cells + vga.stride, (u64)(vga.rows - 1) * vga.stride * 2);
	clear_rows(vga.rows - 1, 1);
}

void vgatext_cursor(u32 col, u32 row)
{
	u32 pos = row * vga.stride + col;
	crtc_write(CRTC_CURSOR_HI, (u8)(pos >> 8));
	crtc_write(CRTC_CURSOR_LO, (u8)pos);
}
