/* user/echoargs.c — the program exec.c runs: prints each argv string as
 * "arg S" and each environment string as "env S", one a line, and exits 0,
 * so that the parent can see exactly what execve delivered. Run on its own
 * (as tests/run-linux does) it just has to exit 0.
 */
#include <stdio.h>

int main(int argc, char **argv, char **envp)
{
	for (int i = 0; i < argc; i++)
		printf("arg %s\n", argv[i]);
	for (char **e = envp; *e; e++)
		printf("env %s\n", *e);
	return fflush(stdout) ? 1 : 0;
}
