/* user/peekdemo.c — one process reading and writing another's memory.
 *
 * The child keeps a secret string in its own memory and tells the parent
 * only where it is: the address, through a pipe. The parent cannot touch
 * that address itself (in its own address space it means something else),
 * so it asks the kernel: process_vm_readv copies the string out of the
 * child's pages, process_vm_writev puts a new one in. Then the child prints
 * what its memory now holds. Exits 0 if the child saw the parent's words.
 *
 *   $ peekdemo
 *   child: my secret is at 0x408020: "the cake is in the oven"
 *   parent: read 63 bytes from the child: "the cake is in the oven"
 *   parent: wrote 28 bytes into the child
 *   child: my secret is now: "the parent knows the secret"
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static const char reply[] = "the parent knows the secret";

static int child(int where, int go)
{
	static char secret[64] = "the cake is in the oven";
	uintptr_t addr = (uintptr_t)secret;
	char c;

	printf("child: my secret is at %#lx: \"%s\"\n", (unsigned long)addr, secret);
	fflush(stdout);
	if (write(where, &addr, sizeof addr) != sizeof addr)
		return 2;
	if (read(go, &c, 1) != 1) /* the parent has written */
		return 2;
	printf("child: my secret is now: \"%s\"\n", secret);
	fflush(stdout); /* _exit does not */
	return strcmp(secret, reply) == 0 ? 0 : 1;
}

int main(void)
{
	int where[2], go[2], status;
	uintptr_t addr;
	char got[64] = "";

	if (pipe(where) || pipe(go))
		return 2;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(child(where[1], go[0]));
	if (pid < 0 || read(where[0], &addr, sizeof addr) != sizeof addr)
		return 2;

	struct iovec local = { got, sizeof got - 1 }, remote = { (void *)addr, sizeof got - 1 };
	ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
	printf("parent: read %zd bytes from the child: \"%s\"\n", n, got);

	local = (struct iovec){ (void *)reply, sizeof reply };
	remote.iov_len = sizeof reply;
	n = process_vm_writev(pid, &local, 1, &remote, 1, 0);
	printf("parent: wrote %zd bytes into the child\n", n);
	fflush(stdout);

	if (write(go[1], "", 1) != 1 || waitpid(pid, &status, 0) != pid)
		return 2;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
