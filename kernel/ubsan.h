/* kernel/ubsan.h — what the undefined-behaviour handlers (kernel/ubsan.c,
 * called only in a `make SANITIZE=1` build) have reported, for the test
 * that proves they work. */
#pragma once
#include "kernel/types.h"

struct ubsan_last {
	const char *kind; /* "signed-integer-overflow", ... */
	const char *file;
	u32 line;
};

extern unsigned long ubsan_reports; /* reports printed since boot */
extern struct ubsan_last ubsan_last;
