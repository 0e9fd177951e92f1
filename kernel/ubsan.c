/* kernel/ubsan.c — the handlers that code built with `make SANITIZE=1`
 * (-fsanitize=undefined, Makefile) calls where C's rules are broken at run
 * time: a signed overflow, a shift by too much or of a negative value, an
 * index past an array, a misaligned or NULL pointer use, a bool or enum
 * holding a value it cannot hold. gcc and clang emit the same calls with the
 * same descriptor layouts (the ABI of their runtime library, which a
 * freestanding kernel does not have), so one set of handlers serves both.
 *
 * Each report is one line a test harness can find, 'ubsan: KIND at
 * FILE:LINE:COL', then the details (types, values) and the call trace;
 * tests/qemu.py's is_fault counts it as a kernel failure. The kernel goes
 * on after a report (the instruction is executed as the hardware does it),
 * and each site reports once: the compiler's location record is writable
 * for that, so the column's top bit marks it reported. */
#include "kernel/ubsan.h"
#include "arch/oops.h"
#include "kernel/printk.h"
#include "kernel/string.h"

struct source_location {
	const char *file;
	u32 line, column;
};

/* kind 0: an integer, info bit 0 set if signed, info >> 1 log2 of its width
 * in bits; 1: floating point; 0xffff: anything else. */
struct type_descriptor {
	u16 kind, info;
	char name[];
};

struct overflow_data {
	struct source_location loc;
	const struct type_descriptor *type;
};

struct shift_data {
	struct source_location loc;
	const struct type_descriptor *lhs, *rhs;
};

struct bounds_data {
	struct source_location loc;
	const struct type_descriptor *array, *index;
};

struct mismatch_data {
	struct source_location loc;
	const struct type_descriptor *type;
	u8 log_alignment, check_kind;
};

struct loc_data {
	struct source_location loc;
};

struct nonnull_arg_data {
	struct source_location loc, attr;
	int arg;
};

struct builtin_data {
	struct source_location loc;
	u8 kind;
};

struct assumption_data {
	struct source_location loc, assumption;
	const struct type_descriptor *type;
};

#define REPORTED (1u << 31)

/* What each kind of type check is (the compiler's TypeCheckKind order). */
static const char *const check_kinds[] = {
	"load of", "store to", "reference binding to", "member access within",
	"member call on", "constructor call on", "downcast of", "downcast of",
	"upcast of", "cast to virtual base of", "_Nonnull binding to", "dynamic operation on",
};

unsigned long ubsan_reports;
struct ubsan_last ubsan_last;
static bool reporting;

/* The report's first line, unless the site has reported already or a report
 * is under way (printk or the backtrace hitting a check of their own). */
static bool begin(struct source_location *loc, const char *kind)
{
	if (reporting || (loc->column & REPORTED))
		return false;
	loc->column |= REPORTED;
	reporting = true;
	ubsan_reports++;
	ubsan_last = (struct ubsan_last){ kind, loc->file, loc->line };
	printk("ubsan: %s at %s:%u:%u\n", kind, loc->file, loc->line, loc->column & ~REPORTED);
	return true;
}

/* The call trace from the instrumented code: the handler that called end()
 * saved its caller's frame pointer at its own frame, and above it its return
 * address, which is the site. */
__attribute__((noinline)) static void end(void)
{
	const u64 *handler = (const u64 *)*(u64 *)__builtin_frame_address(0);
	backtrace(handler[1], handler[0]);
	reporting = false;
}

static unsigned width(const struct type_descriptor *t)
{
	return 1u << (t->info >> 1);
}

static bool is_signed(const struct type_descriptor *t)
{
	return t->kind == 0 && (t->info & 1);
}

/* A value as the compiler hands it over: inline when it fits in a pointer,
 * else (a 128-bit integer) through one. Written as the type reads it. */
static void format_value(char *buf, size_t size, const struct type_descriptor *t, u64 v)
{
	if (t->kind != 0) {
		snprintf(buf, size, "(a %s)", t->name);
	} else if (width(t) > 64) {
		const u64 *p = (const u64 *)v;
		snprintf(buf, size, "0x%016lx%016lx", p[1], p[0]);
	} else if (is_signed(t)) {
		unsigned shift = 64 - width(t);
		snprintf(buf, size, "%ld", (i64)(v << shift) >> shift);
	} else {
		snprintf(buf, size, "%lu", v);
	}
}

static void overflow(struct overflow_data *d, u64 a, u64 b, char op)
{
	if (!begin(&d->loc, is_signed(d->type) ? "signed-integer-overflow" : "unsigned-integer-overflow"))
		return;
	char x[48], y[48];
	format_value(x, sizeof(x), d->type, a);
	format_value(y, sizeof(y), d->type, b);
	printk("  %s %c %s cannot be represented in type %s\n", x, op, y, d->type->name);
	end();
}

void __ubsan_handle_add_overflow(struct overflow_data *d, u64 a, u64 b)
{
	overflow(d, a, b, '+');
}

void __ubsan_handle_sub_overflow(struct overflow_data *d, u64 a, u64 b)
{
	overflow(d, a, b, '-');
}

void __ubsan_handle_mul_overflow(struct overflow_data *d, u64 a, u64 b)
{
	overflow(d, a, b, '*');
}

void __ubsan_handle_negate_overflow(struct overflow_data *d, u64 a)
{
	if (!begin(&d->loc, "signed-integer-overflow"))
		return;
	char x[48];
	format_value(x, sizeof(x), d->type, a);
	printk("  negation of %s cannot be represented in type %s\n", x, d->type->name);
	end();
}

