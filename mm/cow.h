/* mm/cow.h — copy-on-write sharing of address spaces (fork). */
#pragma once
#include "mm/vma.h"

int mm_fork(struct mm *dst, struct mm *src); /* dst: fresh from mm_init(); 0 or -ENOMEM */
