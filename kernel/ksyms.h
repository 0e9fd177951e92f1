/* kernel/ksyms.h — kernel function names, embedded at build time by
 * tools/ksyms (a second link pass), for symbolized backtraces. */
#pragma once
#include "kernel/types.h"

struct ksym {
	u64 addr;
	u32 name; /* offset into ksym_names */
};

extern const struct ksym ksyms[];
extern const u64 ksym_count;
extern const char ksym_names[];

/* The function containing addr and the offset into it; false if unknown. */
bool ksym_lookup(u64 addr, const char **name, u64 *offset);
const char *ksym_format(u64 addr); /* "name+0x1a" in a static buffer, or "?" */