void __ubsan_handle_divrem_overflow(struct overflow_data *d, u64 a, u64 b)
{
	bool by_zero = is_signed(d->type) ? (i64)b == 0 : b == 0;
	if (!begin(&d->loc, by_zero ? "integer-divide-by-zero" : "signed-integer-overflow"))
		return;
	char x[48], y[48];
	format_value(x, sizeof(x), d->type, a);
	format_value(y, sizeof(y), d->type, b);
	printk("  %s / %s in type %s\n", x, y, d->type->name);
	end();
}

/* Which of C's four shift rules was broken (C11 6.5.7): the count negative,
 * or not below the width; a negative value shifted left, or a 1 shifted
 * into or past a signed type's sign bit. */
static const char *shift_rule(const struct shift_data *d, u64 a, u64 b)
{
	if (is_signed(d->rhs) && (i64)(b << (64 - width(d->rhs))) < 0)
		return "the shift count is negative";
	if (b >= width(d->lhs))
		return "the shift count is not below the width of";
	if (is_signed(d->lhs) && (i64)(a << (64 - width(d->lhs))) < 0)
		return "a negative value shifted left, of";
	return "the result does not fit in";
}

void __ubsan_handle_shift_out_of_bounds(struct shift_data *d, u64 a, u64 b)
{
	if (!begin(&d->loc, "shift-out-of-bounds"))
		return;
	char x[48], y[48];
	format_value(x, sizeof(x), d->lhs, a);
	format_value(y, sizeof(y), d->rhs, b);
	printk("  shift of %s by %s: %s type %s\n", x, y, shift_rule(d, a, b), d->lhs->name);
	end();
}

void __ubsan_handle_out_of_bounds(struct bounds_data *d, u64 index)
{
	if (!begin(&d->loc, "array-index-out-of-bounds"))
		return;
	char i[48];
	format_value(i, sizeof(i), d->index, index);
	printk("  index %s is out of range for type %s\n", i, d->array->name);
	end();
}

/* A NULL pointer, a pointer not aligned for its type, or one to an object
 * too small for the access (object-size). */
void __ubsan_handle_type_mismatch_v1(struct mismatch_data *d, u64 ptr)
{
	u64 align = d->log_alignment ? 1ul << d->log_alignment : 0;
	const char *kind = !ptr ? "null-pointer-use" : align && ptr & (align - 1) ? "misaligned-access"
										 : "object-size";
	if (!begin(&d->loc, kind))
		return;
	const char *what = d->check_kind < ARRAY_SIZE(check_kinds) ? check_kinds[d->check_kind] : "use of";
	if (!ptr)
		printk("  %s NULL pointer of type %s\n", what, d->type->name);
	else if (align && ptr & (align - 1))
		printk("  %s address %lx, which needs %lu-byte alignment, of type %s\n", what, ptr,
		       align, d->type->name);
	else
		printk("  %s address %lx with too little room for an object of type %s\n", what, ptr,
		       d->type->name);
	end();
}

void __ubsan_handle_load_invalid_value(struct overflow_data *d, u64 v)
{
	if (!begin(&d->loc, "invalid-load"))
		return;
	char x[48];
	format_value(x, sizeof(x), d->type, v);
	printk("  load of value %s, which is not valid for type %s\n", x, d->type->name);
	end();
}

void __ubsan_handle_vla_bound_not_positive(struct overflow_data *d, u64 bound)
{
	if (!begin(&d->loc, "vla-bound-not-positive"))
		return;
	char x[48];
	format_value(x, sizeof(x), d->type, bound);
	printk("  variable length array bound %s is not positive\n", x);
	end();
}

void __ubsan_handle_pointer_overflow(struct loc_data *d, u64 base, u64 result)
{
	if (!begin(&d->loc, "pointer-overflow"))
		return;
	printk("  pointer arithmetic on %lx gave %lx, which wrapped around\n", base, result);
	end();
}

void __ubsan_handle_nonnull_arg(struct nonnull_arg_data *d)
{
	if (!begin(&d->loc, "nonnull-attribute"))
		return;
	printk("  NULL passed as argument %d, declared never NULL at %s:%u\n", d->arg,
	       d->attr.file, d->attr.line);
	end();
}

void __ubsan_handle_nonnull_return_v1(struct loc_data *d, struct source_location *loc)
{
	if (!begin(loc, "returns-nonnull-attribute"))
		return;
	printk("  NULL returned from a function declared never to at %s:%u\n", d->loc.file,
	       d->loc.line);
	end();
}

void __ubsan_handle_invalid_builtin(struct builtin_data *d)
{
	if (!begin(&d->loc, "invalid-builtin-use"))
		return;
	printk("  zero passed to %s\n", d->kind == 0 ? "__builtin_ctz" : "__builtin_clz");
	end();
}

void __ubsan_handle_alignment_assumption(struct assumption_data *d, u64 ptr, u64 align, u64 offset)
{
	if (!begin(&d->loc, "alignment-assumption"))
		return;
	printk("  address %lx (offset %lu) assumed %lu-byte aligned, of type %s\n", ptr, offset,
	       align, d->type->name);
	end();
}

/* Reached the end of a function without return, or __builtin_unreachable:
 * the compiler has put nothing after the call, so it cannot return. */
NORETURN void __ubsan_handle_builtin_unreachable(struct loc_data *d)
{
	panic("ubsan: unreachable code reached at %s:%u:%u", d->loc.file, d->loc.line,
	      d->loc.column & ~REPORTED);
}

NORETURN void __ubsan_handle_missing_return(struct loc_data *d)
{
	__ubsan_handle_builtin_unreachable(d);
}
