/* kernel/string.c — byte and string helpers for kernel memory only.
 * User memory is never touched here: that is the job of the uaccess primitives,
 * which can survive a fault. */
#include "kernel/string.h"

/* memcpy and memset move quadwords (rep movsq, rep stosq), then the 0..7
 * bytes left (rep movsb, rep stosb). A string instruction steps once per
 * element, so eight bytes a step is fewer steps than one: on CPUs without
 * fast byte strings (ERMS) and under QEMU's TCG that is faster. An
 * unaligned start is allowed: x86 string instructions take any address. */
void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t quads = n / 8, tail = n % 8;
	asm volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(quads) : : "memory");
	asm volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(tail) : : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;
	u64 pattern = (u8)c * 0x0101010101010101ul; /* the byte in all eight lanes */
	size_t quads = n / 8, tail = n % 8;
	asm volatile("rep stosq" : "+D"(d), "+c"(quads) : "a"(pattern) : "memory");
	asm volatile("rep stosb" : "+D"(d), "+c"(tail) : "a"(pattern) : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i] != b[i] || !a[i])
			return (unsigned char)a[i] - (unsigned char)b[i];
	}
	return 0;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, SIZE_MAX);
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

bool str_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}
