/* kernel/drivers/ldisc.c — the line discipline: what Linux's n_tty does
 * with the bytes a terminal sends and the bytes a program writes, where a
 * program can tell (kernel/drivers/ldisc.h has the interface).
 *
 * Input: ISTRIP, IGNCR/ICRNL/INLCR; IXON swallows ^S and ^Q; ISIG turns
 * ^C, ^\ and ^Z into signals for the foreground group (flushing the input
 * unless NOFLSH); in canonical mode (ICANON) ERASE, KILL, WERASE and
 * LNEXT edit the line being typed and a newline, EOL, EOL2 or EOF ends
 * it; echo (ECHO, ECHOCTL's ^X for control bytes, ECHOE's erasing
 * backspaces, ECHOK, ECHOKE, ECHONL). Output: OPOST's newline and carriage
 * return rules. A c_cc entry of 0 is _POSIX_VDISABLE: it matches no byte
 * (busybox turns VINTR off that way to read ^C itself).
 * Not done: ^S does not stop output, REPRINT (^R), parity, IUTF8 erasing,
 * tab expansion (XTABS). */
#include "kernel/drivers/ldisc.h"
#include "kernel/signal.h"
#include "kernel/string.h"

#define MASK(i) ((i) & (LDISC_BUF - 1))
#define TAB_WIDTH 8
#define EOF_MARK 0 /* what an end of file leaves in the buffer, flagged as a line end */

static bool lflag(const struct ldisc *l, u32 f) { return l->tio.c_lflag & f; }
static bool iscntrl(u8 c) { return c < 0x20 || c == 0x7f; }
static bool isalnum_(u8 c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_';
}

/* Is c the (enabled) special character cc[i]? */
static bool is(const struct ldisc *l, u8 c, int i) { return l->tio.c_cc[i] && c == l->tio.c_cc[i]; }

static const struct termios std_termios = {
	.c_iflag = ICRNL | IXON,
	.c_oflag = OPOST | ONLCR,
	.c_cflag = B38400 | CS8 | CREAD | HUPCL,
	.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
	.c_cc = { [VINTR] = 003, [VQUIT] = 034, [VERASE] = 0177, [VKILL] = 025, [VEOF] = 004,
		  [VMIN] = 1, [VSTART] = 021, [VSTOP] = 023, [VSUSP] = 032, [VREPRINT] = 022,
		  [13] = 017 /* VDISCARD */, [VWERASE] = 027, [VLNEXT] = 026 },
};

void ldisc_init(struct ldisc *l, void (*out)(const char *s, size_t n))
{
	memset(l, 0, sizeof(*l));
	l->tio = std_termios;
	l->out = out;
}

/* ---- output ---- */

/* Where the cursor goes after c; the bytes to send for c into seq. */
static size_t output_char(struct ldisc *l, u8 c, char *seq)
{
	const u32 o = l->tio.c_oflag;
	if (!(o & OPOST)) {
		seq[0] = (char)c;
		return 1;
	}
	switch (c) {
	case '\n':
		if (o & ONLRET)
			l->column = 0;
		if (o & ONLCR) {
			l->column = 0;
			seq[0] = '\r', seq[1] = '\n';
			return 2;
		}
		break;
	case '\r':
		if ((o & ONOCR) && l->column == 0)
			return 0;
		if (o & OCRNL) {
			c = '\n';
			if (o & ONLRET)
				l->column = 0;
			break;
		}
		l->column = 0;
		break;
	case '\t':
		l->column = (l->column / TAB_WIDTH + 1) * TAB_WIDTH;
		break;
	case '\b':
		if (l->column)
			l->column--;
		break;
	default:
		if (!iscntrl(c) && (c & 0xc0) != 0x80) /* a UTF-8 continuation takes no column */
			l->column++;
	}
	seq[0] = (char)c;
	return 1;
}

void ldisc_write(struct ldisc *l, const char *s, size_t n)
{
	char chunk[256];
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		len += output_char(l, (u8)s[i], chunk + len);
		if (len >= sizeof(chunk) - 2) {
			l->out(chunk, len);
			len = 0;
		}
	}
	if (len)
		l->out(chunk, len);
}

static void echo_raw(struct ldisc *l, const char *s)
{
	ldisc_write(l, s, strlen(s));
}

