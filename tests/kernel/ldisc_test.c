/* tests/kernel/ldisc_test.c — the line discipline (kernel/drivers/ldisc.c)
 * fed typed bytes by hand: what is echoed, what a read takes, which signal
 * a key sends, for the settings Linux's n_tty starts with and for the raw
 * mode busybox's line editing uses. The expected echoes are what Linux
 * writes to a pseudo-terminal's master for the same keys. */
#include "kernel/drivers/ldisc.h"
#include "kernel/ktest.h"
#include "kernel/signal.h"
#include "kernel/string.h"

static char echoed[256];
static size_t echo_len;

static void sink(const char *s, size_t n)
{
	for (size_t i = 0; i < n && echo_len < sizeof(echoed); i++)
		echoed[echo_len++] = s[i];
}

static struct ldisc ld;

static void fresh(void)
{
	ldisc_init(&ld, sink);
	echo_len = 0;
}

/* Types s; the last nonzero signal a byte asked for. */
static int type(const char *s)
{
	int sig = 0;
	for (; *s; s++) {
		int got = ldisc_receive(&ld, (u8)*s);
		sig = got ? got : sig;
	}
	return sig;
}

static bool echo_is(const char *want)
{
	bool ok = echo_len == strlen(want) && memcmp(echoed, want, echo_len) == 0;
	echo_len = 0;
	return ok;
}

/* One read of up to n bytes gives exactly want (and a line end, or not). */
static bool reads(size_t n, const char *want, bool want_end)
{
	char buf[64];
	bool end;
	size_t got = ldisc_read(&ld, buf, n, &end);
	return got == strlen(want) && memcmp(buf, want, got) == 0 && end == want_end;
}

KTEST(ldisc_defaults_are_linux_std_termios)
{
	fresh();
	KEXPECT_EQ(sizeof(struct termios), 36);
	KEXPECT_EQ(ld.tio.c_iflag, 0x500);   /* ICRNL | IXON */
	KEXPECT_EQ(ld.tio.c_oflag, 0x5);     /* OPOST | ONLCR */
	KEXPECT_EQ(ld.tio.c_cflag, 0x4bf);   /* B38400 | CS8 | CREAD | HUPCL */
	KEXPECT_EQ(ld.tio.c_lflag, 0x8a3b);  /* ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN */
	/* INTR QUIT ERASE KILL EOF TIME MIN SWTC START STOP SUSP EOL REPRINT
	 * DISCARD WERASE LNEXT EOL2, then two unused: all NCCS bytes compared
	 * (a string literal would be one byte short, its NUL the 18th). */
	static const u8 cc[NCCS] = { 003, 034, 0177, 025, 004, 0, 1, 0, 021, 023, 032, 0, 022, 017, 027, 026 };
	KEXPECT(memcmp(ld.tio.c_cc, cc, NCCS) == 0);
}

KTEST(ldisc_canonical_line_waits_for_enter)
{
	fresh();
	type("ls -l");
	KEXPECT(echo_is("ls -l"));
	KEXPECT(!ldisc_readable(&ld, 1));
	type("\r"); /* ICRNL; the newline is echoed as \r\n (ONLCR) */
	KEXPECT(echo_is("\r\n"));
	KEXPECT(ldisc_readable(&ld, 1));
	KEXPECT_EQ(ldisc_inq(&ld), 6);
	KEXPECT(reads(3, "ls ", false)); /* a short read takes part of the line */
	KEXPECT(reads(64, "-l\n", true));
	KEXPECT(!ldisc_readable(&ld, 1));
}

KTEST(ldisc_one_line_per_read)
{
	fresh();
	type("a\nb\n");
	KEXPECT(reads(64, "a\n", true));
	KEXPECT(reads(64, "b\n", true));
}

KTEST(ldisc_erase_kill_werase)
{
	fresh();
	type("abc\177"); /* DEL erases with ECHOE: backspace, space, backspace */
	KEXPECT(echo_is("abc\b \b"));
	type("\001\177"); /* a control byte echoed as ^A takes two columns back */
	KEXPECT(echo_is("^A\b \b\b \b"));
	type("echo foo.bar\027"); /* ^W: the word and nothing before it */
	KEXPECT(echo_is("echo foo.bar\b \b\b \b\b \b"));
	type("\025"); /* ^U: the whole line, erased one byte at a time (ECHOKE) */
	KEXPECT_EQ(echo_len, strlen("abecho foo.") * 3);
	echo_len = 0;
	type("x\n");
	KEXPECT(echo_is("x\r\n"));
	KEXPECT(reads(64, "x\n", true));
	type("\177"); /* nothing to erase: nothing echoed */
	KEXPECT(echo_is(""));
}

