/* kernel/printk.c — the kernel's printf: vsnprintf with the formats the kernel
 * uses (%s %c %d %i %u %x %X %p and the l, ll, z modifiers, width, '-' and '0'
 * flags) and printk, which hands whole lines to the consoles. */
#include "kernel/printk.h"
#include "kernel/drivers/console.h"
#include "kernel/string.h"

bool printk_quiet, printk_verbose;

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

/* Emit s (n bytes) in a field of 'width', right-aligned unless 'left'. */
static void field(struct out *o, const char *s, int n, int width, bool left, char padc)
{
	if (!left)
		pad(o, padc, width - n);
	for (int i = 0; i < n; i++)
		put(o, s[i]);
	if (left)
		pad(o, ' ', width - n);
}

static int utoa(char *end, u64 v, unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;
	do {
		*--end = digits[v % base];
		v /= base;
		n++;
	} while (v);
	return n;
}

static void number(struct out *o, u64 v, bool neg, unsigned base, bool upper, int width, bool left,
		   bool zero)
{
	char tmp[24];
	int n = utoa(tmp + sizeof(tmp), v, base, upper);
	char *s = tmp + sizeof(tmp) - n;
	if (neg) {
		if (zero) {
			put(o, '-');
			width--;
		} else {
			*--s = '-';
			n++;
		}
	}
	field(o, s, n, width, left, zero && !left ? '0' : ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		bool left = false, zero = false;
		int width = 0, lng = 0;
		for (fmt++; *fmt == '-' || *fmt == '0'; fmt++)
			*fmt == '-' ? (left = true) : (zero = true);
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (*fmt - '0');
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			lng++;
		switch (*fmt) {
		case 'd':
		case 'i': {
			i64 v = lng ? va_arg(ap, i64) : va_arg(ap, int);
			number(&o, v < 0 ? -(u64)v : (u64)v, v < 0, 10, false, width, left, zero);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			u64 v = lng ? va_arg(ap, u64) : va_arg(ap, unsigned);
			number(&o, v, false, *fmt == 'u' ? 10 : 16, *fmt == 'X', width, left, zero);
			break;
		}
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			number(&o, (u64)va_arg(ap, void *), false, 16, false, width ? width : 16, left, true);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);
			field(&o, &c, 1, width, left, ' ');
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			field(&o, s, (int)strlen(s), width, left, ' ');
			break;
		}
		case '%':
			put(&o, '%');
			break;
		default: /* unknown conversion: show it rather than guess */
			put(&o, '%');
			if (!*fmt)
				fmt--;
			else
				put(&o, *fmt);
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void vprintk_to(unsigned where, const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	console_write_to(buf, MIN((size_t)n, sizeof(buf) - 1), where);
}

#define PRINTK_TO(where, fmt)                    \
	do {                                     \
		va_list ap;                      \
		va_start(ap, fmt);               \
		vprintk_to(where, fmt, ap);      \
		va_end(ap);                      \
	} while (0)

void printk(const char *fmt, ...)
{
	PRINTK_TO(CONSOLE_SERIAL | CONSOLE_SCREEN, fmt);
}

void printk_log(const char *fmt, ...)
{
	PRINTK_TO(CONSOLE_SERIAL | (printk_verbose ? CONSOLE_SCREEN : 0), fmt);
}

void printk_screen(const char *fmt, ...)
{
	PRINTK_TO(CONSOLE_SCREEN, fmt);
}
