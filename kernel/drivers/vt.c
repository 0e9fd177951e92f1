/* kernel/drivers/vt.c — the screen console's text model and its interpreter of
 * what programs write. Line editors (busybox ash, readline) redraw the line
 * they edit with carriage returns, backspaces and ECMA-48 sequences (CSI K
 * to erase, CSI n C/D to move); printed as glyphs they would fill the
 * screen with "[K". The subset honoured is what the Linux console does
 * for the same bytes (drivers/tty/vt/vt.c, console_codes(4)); everything
 * else that is well-formed is swallowed, never printed.
 *
 * Scrollback: the grid is a ring of lines larger than the screen, so a
 * line that scrolls off the top stays in the ring until it is reused. */
#include "kernel/drivers/vt.h"
#include "kernel/string.h"

#define TAB_WIDTH 8
#define PAR_MAX 9999 /* a parameter is clamped here: screens are smaller */

enum { ST_NORMAL, ST_ESC, ST_CSI, ST_CHARSET };

/* The screen's row r, or the view's while scrolled back. */
static u8 *screen_line(const struct vt *vt, u32 r)
{
	return vt->text + (u64)((vt->top + r) % vt->lines) * vt->cols;
}

static const u8 *view_line(const struct vt *vt, u32 r)
{
	return vt->text + (u64)((vt->top + vt->lines - vt->back + r) % vt->lines) * vt->cols;
}

u8 vt_cell(const struct vt *vt, u32 col, u32 row)
{
	return view_line(vt, row)[col];
}

static void redraw(struct vt *vt)
{
	if (!vt->ops)
		return;
	for (u32 r = 0; r < vt->rows; r++)
		for (u32 c = 0; c < vt->cols; c++)
			vt->ops->putc(c, r, vt_cell(vt, c, r));
}

void vt_init(struct vt *vt, u8 *text, u32 cols, u32 rows, u32 lines, const struct vt_ops *ops)
{
	*vt = (struct vt){ .ops = ops, .text = text, .cols = cols, .rows = rows, .lines = lines };
	memset(text, ' ', (u64)lines * cols);
}

bool vt_scrollback(struct vt *vt, int lines)
{
	i64 back = (i64)vt->back + lines;
	back = back < 0 ? 0 : MIN(back, (i64)vt->history);
	if ((u32)back == vt->back)
		return false;
	vt->back = (u32)back;
	redraw(vt);
	return true;
}

static void set(struct vt *vt, u32 col, u32 row, u8 c)
{
	screen_line(vt, row)[col] = c;
	if (vt->ops)
		vt->ops->putc(col, row, c);
}

/* Blanks screen cells [from, to), counted row by row from the top left. */
static void erase(struct vt *vt, u32 from, u32 to)
{
	for (u32 i = from; i < to; i++)
		set(vt, i % vt->cols, i / vt->cols, ' ');
}

/* The line that leaves the top becomes history; its ring slot after the
 * screen's bottom row is the oldest history line, reused as the new row. */
static void scroll_up(struct vt *vt)
{
	vt->top = (vt->top + 1) % vt->lines;
	vt->history = MIN(vt->history + 1, vt->lines - vt->rows);
	memset(screen_line(vt, vt->rows - 1), ' ', vt->cols);
	if (vt->ops && vt->ops->scroll)
		vt->ops->scroll();
	else
		redraw(vt);
}

static void line_feed(struct vt *vt)
{
	if (vt->row + 1 < vt->rows)
		vt->row++;
	else
		scroll_up(vt);
}

/* Every cursor move clamps to the screen and cancels a pending wrap. */
static void go_to(struct vt *vt, i64 col, i64 row)
{
	vt->col = (u32)(col < 0 ? 0 : MIN(col, (i64)vt->cols - 1));
	vt->row = (u32)(row < 0 ? 0 : MIN(row, (i64)vt->rows - 1));
	vt->wrap = false;
}

static void glyph(struct vt *vt, u8 c)
{
	if (vt->wrap) {
		go_to(vt, 0, vt->row);
		line_feed(vt);
	}
	set(vt, vt->col, vt->row, c);
	if (vt->col + 1 < vt->cols)
		vt->col++;
	else
		vt->wrap = true;
}

/* '\n' also returns the carriage, as serial.c does, so kernel strings need
 * no "\r\n" (the Linux console does so in its LNM mode); a program's
 * output arrives as "\r\n" through ONLCR anyway. */
static void control(struct vt *vt, u8 c)
{
	switch (c) {
	case '\b':
		go_to(vt, (i64)vt->col - 1, vt->row);
		break;
	case '\t':
		go_to(vt, ALIGN_DOWN(vt->col, TAB_WIDTH) + TAB_WIDTH, vt->row);
		break;
	case '\n':
	case '\v':
	case '\f':
		go_to(vt, 0, vt->row);
		line_feed(vt);
		break;
	case '\r':
		go_to(vt, 0, vt->row);
		break;
	case 0x18: /* CAN and SUB end a sequence unfinished */
	case 0x1a:
		vt->state = ST_NORMAL;
		break;
	case 0x1b:
		vt->state = ST_ESC;
		break;
	}
	vt->utf8_left = 0;
}

static u32 arg(const struct vt *vt, u32 i) /* parameter i, 0 if absent */
{
	return i <= vt->npar ? vt->par[i] : 0;
}

static u32 count(const struct vt *vt) /* a count: absent or 0 mean 1 */
{
	return arg(vt, 0) ? arg(vt, 0) : 1;
}