KTEST(ldisc_erase_tab_backs_up_to_its_column)
{
	fresh();
	type("ab\t\177");
	KEXPECT(echo_is("ab\t\b\b\b\b\b\b"));
}

KTEST(ldisc_eof)
{
	fresh();
	type("\004"); /* ^D on an empty line: a read of 0, end of file */
	KEXPECT(echo_is(""));
	KEXPECT(ldisc_readable(&ld, 1));
	KEXPECT_EQ(ldisc_inq(&ld), 0);
	KEXPECT(reads(64, "", true));
	type("abc\004"); /* mid-line: the line goes without a newline */
	KEXPECT(reads(64, "abc", true));
	KEXPECT(!ldisc_readable(&ld, 1));
}

KTEST(ldisc_signal_characters)
{
	fresh();
	type("half a line");
	echo_len = 0;
	KEXPECT_EQ(type("\003"), SIGINT);
	KEXPECT(echo_is("^C"));
	type("\n"); /* the half line was flushed (no NOFLSH) */
	KEXPECT(reads(64, "\n", true));
	echo_len = 0;
	KEXPECT_EQ(type("\034"), SIGQUIT);
	KEXPECT_EQ(type("\032"), SIGTSTP);
	KEXPECT(echo_is("^\\^Z"));
	ld.tio.c_lflag &= ~(u32)ISIG;
	KEXPECT_EQ(type("\003\n"), 0);
	KEXPECT(reads(64, "\003\n", true));
}

KTEST(ldisc_lnext_takes_the_next_byte_as_is)
{
	fresh();
	type("\026\003\n"); /* ^V ^C: a literal 0x03, no signal */
	KEXPECT(echo_is("^\b^C\r\n"));
	KEXPECT(reads(64, "\003\n", true));
}

KTEST(ldisc_no_echo)
{
	fresh();
	ld.tio.c_lflag &= ~(u32)ECHO;
	type("secret\177\n");
	KEXPECT(echo_is(""));
	KEXPECT(reads(64, "secre\n", true));
	ld.tio.c_lflag |= ECHONL; /* the newline alone is echoed */
	type("x\n");
	KEXPECT(echo_is("\r\n"));
}

/* busybox's line editing: no ICANON, no ECHO, VMIN 1 VTIME 0, VINTR off. */
KTEST(ldisc_raw_mode_bytes_pass_at_once)
{
	fresh();
	struct termios t = ld.tio;
	t.c_lflag &= ~(u32)(ICANON | ECHO | ECHONL);
	t.c_cc[VINTR] = 0;
	type("ab"); /* typed in canonical mode: one line once ICANON goes */
	ldisc_set_termios(&ld, &t);
	KEXPECT(reads(64, "ab", false));
	echo_len = 0;
	KEXPECT_EQ(type("\003\033[A\177\r"), 0); /* VINTR disabled: ^C is a byte */
	KEXPECT(echo_is(""));
	KEXPECT(ldisc_readable(&ld, 6));
	KEXPECT(reads(2, "\003\033", false));
	KEXPECT_EQ(ldisc_inq(&ld), 4);
	KEXPECT(reads(64, "[A\177\n", false));
	t.c_lflag |= ICANON; /* back to canonical: a half-typed line stays a line being edited */
	ldisc_set_termios(&ld, &t);
	type("x");
	KEXPECT(!ldisc_readable(&ld, 1));
}

KTEST(ldisc_output_processing)
{
	fresh();
	ldisc_write(&ld, "a\nb\tc\n", 6);
	KEXPECT(echo_is("a\r\nb\tc\r\n"));
	KEXPECT_EQ(ld.column, 0);
	ldisc_write(&ld, "abc", 3);
	KEXPECT_EQ(ld.column, 3);
	ld.tio.c_oflag &= ~(u32)OPOST; /* raw output: \n as it is */
	ldisc_write(&ld, "x\n", 2);
	KEXPECT(echo_is("abcx\n"));
	ld.tio.c_oflag = OPOST | OCRNL;
	ldisc_write(&ld, "\r", 1);
	KEXPECT(echo_is("\n"));
}

KTEST(ldisc_full_buffer_still_ends_the_line)
{
	fresh();
	ld.tio.c_lflag &= ~(u32)ECHO;
	for (int i = 0; i < LDISC_BUF + 10; i++)
		ldisc_receive(&ld, 'x');
	KEXPECT_EQ(ld.read_head - ld.read_tail, LDISC_BUF - 1);
	ldisc_receive(&ld, '\n');
	KEXPECT(ldisc_readable(&ld, 1));
	KEXPECT_EQ(ldisc_inq(&ld), LDISC_BUF);
}
