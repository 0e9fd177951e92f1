/* kernel/cmdline.h — the kernel command line as flags: `key` or `key=value`,
 * separated by spaces. Everything after a lone `--` belongs to /init. */
#pragma once
#include "kernel/types.h"

void cmdline_init(const char *line);
bool cmdline_has(const char *key);        /* `key` or `key=...` present */
const char *cmdline_get(const char *key); /* value of `key=value`, "" for bare `key`, NULL if absent */
/* value of `key=N` in decimal; otherwise when absent, empty, not a number or too big */
u32 cmdline_number(const char *key, u32 otherwise);
int cmdline_init_args(const char **argv, int max); /* the words after `--` */
