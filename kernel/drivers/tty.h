/* kernel/drivers/tty.h — the console terminal: /dev/console and /dev/tty,
 * with its line discipline (kernel/drivers/ldisc.h), the session it is the
 * controlling terminal of, and its foreground process group. */
#pragma once
#include "kernel/types.h"

struct devops;
struct proc;

extern const struct devops console_ops; /* /dev/console (5, 1) */
extern const struct devops tty_ops;     /* /dev/tty (5, 0): the caller's controlling terminal */

void tty_init(void);
/* Takes what the UART and the keyboard hold through the line discipline:
 * echoes, wakes readers and pollers, signals the foreground group. The
 * scheduler calls it once a tick (kernel/sched.c chores), so ^C reaches a program that never
 * reads. */
void tty_input(void);
/* Process p, whose last thread is gone, ends: if it led the session the
 * console controls, the foreground group gets SIGHUP and the console
 * belongs to no session any more (Linux's disassociate_ctty on exit). */
void tty_exit(struct proc *p);
