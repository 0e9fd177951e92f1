/* kernel/drivers/ldisc.h — the terminal line discipline (Linux's n_tty):
 * termios, what typed bytes become (editing, echo, signal characters), what
 * a read takes, and what output becomes (OPOST). Pure functions over a
 * struct ldisc: no device, no process, so tests can feed it bytes; the
 * console tty (kernel/drivers/tty.c) owns the one instance and the
 * sessions, process groups and sleeping that go with it. */
#pragma once
#include "kernel/types.h"

/* Linux's kernel struct termios (include/uapi/asm-generic/termbits.h):
 * what TCGETS and TCSETS copy, 36 bytes. */
#define NCCS 19
struct termios {
	u32 c_iflag, c_oflag, c_cflag, c_lflag;
	u8 c_line;
	u8 c_cc[NCCS];
};

/* c_cc indices */
#define VINTR 0
#define VQUIT 1
#define VERASE 2
#define VKILL 3
#define VEOF 4
#define VTIME 5
#define VMIN 6
#define VSTART 8
#define VSTOP 9
#define VSUSP 10
#define VEOL 11
#define VREPRINT 12
#define VWERASE 14
#define VLNEXT 15
#define VEOL2 16

/* c_iflag */
#define ISTRIP 0040
#define INLCR 0100
#define IGNCR 0200
#define ICRNL 0400
#define IXON 02000
/* c_oflag */
#define OPOST 01
#define ONLCR 04
#define OCRNL 010
#define ONOCR 020
#define ONLRET 040
/* c_cflag */
#define B38400 0017
#define CS8 0060
#define CREAD 0200
#define HUPCL 02000
/* c_lflag */
#define ISIG 01
#define ICANON 02
#define ECHO 010
#define ECHOE 020
#define ECHOK 040
#define ECHONL 0100
#define NOFLSH 0200
#define TOSTOP 0400
#define ECHOCTL 01000
#define ECHOKE 04000
#define IEXTEN 0100000

#define LDISC_BUF 4096 /* N_TTY_BUF_SIZE: a power of two */

struct ldisc {
	struct termios tio;
	u8 buf[LDISC_BUF];          /* typed bytes not yet read, a ring */
	u8 eol[LDISC_BUF / 8];      /* bit i: buf[i] ends a line (canonical mode) */
	/* Free-running positions, taken modulo LDISC_BUF: read_tail <= canon_head
	 * <= read_head. Bytes before canon_head are complete lines; those after
	 * it, the line being edited. */
	size_t read_tail, canon_head, read_head;
	bool lnext;                 /* the last byte was VLNEXT: take the next one as is */
	u32 column;                 /* where the terminal's cursor is, as output moved it */
	u32 canon_column;           /* ... when the line being edited began */
	void (*out)(const char *s, size_t n); /* the device: output and echoes go here */
};

/* Linux's tty_std_termios, an empty buffer, output to out. */
void ldisc_init(struct ldisc *l, void (*out)(const char *s, size_t n));

/* One byte typed: edited, echoed, queued, as n_tty_receive_char does.
 * Returns the signal the terminal's foreground process group must get
 * (SIGINT, SIGQUIT, SIGTSTP with ISIG), or 0. */
int ldisc_receive(struct ldisc *l, u8 c);

/* Can a read take something now: a complete line (or an end of file) in
 * canonical mode, min bytes otherwise (Linux's input_available_p; min is
 * 1 for a read, VMIN for poll when VTIME is 0). */
bool ldisc_readable(const struct ldisc *l, size_t min);

/* Take up to n bytes into dst: in canonical mode up to the end of one line
 * (its newline included, an end-of-file mark left out), otherwise what is
 * there. Returns the count; *line_end says a line ended (so a 0 with it is
 * end of file). */
size_t ldisc_read(struct ldisc *l, char *dst, size_t n, bool *line_end);

/* FIONREAD: the bytes a read could take (end-of-file marks not counted). */
size_t ldisc_inq(const struct ldisc *l);

/* TCSETS: new settings; switching ICANON makes what was typed one line, or
 * plain bytes, as n_tty_set_termios does. */
void ldisc_set_termios(struct ldisc *l, const struct termios *t);

void ldisc_flush_input(struct ldisc *l); /* TCIFLUSH, TCSETSF, a signal character */

/* Output: with OPOST, ONLCR makes \n \r\n, OCRNL \r \n, ONOCR drops \r at
 * column 0, ONLRET makes \n return the carriage; then to l->out. */
void ldisc_write(struct ldisc *l, const char *s, size_t n);
