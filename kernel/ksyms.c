/* kernel/ksyms.c — address to name, by binary search in the table that
 * tools/ksyms generated from `nm` output of the first link. */
#include "kernel/ksyms.h"
#include "kernel/printk.h"

extern char _text_start[], _text_end[];

bool ksym_lookup(u64 addr, const char **name, u64 *offset)
{
	if (addr < (u64)_text_start || addr >= (u64)_text_end || ksym_count == 0)
		return false;
	u64 lo = 0, hi = ksym_count; /* find the last symbol at or below addr */
	while (hi - lo > 1) {
		u64 mid = (lo + hi) / 2;
		if (ksyms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (ksyms[lo].addr > addr)
		return false;
	*name = ksym_names + ksyms[lo].name;
	*offset = addr - ksyms[lo].addr;
	return true;
}

const char *ksym_format(u64 addr)
{
	static char buf[96];
	const char *name;
	u64 off;
	if (!ksym_lookup(addr, &name, &off))
		return "?";
	snprintf(buf, sizeof(buf), "%s+0x%lx", name, off);
	return buf;
}
