/* kernel/drivers/ps2kbd.c — the PS/2 keyboard, so a machine without a serial
 * cable (or a QEMU window) can type into /dev/console. It owns the i8042's
 * keyboard port and turns scan code set 1 (what the controller hands out
 * when it translates, as firmware leaves it) into the bytes a terminal
 * would send: ASCII with shift, caps lock and ctrl applied, DEL for
 * backspace, CR for enter, ESC [ A..D for the arrows, ESC [ 5 ~ and 6 ~
 * for PgUp and PgDn; Shift+PgUp/PgDn scroll the screen's history and send
 * nothing, as on the Linux console. The line discipline
 * in kernel/fs/dev.c reads those bytes exactly as it reads the UART's, so
 * ^C and erase behave the same on both. USB keyboards arrive here too where
 * the firmware emulates an i8042 for them (BIOS "legacy USB support").
 *
 * The interrupt handler only queues bytes: the line discipline echoes and
 * sends signals, which needs a process context, so it takes them from the
 * queue (console_getc) when a reader polls, as it does the UART. */
#include "kernel/drivers/ps2kbd.h"
#include "arch/pic.h"
#include "arch/x86.h"
#include "kernel/drivers/screen.h"
#include "kernel/string.h"

#define KBD_DATA 0x60
#define KBD_STATUS 0x64
#define STATUS_FULL 0x01 /* a byte waits in port 0x60 */
#define STATUS_AUX 0x20  /* ...and it is the mouse's, not the keyboard's */
#define KBD_IRQ 1

#define RELEASE 0x80 /* set 1: a break code is the make code with bit 7 set */
#define PREFIX_E0 0xe0
#define CAPS_LOCK 0x3a

enum { KBD_LSHIFT = 1, KBD_RSHIFT = 2, KBD_LCTRL = 4, KBD_RCTRL = 8 };
#define KBD_SHIFT (KBD_LSHIFT | KBD_RSHIFT)
#define KBD_CTRL (KBD_LCTRL | KBD_RCTRL)

/* Set 1 make codes 0x00..0x39 of a US layout, unshifted and shifted; 0 is
 * no character (escape is 0x1b itself). */
static const char plain[] = "\0\x1b" "1234567890-=\x7f\tqwertyuiop[]\r\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 ";
static const char shifted[] = "\0\x1b" "!@#$%^&*()_+\x7f\tQWERTYUIOP{}\r\0ASDFGHJKL:\"~\0|ZXCVBNM<>?\0*\0 ";
_Static_assert(sizeof(plain) == 0x3a + 1 && sizeof(shifted) == sizeof(plain), "0x00..0x39 and NUL");

/* The modifier keys; the right-hand ctrl is the left one's code after 0xe0.
 * The fake shifts some keyboards wrap around extended keys come after 0xe0
 * too, so they are not shifts. */
static const struct {
	u8 code;
	bool e0;
	u8 bit;
} modifiers[] = {
	{ 0x2a, false, KBD_LSHIFT },
	{ 0x36, false, KBD_RSHIFT },
	{ 0x1d, false, KBD_LCTRL },
	{ 0x1d, true, KBD_RCTRL },
};

/* The extended keys that send something: what an xterm or the Linux
 * console sends for the arrows (normal cursor mode) and the editing keys,
 * or the keypad's enter and slash. With shift, PgUp and PgDn scroll the
 * screen instead (screen_scrollback), as on the Linux console. */
static const struct {
	u8 code;
	const char *sends;
} extended[] = {
	{ 0x48, "\x1b[A" }, { 0x50, "\x1b[B" }, { 0x4d, "\x1b[C" }, { 0x4b, "\x1b[D" },
	{ 0x47, "\x1b[1~" }, { 0x52, "\x1b[2~" }, { 0x53, "\x1b[3~" }, { 0x4f, "\x1b[4~" },
	{ 0x49, "\x1b[5~" }, { 0x51, "\x1b[6~" }, { 0x1c, "\r" }, { 0x35, "/" },
};
#define PAGE_UP 0x49
#define PAGE_DOWN 0x51