/* CSI J and CSI K: 0 from the cursor on, 1 up to and with it, 2 all;
 * J 3 also forgets the scrollback. */
static void erase_display(struct vt *vt, u32 how)
{
	u32 at = vt->row * vt->cols + vt->col, end = vt->rows * vt->cols;
	if (how == 3)
		vt->history = 0;
	erase(vt, how == 0 ? at : 0, how == 1 ? at + 1 : end);
}

static void erase_line(struct vt *vt, u32 how)
{
	u32 start = vt->row * vt->cols, at = start + vt->col;
	erase(vt, how == 0 ? at : start, how == 1 ? at + 1 : start + vt->cols);
}

/* CSI P deletes n characters (the rest of the line moves left), CSI @
 * inserts n blanks (it moves right); what passes the edge is lost. */
static void shift_line(struct vt *vt, u32 n, bool left)
{
	u8 *line = screen_line(vt, vt->row);
	u32 keep = vt->cols - vt->col;
	n = MIN(n, keep);
	if (left)
		memmove(line + vt->col, line + vt->col + n, keep - n);
	else
		memmove(line + vt->col + n, line + vt->col, keep - n);
	memset(left ? line + vt->cols - n : line + vt->col, ' ', n);
	for (u32 c = vt->col; vt->ops && c < vt->cols; c++)
		vt->ops->putc(c, vt->row, line[c]);
}

static void csi(struct vt *vt, u8 final)
{
	i64 col = vt->col, row = vt->row, n = count(vt);
	u32 at = vt->row * vt->cols + vt->col;
	switch (final) {
	case 'A': go_to(vt, col, row - n); break;
	case 'B': case 'e': go_to(vt, col, row + n); break;
	case 'C': case 'a': go_to(vt, col + n, row); break;
	case 'D': go_to(vt, col - n, row); break;
	case 'E': go_to(vt, 0, row + n); break;
	case 'F': go_to(vt, 0, row - n); break;
	case 'G': case '`': go_to(vt, n - 1, row); break;
	case 'd': go_to(vt, col, n - 1); break;
	case 'H': case 'f': go_to(vt, (i64)(arg(vt, 1) ? arg(vt, 1) : 1) - 1, n - 1); break;
	case 'J': erase_display(vt, arg(vt, 0)); vt->wrap = false; break;
	case 'K': erase_line(vt, arg(vt, 0)); vt->wrap = false; break;
	case 'X': erase(vt, at, at + (u32)MIN(n, (i64)(vt->cols - vt->col))); break;
	case 'P': shift_line(vt, (u32)n, true); vt->wrap = false; break;
	case '@': shift_line(vt, (u32)n, false); vt->wrap = false; break;
	case 's': vt->saved_col = vt->col, vt->saved_row = vt->row; break;
	case 'u': go_to(vt, vt->saved_col, vt->saved_row); break;
	default: break; /* m (colours), n (reports), r, h, l...: swallowed */
	}
}

static void csi_byte(struct vt *vt, u8 c)
{
	if (c >= '0' && c <= '9') {
		vt->par[vt->npar] = MIN(vt->par[vt->npar] * 10 + (c - '0'), (u32)PAR_MAX);
	} else if (c == ';') {
		vt->npar = MIN(vt->npar + 1, (u32)VT_NPAR - 1);
		vt->par[vt->npar] = 0;
	} else if (c == '?' || c == '>' || c == '=') {
		vt->private_mode = true;
	} else if (c >= 0x40 && c <= 0x7e) {
		vt->state = ST_NORMAL;
		if (!vt->private_mode)
			csi(vt, c);
	} /* intermediate bytes 0x20..0x2f: no sequence here uses them */
}

static void esc(struct vt *vt, u8 c)
{
	vt->state = ST_NORMAL;
	switch (c) {
	case '[':
		vt->state = ST_CSI;
		vt->npar = vt->par[0] = 0;
		vt->private_mode = false;
		break;
	case '(': /* G0/G1 character set: one more byte names it */
	case ')':
		vt->state = ST_CHARSET;
		break;
	case '7':
		vt->saved_col = vt->col, vt->saved_row = vt->row;
		break;
	case '8':
		go_to(vt, vt->saved_col, vt->saved_row);
		break;
	case 'c': /* reset: a blank screen, the cursor home */
		go_to(vt, 0, 0);
		erase_display(vt, 2);
		break;
	case 'D':
		line_feed(vt);
		break;
	case 'E':
		go_to(vt, 0, vt->row);
		line_feed(vt);
		break;
	}
}

/* UTF-8: the font has ASCII only (kernel/drivers/font.h), so a character
 * of several bytes takes one cell with the replacement glyph, drawn at its
 * lead byte; its continuation bytes are swallowed. */
static void byte(struct vt *vt, u8 c)
{
	if (c < 0x20) {
		control(vt, c);
		return;
	}
	switch (vt->state) {
	case ST_ESC: esc(vt, c); return;
	case ST_CSI: csi_byte(vt, c); return;
	case ST_CHARSET: vt->state = ST_NORMAL; return;
	}
	if (c == 0x7f) /* DEL draws nothing */
		return;
	if (c >= 0x80 && c <= 0xbf && vt->utf8_left) {
		vt->utf8_left--;
		return;
	}
	vt->utf8_left = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
	glyph(vt, c);
}

void vt_write(struct vt *vt, const char *s, size_t n)
{
	vt_scrollback(vt, -(int)vt->back);
	for (size_t i = 0; i < n; i++)
		byte(vt, (u8)s[i]);
}
