/* kernel/cmdline.c — splits GRUB's command line once, in place, into words,
 * and answers flag queries from them. */
#include "kernel/cmdline.h"
#include "kernel/string.h"

#define MAX_WORDS 64

static char buf[512];
static const char *words[MAX_WORDS];
static int nwords, ninit = -1; /* ninit: index of the first word after `--` */

/* Cut the next word out of p, in place: spaces separate words except inside
 * double quotes, and a backslash keeps the next character as it is (GRUB
 * passes `a "b c" it\'s` for the arguments a, b c and it's). */
static char *next_word(char **pp)
{
	char *p = *pp, *out;
	while (*p == ' ')
		p++;
	if (!*p)
		return NULL;
	char *word = out = p;
	for (bool quoted = false; *p && (quoted || *p != ' '); p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (*p == '\\' && p[1])
			*out++ = *++p;
		else
			*out++ = *p;
	}
	*pp = *p ? p + 1 : p;
	*out = '\0';
	return word;
}

void cmdline_init(const char *line)
{
	size_t n = strnlen(line, sizeof(buf) - 1);
	memcpy(buf, line, n);
	buf[n] = '\0';
	char *p = buf, *w;
	while ((w = next_word(&p)) != NULL) {
		if (ninit < 0 && strcmp(w, "--") == 0)
			ninit = nwords;
		else if (nwords < MAX_WORDS)
			words[nwords++] = w;
	}
}

const char *cmdline_get(const char *key)
{
	size_t k = strlen(key);
	int end = ninit < 0 ? nwords : ninit;
	for (int i = 0; i < end; i++) {
		if (strncmp(words[i], key, k) != 0)
			continue;
		if (words[i][k] == '\0')
			return "";
		if (words[i][k] == '=')
			return words[i] + k + 1;
	}
	return NULL;
}

bool cmdline_has(const char *key)
{
	return cmdline_get(key) != NULL;
}

u32 cmdline_number(const char *key, u32 otherwise)
{
	const char *v = cmdline_get(key);
	u32 n = 0;
	if (!v || !*v)
		return otherwise;
	for (; *v; v++) {
		if (*v < '0' || *v > '9' || n > 0xffffffffu / 10 - 1)
			return otherwise;
		n = n * 10 + (u32)(*v - '0');
	}
	return n;
}

int cmdline_init_args(const char **argv, int max)
{
	int n = 0;
	for (int i = ninit < 0 ? nwords : ninit; i < nwords && n < max; i++)
		argv[n++] = words[i];
	return n;
}
