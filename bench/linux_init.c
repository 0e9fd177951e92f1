/* bench/linux_init.c — /init of the Linux initramfs that tools/bench boots
 * for `make bench-linux`: Linux's side of the comparison, running the same
 * bench programs faultline runs.
 *
 * It mounts what the programs expect (devtmpfs on /dev, so the console and
 * /dev/zero exist; proc; a tmpfs on /tmp, Linux's counterpart of
 * faultline's ramfs), takes /dev/console as stdin, stdout and stderr, loads
 * the virtio modules found in /modules (in name order: tools/bench numbers
 * them so each comes after what it needs) and turns /dev/vda on as swap
 * if it is there. Then it runs /bench/NAME for each NAME in its arguments
 * (the words after "--" on the kernel's command line), one after another,
 * and powers the machine off. Its own lines start with "init:". */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void console(void)
{
	int fd = open("/dev/console", O_RDWR);
	if (fd < 0)
		return;
	for (int i = 0; i < 3; i++)
		dup2(fd, i);
	if (fd > 2)
		close(fd);
}

static int is_module(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return n > 3 && strcmp(d->d_name + n - 3, ".ko") == 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void load_modules(void)
{
	struct dirent **names;
	int n = scandir("/modules", &names, is_module, by_name);
	for (int i = 0; i < n; i++) {
		char path[300];
		snprintf(path, sizeof(path), "/modules/%s", names[i]->d_name);
		int fd = open(path, O_RDONLY);
		if (fd >= 0 && syscall(SYS_finit_module, fd, "", 0) != 0)
			printf("init: cannot load %s: %m\n", path);
		if (fd >= 0)
			close(fd);
	}
}

/* The disk appears once its driver has probed it, which module loading
 * starts but need not finish: wait a little for the node. */
static void swap_on(void)
{
	for (int tries = 0; tries < 100 && access("/dev/vda", F_OK) != 0; tries++)
		usleep(10000);
	if (access("/dev/vda", F_OK) != 0)
		printf("init: no /dev/vda: no swap\n");
	else if (swapon("/dev/vda", 0) != 0)
		printf("init: swapon /dev/vda: %m\n");
}

static void run(const char *name)
{
	char path[256];
	snprintf(path, sizeof(path), "/bench/%s", name);
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		execl(path, path, (char *)NULL);
		printf("init: cannot run %s: %m\n", path);
		_exit(127);
	}
	int status = 0;
	waitpid(child, &status, 0);
	if (status)
		printf("init: %s ended with status %#x\n", name, status);
}

int main(int argc, char **argv)
{
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	console();
	mount("proc", "/proc", "proc", 0, NULL);
	mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
	load_modules();
	swap_on();
	for (int i = 1; i < argc; i++)
		run(argv[i]);
	printf("init: done\n");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
