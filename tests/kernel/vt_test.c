/* tests/kernel/vt_test.c — the screen console's text model (kernel/drivers/vt.c)
 * fed what a line editor writes: the cells must show what the Linux console
 * would show for the same bytes, with no escape sequence printed. Each test
 * runs a small vt of its own, 10 columns by 4 rows, with 8 lines of ring. */
#include "kernel/drivers/vt.h"
#include "kernel/ktest.h"
#include "kernel/string.h"

#define COLS 10
#define ROWS 4
#define LINES 8

static u8 text[LINES * COLS];

static void fresh(struct vt *vt, const struct vt_ops *ops)
{
	vt_init(vt, text, COLS, ROWS, LINES, ops);
}

static void put(struct vt *vt, const char *s)
{
	vt_write(vt, s, strlen(s));
}

/* Does the view's row show want, padded with blanks to the full width? */
static bool row_is(const struct vt *vt, u32 row, const char *want)
{
	size_t n = strlen(want);
	for (u32 c = 0; c < COLS; c++)
		if (vt_cell(vt, c, row) != (c < n ? (u8)want[c] : ' '))
			return false;
	return true;
}

#define AT(vt, c, r) ((vt).col == (c) && (vt).row == (r))

KTEST(vt_text_wraps_and_scrolls)
{
	struct vt vt;
	fresh(&vt, NULL);
	put(&vt, "abcdefghijKL");
	KEXPECT(row_is(&vt, 0, "abcdefghij"));
	KEXPECT(row_is(&vt, 1, "KL"));
	/* a line exactly as wide as the screen, then \n: no empty line between */
	put(&vt, "\n0123456789\nx");
	KEXPECT(row_is(&vt, 2, "0123456789"));
	KEXPECT(row_is(&vt, 3, "x"));
	put(&vt, "\ny\tz");
	KEXPECT(row_is(&vt, 0, "KL"));
	KEXPECT(row_is(&vt, 3, "y       z"));
	KEXPECT(AT(vt, 9, 3));
	put(&vt, "\t\tq"); /* tab stops at the last column */
	KEXPECT(row_is(&vt, 3, "y       zq"));
}

/* What busybox's line editing sends to redraw a line: CR, the prompt and
 * the text again, then ESC [ K to clear what is left of the old one. */
KTEST(vt_carriage_return_backspace_and_erase_in_line)
{
	struct vt vt;
	fresh(&vt, NULL);
	put(&vt, "$ abcdef\r$ ab\x1b[K");
	KEXPECT(row_is(&vt, 0, "$ ab"));
	KEXPECT(AT(vt, 4, 0));
	put(&vt, "\b\b\bX");
	KEXPECT(row_is(&vt, 0, "$Xab"));
	put(&vt, "\b\b\b\b\b\b");
	KEXPECT(AT(vt, 0, 0)); /* stops at the left edge */
	put(&vt, "\x1b[3C\x1b[1K");
	KEXPECT(row_is(&vt, 0, "    "));
	put(&vt, "abcd\x1b[2D\x1b[0K");
	KEXPECT(row_is(&vt, 0, "   ab"));
	put(&vt, "\x1b[2K");
	KEXPECT(row_is(&vt, 0, ""));
	KEXPECT(AT(vt, 5, 0));
}

KTEST(vt_cursor_moves_clamp_to_the_screen)
{
	struct vt vt;
	fresh(&vt, NULL);
	put(&vt, "\x1b[2;5HX");
	KEXPECT(row_is(&vt, 1, "    X"));
	put(&vt, "\x1b[A\x1b[3CY\x1b[2B\x1b[DZ");
	KEXPECT(row_is(&vt, 0, "        Y"));
	KEXPECT(row_is(&vt, 2, "        Z"));
	put(&vt, "\x1b[99;99H");
	KEXPECT(AT(vt, COLS - 1, ROWS - 1));
	put(&vt, "\x1b[99A\x1b[99D");
	KEXPECT(AT(vt, 0, 0));
	put(&vt, "\x1b[3;4f\x1b[H");
	KEXPECT(AT(vt, 0, 0));
	put(&vt, "\x1b[4G\x1b[3d");
	KEXPECT(AT(vt, 3, 2));
	put(&vt, "\x1b" "7\x1b[H\x1b" "8");
	KEXPECT(AT(vt, 3, 2));
	/* a move cancels the wrap a full line left pending */
	put(&vt, "\x1b[1;1H0123456789\x1b[Dx");
	KEXPECT(row_is(&vt, 0, "01234567x9"));
	KEXPECT(row_is(&vt, 1, "    X"));
	KEXPECT(AT(vt, 9, 0));
}

KTEST(vt_erase_in_display)
{
	struct vt vt;
	fresh(&vt, NULL);
	put(&vt, "aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd");
	put(&vt, "\x1b[2;4H\x1b[J");
	KEXPECT(row_is(&vt, 0, "aaaaaaaaaa"));
	KEXPECT(row_is(&vt, 1, "bbb"));
	KEXPECT(row_is(&vt, 2, ""));
	put(&vt, "\x1b[1;2H\x1b[1J");
	KEXPECT(row_is(&vt, 0, "  aaaaaaaa"));
	KEXPECT(row_is(&vt, 1, "bbb"));
	put(&vt, "\x1b[2J");
	for (u32 r = 0; r < ROWS; r++)
		KEXPECT(row_is(&vt, r, ""));
	KEXPECT(AT(vt, 1, 0)); /* erasing does not move the cursor */
}

