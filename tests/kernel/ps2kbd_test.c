/* tests/kernel/ps2kbd_test.c — the keyboard's translation (kbd_translate in
 * kernel/drivers/ps2kbd.c) from scan code set 1 to the bytes a terminal
 * sends, fed scan codes by hand: no key needs pressing. */
#include "kernel/drivers/ps2kbd.h"
#include "kernel/ktest.h"
#include "kernel/string.h"

/* Feeds codes[0..n) from state st and checks that together they sent want. */
static bool sends(struct kbd_state *st, const u8 *codes, size_t n, const char *want)
{
	char got[32];
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		len += (size_t)kbd_translate(st, codes[i], got + len);
	return len == strlen(want) && memcmp(got, want, len) == 0;
}

#define SENDS(want, ...)                                                         \
	({                                                                       \
		static const u8 c_[] = { __VA_ARGS__ };                          \
		sends(&st, c_, sizeof(c_), want);                                \
	})

KTEST(ps2kbd_letters_digits_and_shift)
{
	struct kbd_state st = { 0 };
	KEXPECT(SENDS("hi 1", 0x23, 0xa3, 0x17, 0x97, 0x39, 0xb9, 0x02, 0x82));
	/* left shift held over h, released before i; right shift for the ! */
	KEXPECT(SENDS("Hi!", 0x2a, 0x23, 0xa3, 0xaa, 0x17, 0x97, 0x36, 0x02, 0x82, 0xb6));
	KEXPECT_EQ(st.mods, 0);
	KEXPECT(SENDS("_:?", 0x2a, 0x0c, 0x27, 0x35, 0xaa));
}

KTEST(ps2kbd_release_sends_nothing)
{
	struct kbd_state st = { 0 };
	KEXPECT(SENDS("", 0x9e, 0x9c, 0x8e, 0xb9)); /* a, enter, backspace, space released */
	KEXPECT(SENDS("a", 0x1e, 0x9e));
}

KTEST(ps2kbd_caps_lock_letters_only)
{
	struct kbd_state st = { 0 };
	KEXPECT(SENDS("A1", 0x3a, 0xba, 0x1e, 0x9e, 0x02, 0x82));
	KEXPECT(st.caps);
	KEXPECT(SENDS("a!", 0x2a, 0x1e, 0x02, 0xaa)); /* shift undoes caps for letters only */
	KEXPECT(SENDS("a", 0x3a, 0xba, 0x1e)); /* pressed again: off */
	KEXPECT(!st.caps);
}

/* As serial's ^C: the byte 0x03, which the line discipline makes SIGINT. */
KTEST(ps2kbd_ctrl_makes_control_codes)
{
	struct kbd_state st = { 0 };
	KEXPECT(SENDS("\x03", 0x1d, 0x2e, 0xae, 0x9d));
	KEXPECT(SENDS("c", 0x2e, 0xae)); /* ctrl released */
	KEXPECT(SENDS("\x04\x15", 0xe0, 0x1d, 0x20, 0x16, 0xe0, 0x9d)); /* right ctrl: ^D ^U */
	KEXPECT(SENDS("\x03", 0x1d, 0x3a, 0x2e, 0xae, 0x3a, 0x9d)); /* with caps lock too */
	KEXPECT(SENDS("\x03", 0x1d, 0xe0, 0x1d, 0xe0, 0x9d, 0x2e, 0x9d)); /* left still held */
	KEXPECT_EQ(st.mods, 0);
}

KTEST(ps2kbd_arrows_send_escape_sequences)
{
	struct kbd_state st = { 0 };
	KEXPECT(SENDS("\x1b[A\x1b[B\x1b[C\x1b[D", 0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0x50, 0xe0, 0xd0,
		      0xe0, 0x4d, 0xe0, 0xcd, 0xe0, 0x4b, 0xe0, 0xcb));
	/* keypad 8 is 0x48 without the prefix: no character, not an arrow */
	KEXPECT(SENDS("", 0x48, 0xc8));
	/* the fake shift around an extended key is not a shift */
	KEXPECT(SENDS("\x1b[Aa", 0xe0, 0x2a, 0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0xaa, 0x1e));
}

/* What the line discipline (kernel/fs/dev.c, con_input) erases with and ends
 * a line on: DEL, as the Linux console's backspace sends, and CR (ICRNL). */
KTEST(ps2kbd_backspace_enter_escape_tab)
{
	struct kbd_state st = { 0 };
	KEXPECT(SENDS("\x7f\r\r\x1b\t", 0x0e, 0x8e, 0x1c, 0x9c, 0xe0, 0x1c, 0xe0, 0x9c, 0x01, 0x0f));
}

/* PgUp and PgDn send what the Linux console sends; with shift they scroll
 * the screen's history instead and send nothing. */
KTEST(ps2kbd_page_keys_and_shift_scrolls)
{
	struct kbd_state st = { 0 };
	KEXPECT(SENDS("\x1b[5~\x1b[6~", 0xe0, 0x49, 0xe0, 0xc9, 0xe0, 0x51, 0xe0, 0xd1));
	KEXPECT_EQ(st.action, KBD_NO_ACTION);
	KEXPECT(SENDS("", 0x2a, 0xe0, 0x49));
	KEXPECT_EQ(st.action, KBD_SCROLL_BACK);
	KEXPECT(SENDS("", 0xe0, 0xc9, 0xe0, 0x51));
	KEXPECT_EQ(st.action, KBD_SCROLL_FORWARD);
	KEXPECT(SENDS("", 0xe0, 0xd1, 0xaa));
	KEXPECT_EQ(st.action, KBD_NO_ACTION);
	KEXPECT(SENDS("\x1b[3~\x1b[1~\x1b[4~", 0xe0, 0x53, 0xe0, 0x47, 0xe0, 0x4f));
}