/* echo_char: a control byte (not a tab) as ^X under ECHOCTL, DEL as ^?. */
static void echo_char(struct ldisc *l, u8 c)
{
	char s[3] = { (char)c };
	if (lflag(l, ECHOCTL) && iscntrl(c) && c != '\t')
		s[0] = '^', s[1] = (char)(c ^ 0100);
	echo_raw(l, s);
}

/* ---- input ---- */

static size_t count(const struct ldisc *l) { return l->read_head - l->read_tail; }
static bool flagged(const struct ldisc *l, size_t i) { return l->eol[MASK(i) / 8] & (1u << (MASK(i) % 8)); }

static void put(struct ldisc *l, u8 c, bool line_end)
{
	size_t i = MASK(l->read_head++);
	l->buf[i] = c;
	if (line_end)
		l->eol[i / 8] |= (u8)(1u << (i % 8));
	else
		l->eol[i / 8] &= (u8)~(1u << (i % 8));
}

/* The width the line's bytes from canon_head up to 'end' took on screen. */
static u32 line_width(const struct ldisc *l, size_t end)
{
	u32 col = l->canon_column;
	for (size_t i = l->canon_head; i != end; i++) {
		u8 c = l->buf[MASK(i)];
		if (c == '\t')
			col = (col / TAB_WIDTH + 1) * TAB_WIDTH;
		else if (iscntrl(c))
			col += lflag(l, ECHOCTL) ? 2 : 0;
		else
			col++;
	}
	return col;
}

/* Take the last byte of the line off the screen, as echo_erase does. */
static void echo_erase(struct ldisc *l, u8 c, size_t head)
{
	if (c == '\t') {
		for (u32 n = line_width(l, head + 1) - line_width(l, head); n; n--)
			echo_raw(l, "\b");
	} else if (!iscntrl(c)) {
		echo_raw(l, "\b \b");
	} else if (lflag(l, ECHOCTL)) {
		echo_raw(l, "\b \b\b \b");
	}
}

/* ERASE, WERASE or KILL on the line being typed (Linux's eraser). WERASE
 * takes the trailing non-word bytes, then the word before them. */
static void erase(struct ldisc *l, u8 c)
{
	if (l->read_head == l->canon_head)
		return;
	bool kill = !is(l, c, VERASE) && !is(l, c, VWERASE);
	if (kill && !lflag(l, ECHO)) {
		l->read_head = l->canon_head;
		return;
	}
	if (kill && !(lflag(l, ECHOK) && lflag(l, ECHOKE) && lflag(l, ECHOE))) {
		l->read_head = l->canon_head;
		echo_char(l, c);
		if (lflag(l, ECHOK))
			echo_raw(l, "\n");
		return;
	}
	bool seen_word = false;
	while (l->read_head != l->canon_head) {
		size_t head = l->read_head - 1;
		u8 b = l->buf[MASK(head)];
		if (is(l, c, VWERASE)) {
			if (isalnum_(b))
				seen_word = true;
			else if (seen_word)
				break;
		}
		l->read_head = head;
		if (lflag(l, ECHO)) {
			if (is(l, c, VERASE) && !lflag(l, ECHOE))
				echo_char(l, c);
			else
				echo_erase(l, b, head);
		}
		if (is(l, c, VERASE))
			break;
	}
}

/* A byte that ends the line: a newline, EOL, EOL2, or EOF's mark. */
static void end_line(struct ldisc *l, u8 c)
{
	put(l, c, true);
	l->canon_head = l->read_head;
}

/* An ordinary byte: echoed and queued. The line's first byte notes the
 * column it starts at, for erasing tabs later. */
static void ordinary(struct ldisc *l, u8 c)
{
	if (lflag(l, ECHO)) {
		if (c == '\n') {
			echo_raw(l, "\n");
		} else {
			if (l->canon_head == l->read_head)
				l->canon_column = l->column;
			echo_char(l, c);
		}
	}
	put(l, c, false);
}

/* ISIG's characters: the input goes (unless NOFLSH), the character is echoed. */
static int signal_char(struct ldisc *l, u8 c, int sig)
{
	if (!lflag(l, NOFLSH))
		ldisc_flush_input(l);
	if (lflag(l, ECHO))
		echo_char(l, c);
	return sig;
}

