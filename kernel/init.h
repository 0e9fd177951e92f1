/* kernel/init.h — starting the first user process, and the leak check
 * after it. */
#pragma once
#include "kernel/types.h"

void run_init(void); /* never returns */
