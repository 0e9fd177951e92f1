/* kernel/printk.h — formatted output to every console. */
#pragma once
#include "kernel/types.h"

__attribute__((format(printf, 1, 2))) void printk(const char *fmt, ...);
__attribute__((format(printf, 3, 4))) int snprintf(char *buf, size_t size, const char *fmt, ...);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
NORETURN __attribute__((format(printf, 1, 2))) void panic(const char *fmt, ...);

/* Boot chatter: silenced by the `quiet` flag so that a program run with
 * tests/run-program shows only its own output. Errors always use printk. */
extern bool printk_quiet;
#define pr_info(...)                          \
	do {                                  \
		if (!printk_quiet)            \
			printk(__VA_ARGS__);  \
	} while (0)
