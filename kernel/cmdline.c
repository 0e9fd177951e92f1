/* kernel/cmdline.c — splits GRUB's command line once, in place, into words,
 * and answers flag queries from them. */
#include "kernel/cmdline.h"
#include "kernel/string.h"

#define MAX_WORDS 64

static char buf[512];
static const char *words[MAX_WORDS];
static int nwords, ninit = -1; /* ninit: index of the first word after `--` */

void cmdline_init(const char *line)
{
	size_t n = strnlen(line, sizeof(buf) - 1);
	memcpy(buf, line, n);
	buf[n] = '\0';
	for (char *p = buf; *p;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		char *w = p;
		while (*p && *p != ' ')
			p++;
		if (*p)
			*p++ = '\0';
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

int cmdline_init_args(const char **argv, int max)
{
	int n = 0;
	for (int i = ninit < 0 ? nwords : ninit; i < nwords && n < max; i++)
		argv[n++] = words[i];
	return n;
}
