/* mm/shmem.h — an object that owns pages: shared anonymous memory, and the
 * data of a ramfs regular file (tmpfs's way: the file is the object).
 *
 * A MAP_SHARED|MAP_ANONYMOUS area, a /dev/shm file and any other file are
 * backed by one object that every mapping of it refers to, in any process
 * and at any address. The page at offset i lives in the object, not in
 * anybody's page table: a page table only maps it (taking a frame
 * reference). So MADV_DONTNEED or munmap in one process drops that
 * process's mapping and never the data, a child after fork finds the very
 * same pages, and write(2) changes what every mapping shows. */
#pragma once
#include "kernel/types.h"

struct shmem;
struct vma;

/* An empty object, or NULL; the pages it will hold are also counted in
 * *account unless that is NULL (the ramfs's blocks in use). */
struct shmem *shmem_new(u64 *account);
void shmem_get(struct shmem *s);            /* one more holder (an area, an inode) */
void shmem_put(struct shmem *s);            /* one fewer; at zero its pages are freed */
/* The frame of page 'index' in *pa: read back from swap if it was paged
 * out, created zeroed if it is a hole and 'alloc', else 0 (a hole). 0, or
 * -ENOMEM, or -EIO (the swap disk failed). The frame is the object's: a
 * caller that keeps it (a page-table entry) or may sleep while using it
 * takes its own reference. */
int shmem_page(struct shmem *s, u64 index, bool alloc, u64 *pa);
u64 shmem_frame(struct shmem *s, u64 index); /* the resident frame of page index, or 0 */
/* Drop every page at index >= pages (truncate). Mappings of them must have
 * been removed first: mm/rmap.c's rmap_unmap_object. */
void shmem_truncate(struct shmem *s, u64 pages);
/* Reclaim wrote page index to swap entry e, and every mapping of it is
 * gone: the slot keeps e and the object's frame reference is dropped. */
void shmem_swapped_out(struct shmem *s, u64 index, u64 e);
int shmem_swapin_area(int area);            /* swapoff: pages of every object back in, or -ENOMEM */
/* The reverse map: the areas that map the object (vma->shm_next links them). */
void shmem_link(struct shmem *s, struct vma *v);
void shmem_unlink(struct shmem *s, struct vma *v);
struct vma *shmem_vmas(struct shmem *s);
u64 shmem_frames(const struct shmem *s);    /* frames it holds: pages and tree nodes */
u64 shmem_pages(const struct shmem *s);     /* pages it holds, resident or paged out */
u64 shmem_swapped(const struct shmem *s);   /* ... of them paged out (swap slots held) */
u64 shmem_pages_total(void);                /* pages held by all objects (sysinfo's sharedram) */