/* The canonical mode's editing and line ends; false: c is ordinary. */
static bool canonical(struct ldisc *l, u8 c)
{
	if (is(l, c, VERASE) || is(l, c, VKILL) || (is(l, c, VWERASE) && lflag(l, IEXTEN))) {
		erase(l, c);
		return true;
	}
	if (is(l, c, VLNEXT) && lflag(l, IEXTEN)) {
		l->lnext = true;
		if (lflag(l, ECHO) && lflag(l, ECHOCTL))
			echo_raw(l, "^\b");
		return true;
	}
	if (c == '\n') {
		if (lflag(l, ECHO) || lflag(l, ECHONL))
			echo_raw(l, "\n");
		end_line(l, c);
		return true;
	}
	if (is(l, c, VEOF)) {
		end_line(l, EOF_MARK);
		return true;
	}
	if (is(l, c, VEOL) || (is(l, c, VEOL2) && lflag(l, IEXTEN))) {
		if (lflag(l, ECHO)) {
			if (l->canon_head == l->read_head)
				l->canon_column = l->column;
			echo_char(l, c);
		}
		end_line(l, c);
		return true;
	}
	return false;
}

/* Is there room for c? A full buffer in canonical mode still takes what
 * ends the line, so the line can be read and the buffer empty again. */
static bool room(const struct ldisc *l, u8 c)
{
	if (count(l) < LDISC_BUF - 1)
		return true;
	return count(l) < LDISC_BUF && lflag(l, ICANON) &&
	       (c == '\n' || is(l, c, VEOF) || is(l, c, VEOL) || is(l, c, VEOL2));
}

int ldisc_receive(struct ldisc *l, u8 c)
{
	if (l->tio.c_iflag & ISTRIP)
		c &= 0x7f;
	if (l->lnext) {
		l->lnext = false; /* its echo overwrites the ^ that LNEXT left */
		if (room(l, 'x'))
			ordinary(l, c);
		return 0;
	}
	if ((l->tio.c_iflag & IXON) && (is(l, c, VSTART) || is(l, c, VSTOP)))
		return 0;
	if (lflag(l, ISIG)) {
		if (is(l, c, VINTR))
			return signal_char(l, c, SIGINT);
		if (is(l, c, VQUIT))
			return signal_char(l, c, SIGQUIT);
		if (is(l, c, VSUSP))
			return signal_char(l, c, SIGTSTP);
	}
	if (c == '\r') {
		if (l->tio.c_iflag & IGNCR)
			return 0;
		if (l->tio.c_iflag & ICRNL)
			c = '\n';
	} else if (c == '\n' && (l->tio.c_iflag & INLCR)) {
		c = '\r';
	}
	if (!room(l, c))
		return 0;
	if (!lflag(l, ICANON) || !canonical(l, c))
		ordinary(l, c);
	return 0;
}

/* ---- reading ---- */

bool ldisc_readable(const struct ldisc *l, size_t min)
{
	if (lflag(l, ICANON))
		return l->canon_head != l->read_tail;
	return count(l) >= (min ? min : 1);
}

size_t ldisc_read(struct ldisc *l, char *dst, size_t n, bool *line_end)
{
	size_t got = 0;
	*line_end = false;
	if (!lflag(l, ICANON)) {
		for (; got < n && l->read_tail != l->read_head; got++)
			dst[got] = (char)l->buf[MASK(l->read_tail++)];
		return got;
	}
	while (got < n && l->read_tail != l->canon_head) {
		size_t i = l->read_tail++;
		u8 c = l->buf[MASK(i)];
		if (flagged(l, i)) {
			*line_end = true;
			if (c != EOF_MARK)
				dst[got++] = (char)c;
			break;
		}
		dst[got++] = (char)c;
	}
	return got;
}

size_t ldisc_inq(const struct ldisc *l)
{
	if (!lflag(l, ICANON))
		return count(l);
	size_t n = 0;
	for (size_t i = l->read_tail; i != l->canon_head; i++)
		n += !(flagged(l, i) && l->buf[MASK(i)] == EOF_MARK);
	return n;
}

void ldisc_set_termios(struct ldisc *l, const struct termios *t)
{
	bool was_canon = lflag(l, ICANON);
	l->tio = *t;
	if (was_canon == lflag(l, ICANON))
		return;
	memset(l->eol, 0, sizeof(l->eol));
	l->lnext = false;
	if (lflag(l, ICANON) && count(l)) {
		size_t last = MASK(l->read_head - 1);
		l->eol[last / 8] |= (u8)(1u << (last % 8)); /* what was typed is one line */
		l->canon_head = l->read_head;
	} else {
		l->canon_head = l->read_tail;
	}
}

void ldisc_flush_input(struct ldisc *l)
{
	l->read_tail = l->canon_head = l->read_head;
	l->lnext = false;
}
