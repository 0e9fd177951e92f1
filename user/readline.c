/* user/readline.c — reads lines and says each one back: the program the
 * keyboard test (tests/run, KEYBOARD) types into through QEMU's sendkey
 * until the shell takes its place.
 *
 *   readline -     announces itself, then reads standard input a line at a
 *                  time, printing "read: LINE", until end of file or "exit"
 *   readline       checks itself (TAP): lines written into a pipe come back
 *
 * Bytes are read one at a time, so nothing past the newline is taken from
 * the terminal: what the line discipline hands out is exactly one line. */
#include "tap.h"
#include <unistd.h>

#define READY "readline: type a line"

/* One line from fd into buf, without its newline; -1 at end of file
 * with nothing read. */
static int read_line(int fd, char *buf, size_t size)
{
	size_t len = 0;
	char c = 0;
	while (read(fd, &c, 1) == 1 && c != '\n')
		if (len + 1 < size)
			buf[len++] = c;
	buf[len] = '\0';
	return len || c == '\n' ? (int)len : -1;
}

static void echo_lines(int in, int out, bool announce)
{
	char line[256];
	for (;;) {
		if (announce)
			dprintf(out, "%s\n", READY);
		if (read_line(in, line, sizeof(line)) < 0)
			return;
		dprintf(out, "read: %s\n", line);
		if (strcmp(line, "exit") == 0)
			return;
	}
}

int main(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		echo_lines(0, 1, true);
		return 0;
	}
	int in[2], out[2];
	char got[128] = "";
	tap_ok(pipe(in) == 0 && pipe(out) == 0, "two pipes");
	const char typed[] = "hello world\n\nlast line, no newline";
	tap_ok(write(in[1], typed, sizeof(typed) - 1) == sizeof(typed) - 1, "lines written");
	close(in[1]);
	echo_lines(in[0], out[1], false);
	close(out[1]);
	ssize_t n = read(out[0], got, sizeof(got) - 1);
	tap_ok(n > 0 && strcmp(got, "read: hello world\nread: \nread: last line, no newline\n") == 0,
	       "each line comes back once, the empty one too");
	return done_testing();
}
