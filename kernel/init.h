/* kernel/init.h — starting the first user process. */
#pragma once

void run_init(void); /* never returns */
