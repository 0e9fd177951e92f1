/* mm/kheap.h — the kernel heap. */
#pragma once
#include "kernel/types.h"

void *kmalloc(size_t size);  /* zeroed, 16-byte aligned; NULL when memory is exhausted */
void kfree(void *p);         /* panics on a double or foreign free */
size_t kheap_size(const void *p); /* bytes the block behind p counts in kheap_in_use (0: NULL) */
size_t kheap_in_use(void);   /* bytes handed out and not yet freed: the leak check's figure */
size_t kheap_frames(void);   /* frames the heap holds, free blocks included */
