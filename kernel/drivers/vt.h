/* kernel/drivers/vt.h — the screen console's text: a grid of characters with
 * a cursor, the lines that scrolled off above it, and the interpreter of
 * the control characters and escape sequences a terminal program writes.
 * It draws nothing itself: each changed cell goes to the back end's putc,
 * so tests can run one on a buffer of their own and read the cells. */
#pragma once
#include "kernel/types.h"

#define VT_NPAR 8 /* CSI parameters kept; Linux's console keeps 16 */

struct vt_ops {
	void (*putc)(u32 col, u32 row, unsigned char c);
	void (*scroll)(void); /* up one row, bottom row blank; NULL: putc every cell */
};

struct vt {
	const struct vt_ops *ops; /* NULL: a text model only (tests) */
	u8 *text;                 /* lines x cols, a ring: history, then the screen */
	u32 cols, rows, lines;    /* lines >= rows: the ring's size */
	u32 top;                  /* ring line of the screen's row 0 */
	u32 history;              /* lines kept above the screen, <= lines - rows */
	u32 back;                 /* lines the view is scrolled back, <= history */
	u32 col, row;             /* the cursor, always on the screen */
	bool wrap;                /* the last column was written: wrap before the next glyph */
	u32 saved_col, saved_row; /* ESC 7 / CSI s */
	u8 state;                 /* where in an escape sequence the parser is */
	u8 utf8_left;             /* continuation bytes still to swallow */
	bool private_mode;        /* CSI ? ...: DEC private modes, ignored */
	u32 npar, par[VT_NPAR];
};

/* text: lines * cols bytes the vt keeps its characters in. Blanks them. */
void vt_init(struct vt *vt, u8 *text, u32 cols, u32 rows, u32 lines, const struct vt_ops *ops);
/* Interprets s as the Linux console does (docs/boot.md lists what is
 * honoured); output snaps a scrolled-back view to the bottom first. */
void vt_write(struct vt *vt, const char *s, size_t n);
/* The character the view shows at (col, row): the screen, or the history
 * above it while scrolled back. */
u8 vt_cell(const struct vt *vt, u32 col, u32 row);
/* Scrolls the view back by lines (forward if negative), within the
 * history; returns whether the view moved. */
bool vt_scrollback(struct vt *vt, int lines);
