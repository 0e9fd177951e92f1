/* user/sbin/init.c — /init of the release ISO: says what faultline is,
 * makes the console the controlling terminal of its own session (so ^C,
 * ^Z and job control reach the shell's jobs), runs busybox's ash as a
 * login shell (/etc/profile prints the demos and defines `help`), reaps
 * every orphan given to it, and ends with the shell: the kernel then
 * reports its status and ends the boot.
 *
 * Infrastructure, not a test: it lives in user/sbin so tests/run-linux does
 * not take it for one; the test harness boots user/sbin/runner as /init. */
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define SHELL "/bin/sh"

/* The shell's end as a shell reports it: its exit code, or 128 + signal. */
static int status_of(int wstatus)
{
	return WIFSIGNALED(wstatus) ? 128 + WTERMSIG(wstatus) : WEXITSTATUS(wstatus);
}

int main(void)
{
	printf("\nfaultline: a teaching kernel for x86-64, where user and kernel memory meet.\n"
	       "This is busybox's ash on faultline's console; `help` lists the demos.\n");
	fflush(stdout);
	if (setsid() < 0 || ioctl(0, TIOCSCTTY, 0) < 0)
		perror("init: no controlling terminal, so no job control");
	pid_t shell = fork();
	if (shell == 0) {
		char *argv[] = { "-sh", NULL }; /* the leading '-': a login shell, it reads /etc/profile */
		char *envp[] = { "HOME=/", "PATH=/bin", "TERM=linux", "SHELL=" SHELL, NULL };
		execve(SHELL, argv, envp);
		perror("init: " SHELL);
		_exit(127);
	}
	if (shell < 0) {
		perror("init: fork");
		return 1;
	}
	for (;;) {
		int wstatus;
		pid_t pid = wait(&wstatus);
		if (pid == shell)
			return status_of(wstatus);
		if (pid < 0) {
			perror("init: wait");
			return 1;
		}
	}
}
