/* kernel/drivers/ps2kbd.h — the PS/2 keyboard (i8042 port 0x60, IRQ 1): what a
 * key press becomes on the console's input, as the bytes a terminal sends. */
#pragma once
#include "kernel/types.h"

#define KBD_MAX_BYTES 4 /* the longest translation: PgUp's ESC [ 5 ~ */

/* What a key does to the screen rather than send (Shift+PgUp/PgDn). */
enum kbd_action { KBD_NO_ACTION, KBD_SCROLL_BACK, KBD_SCROLL_FORWARD };

/* What earlier scan codes left behind: the modifiers held, caps lock, and
 * whether the last byte was the 0xe0 prefix of an extended key. */
struct kbd_state {
	u8 mods; /* KBD_* bits of the modifier keys held down */
	bool caps;
	bool e0;
	u8 action; /* kbd_action of the last key translated */
};

/* Takes one scan-code-set-1 byte and the state the earlier ones left; updates
 * the state and writes the bytes the key sends into out (KBD_MAX_BYTES at
 * most). Returns how many: 0 for a release, a modifier, a prefix or a key
 * with no character, or one that acts on the screen instead: st->action
 * says which (KBD_NO_ACTION for every other key). Touches no hardware, so tests can feed it anything. */
int kbd_translate(struct kbd_state *st, u8 code, char *out);

void ps2kbd_init(void); /* unmasks IRQ 1 if an i8042 answers */
void ps2kbd_intr(void); /* IRQ 1: translates what the controller holds */
int ps2kbd_getc(void);  /* the next byte typed, or -1 when none is waiting */
