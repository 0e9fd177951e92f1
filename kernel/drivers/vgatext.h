/* kernel/drivers/vgatext.h — EGA text mode cells and hardware cursor, for screen.c;
 * it keeps the cursor position, this back end only touches the hardware. */
#pragma once
#include "kernel/drivers/screen.h"

bool vgatext_init(const struct fbinfo *fb, u32 *cols, u32 *rows); /* false: unusable */
void vgatext_putc(u32 col, u32 row, unsigned char c);
void vgatext_scroll(void); /* up one row, bottom row cleared */
void vgatext_cursor(u32 col, u32 row); /* row past the last: hidden */