static bool modifier(struct kbd_state *st, u8 key, bool e0, bool down)
{
	for (size_t i = 0; i < ARRAY_SIZE(modifiers); i++) {
		if (modifiers[i].code != key || modifiers[i].e0 != e0)
			continue;
		st->mods = down ? st->mods | modifiers[i].bit : st->mods & ~modifiers[i].bit;
		return true;
	}
	return false;
}

static int extended_key(struct kbd_state *st, u8 key, char *out)
{
	if ((st->mods & KBD_SHIFT) && (key == PAGE_UP || key == PAGE_DOWN)) {
		st->action = key == PAGE_UP ? KBD_SCROLL_BACK : KBD_SCROLL_FORWARD;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(extended); i++) {
		if (extended[i].code != key)
			continue;
		size_t n = strlen(extended[i].sends);
		memcpy(out, extended[i].sends, n);
		return (int)n;
	}
	return 0;
}

/* Caps lock swaps the case of letters only (as on the Linux console); ctrl
 * turns a letter into its control code, 0x01..0x1a, so ctrl-C is 0x03. */
static int plain_key(const struct kbd_state *st, u8 key, char *out)
{
	if (key >= sizeof(plain) - 1)
		return 0;
	char c = (st->mods & KBD_SHIFT) ? shifted[key] : plain[key];
	bool letter = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
	if (letter && st->caps)
		c ^= 0x20;
	if (letter && (st->mods & KBD_CTRL))
		c &= 0x1f;
	out[0] = c;
	return c != 0;
}

int kbd_translate(struct kbd_state *st, u8 code, char *out)
{
	if (code == PREFIX_E0) {
		st->e0 = true;
		return 0;
	}
	bool e0 = st->e0, down = !(code & RELEASE);
	u8 key = code & ~RELEASE;
	st->e0 = false;
	st->action = KBD_NO_ACTION;
	if (modifier(st, key, e0, down) || !down)
		return 0;
	if (e0)
		return extended_key(st, key, out);
	if (key == CAPS_LOCK) {
		st->caps = !st->caps;
		return 0;
	}
	return plain_key(st, key, out);
}

/* Bytes typed and not yet read. One CPU: the interrupt handler only moves
 * head, the reader only tail, so neither needs a lock. A full queue drops
 * keys, as a real one would. */
static struct {
	char buf[64];
	volatile u32 head, tail;
} typed;
static struct kbd_state state;

static void queue(const char *s, int n)
{
	for (int i = 0; i < n && typed.head - typed.tail < sizeof(typed.buf); i++) {
		typed.buf[typed.head % sizeof(typed.buf)] = s[i];
		typed.head++;
	}
}

int ps2kbd_getc(void)
{
	if (typed.tail == typed.head)
		return -1;
	char c = typed.buf[typed.tail % sizeof(typed.buf)];
	typed.tail++;
	return (unsigned char)c;
}

void ps2kbd_intr(void)
{
	for (int i = 0; i < 16; i++) { /* what is there now, bounded */
		u8 status = inb(KBD_STATUS);
		if (!(status & STATUS_FULL))
			return;
		u8 code = inb(KBD_DATA);
		if (status & STATUS_AUX)
			continue;
		char out[KBD_MAX_BYTES];
		queue(out, kbd_translate(&state, code, out));
		if (state.action != KBD_NO_ACTION)
			screen_scrollback(state.action == KBD_SCROLL_BACK ? 1 : -1);
	}
}

/* An absent controller reads as 0xff on every port. What the firmware left
 * in the output buffer (a key pressed during boot) is dropped, so the edge
 * of the next byte raises IRQ 1. */
void ps2kbd_init(void)
{
	if (inb(KBD_STATUS) == 0xff)
		return;
	for (int i = 0; i < 16 && (inb(KBD_STATUS) & STATUS_FULL); i++)
		inb(KBD_DATA);
	pic_unmask(KBD_IRQ);
}
