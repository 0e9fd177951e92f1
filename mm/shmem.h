/* mm/shmem.h — shared anonymous memory: an object that owns its pages.
 *
 * A MAP_SHARED|MAP_ANONYMOUS area (and, later, /dev/shm files) is backed by
 * one shmem object that every mapping of it refers to, in any process and at
 * any address. The page at offset i lives in the object, not in anybody's
 * page table: a page table only maps it (taking a frame reference). So
 * MADV_DONTNEED or munmap in one process drops that process's mapping and
 * never the data, and a child after fork finds the very same pages. */
#pragma once
#include "kernel/types.h"

struct shmem;

struct shmem *shmem_new(u64 pages);         /* an empty object of that many pages, or NULL */
void shmem_get(struct shmem *s);            /* one more area refers to it */
void shmem_put(struct shmem *s);            /* one fewer; at zero its pages are freed */
/* The frame of page 'index' (creating it zeroed when 'alloc'), or 0: not
 * there (without alloc), or out of memory. The caller takes its own frame
 * reference for a page-table entry. */
u64 shmem_page(struct shmem *s, u64 index, bool alloc);
u64 shmem_pages_total(void);                /* pages held by all objects (sysinfo's sharedram) */