/* Colours, modes and the cursor position query take no cell. */
KTEST(vt_swallows_sgr_modes_and_queries)
{
	struct vt vt;
	fresh(&vt, NULL);
	put(&vt, "a\x1b[1;31mb\x1b[0mc\x1b[6nd\x1b[?25le\x1b[mf\x1b(Bg");
	KEXPECT(row_is(&vt, 0, "abcdefg"));
	/* a sequence split between writes, and one cancelled by CAN */
	put(&vt, "\x1b[");
	put(&vt, "32mh\x1b[3\x18i");
	KEXPECT(row_is(&vt, 0, "abcdefghi"));
	/* a control character inside a sequence acts, the sequence goes on */
	put(&vt, "\x1b[1\r;2H");
	KEXPECT(row_is(&vt, 0, "abcdefghi"));
}

KTEST(vt_delete_insert_and_erase_characters)
{
	struct vt vt;
	fresh(&vt, NULL);
	put(&vt, "abcdefgh\r\x1b[2P");
	KEXPECT(row_is(&vt, 0, "cdefgh"));
	put(&vt, "\x1b[3@");
	KEXPECT(row_is(&vt, 0, "   cdefgh"));
	put(&vt, "\x1b[4C\x1b[X");
	KEXPECT(row_is(&vt, 0, "   c efgh"));
	put(&vt, "\x1b[99X");
	KEXPECT(row_is(&vt, 0, "   c"));
	KEXPECT(AT(vt, 4, 0));
}

/* A character of several UTF-8 bytes is one cell (the font has no glyph
 * for it: the byte stored draws the replacement glyph). */
KTEST(vt_utf8_takes_one_cell)
{
	struct vt vt;
	fresh(&vt, NULL);
	put(&vt, "a\xc3\xa9" "b\xe2\x94\x80" "c");
	KEXPECT(vt_cell(&vt, 0, 0) == 'a');
	KEXPECT(vt_cell(&vt, 1, 0) >= 0x80);
	KEXPECT(vt_cell(&vt, 2, 0) == 'b');
	KEXPECT(vt_cell(&vt, 3, 0) >= 0x80);
	KEXPECT(vt_cell(&vt, 4, 0) == 'c');
	KEXPECT(AT(vt, 5, 0));
}

KTEST(vt_scrollback_and_snap_back)
{
	struct vt vt;
	fresh(&vt, NULL);
	put(&vt, "1\n2\n3\n4\n5\n6");
	KEXPECT(row_is(&vt, 0, "3"));
	KEXPECT_EQ(vt.history, 2);
	KEXPECT(vt_scrollback(&vt, 1));
	KEXPECT(row_is(&vt, 0, "2"));
	KEXPECT(row_is(&vt, 3, "5"));
	KEXPECT(vt_scrollback(&vt, 99)); /* clamped to the history */
	KEXPECT(row_is(&vt, 0, "1"));
	KEXPECT(!vt_scrollback(&vt, 1));
	put(&vt, "x"); /* output snaps back to the live screen */
	KEXPECT_EQ(vt.back, 0);
	KEXPECT(row_is(&vt, 3, "6x"));
	/* the ring holds LINES - ROWS lines of history, the oldest go */
	put(&vt, "\n7\n8\n9\n10\n11");
	KEXPECT_EQ(vt.history, LINES - ROWS);
	vt_scrollback(&vt, LINES);
	KEXPECT(row_is(&vt, 0, "4"));
	KEXPECT(vt_scrollback(&vt, -2));
	KEXPECT(row_is(&vt, 0, "6x"));
	put(&vt, "\x1b[3J"); /* forgets the history */
	KEXPECT_EQ(vt.history, 0);
	KEXPECT(!vt_scrollback(&vt, 1));
}

/* What a back end is told: its own copy of the cells, kept by putc and
 * scroll alone, must show what the vt does after anything. */
static u8 shadow[ROWS][COLS];

static void shadow_putc(u32 col, u32 row, unsigned char c)
{
	shadow[row][col] = c;
}

static void shadow_scroll(void)
{
	memmove(shadow[0], shadow[1], (ROWS - 1) * COLS);
	memset(shadow[ROWS - 1], ' ', COLS);
}

static bool shadow_agrees(const struct vt *vt)
{
	for (u32 r = 0; r < ROWS; r++)
		for (u32 c = 0; c < COLS; c++)
			if (shadow[r][c] != vt_cell(vt, c, r))
				return false;
	return true;
}

KTEST(vt_back_end_sees_every_change)
{
	static const struct vt_ops ops = { shadow_putc, shadow_scroll };
	static const struct vt_ops no_scroll = { shadow_putc, NULL };
	struct vt vt;
	for (int pass = 0; pass < 2; pass++) {
		memset(shadow, ' ', sizeof(shadow));
		fresh(&vt, pass ? &no_scroll : &ops);
		put(&vt, "one\ntwo\nthree\nfour\nfive\nsix\x1b[2;3H\x1b[P\x1b[2@\x1b[K");
		KEXPECT(shadow_agrees(&vt));
		vt_scrollback(&vt, 2);
		KEXPECT(shadow_agrees(&vt));
		KEXPECT(row_is(&vt, 0, "one"));
		put(&vt, "\x1b[1J!\n\n\n\n");
		KEXPECT(shadow_agrees(&vt));
	}
}
