/* kernel/failinject.h — fault injection: boot flags that make the kernel's
 * allocators and block I/O fail on purpose, to prove that every failure
 * path gives back what it took (docs/testing.md, "Fault injection"). */
#pragma once
#include "kernel/types.h"

enum fail_kind {
	FAIL_PAGE_ALLOC, /* frame_alloc_contig: `fail_page_alloc=` (Linux's name) */
	FAIL_SLAB,       /* kmalloc: `failslab=` (Linux's name) */
	FAIL_PGTABLE,    /* a page-table page in walk(): `fail_pgtable=` (faultline's own) */
	FAIL_BLK,        /* a block transfer: `fail_make_request=` (Linux's name) */
	NFAIL_KINDS
};

/* Linux's fault_attr, as its boot flags spell it:
 * NAME=<interval>,<probability>,<space>,<times>. Of the calls that pass
 * the others' tests, every interval-th is a candidate, and fails with
 * probability percent; the first `space` calls never fail (Linux counts
 * bytes there, faultline calls: so `space` names the Nth call); at most
 * `times` failures, -1 for no limit. */
struct fault_attr {
	u64 interval, probability, space;
	long times;
	u64 calls, failed; /* since set: what was asked, what was failed */
};

/* True if this call of kind should fail. Always false until
 * failinject_start, so that the boot itself is never failed, and in init
 * after it (kernel tests run before: no process is spared there). */
bool should_fail(enum fail_kind kind);

void failinject_init(void);  /* reads the flags and `fail_seed=` (default 1) */
struct proc;
/* From here on the flags apply, in every process but init. */
void failinject_start(const struct proc *init);
void failinject_report(void); /* one line per kind set: calls and failures */

/* For kernel tests: set kind's attributes and arm it at once (returning
 * the ones it replaces, to put back); a zero attr turns it off. */
struct fault_attr failinject_set(enum fail_kind kind, struct fault_attr attr);
