/* kernel/printk.h — formatted output to every console. */
#pragma once
#include "kernel/types.h"

__attribute__((format(printf, 1, 2))) void printk(const char *fmt, ...);
__attribute__((format(printf, 3, 4))) int snprintf(char *buf, size_t size, const char *fmt, ...);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
NORETURN __attribute__((format(printf, 1, 2))) void panic(const char *fmt, ...);

/* The screen only: the boot summary a student at the machine reads
 * (kernel/bootsummary.c), which serial users get in detail instead. */
__attribute__((format(printf, 1, 2))) void printk_screen(const char *fmt, ...);
/* The boot log: serial always, the screen only with the `verbose` flag, so
 * that on the screen the summary is not scrolled away by detail. */
__attribute__((format(printf, 1, 2))) void printk_log(const char *fmt, ...);

/* Boot chatter: silenced by the `quiet` flag so that a program run with
 * tests/run-program shows only its own output. Errors always use printk. */
extern bool printk_quiet, printk_verbose;
#define pr_info(...)                              \
	do {                                      \
		if (!printk_quiet)                \
			printk_log(__VA_ARGS__);  \
	} while (0)
