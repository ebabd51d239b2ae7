#include "tests/integration/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/testutil.h"

static void
proc_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static pid_t
proc_spawn(char *const argv[], const char *outpath)
{
	pid_t parent = getpid(), pid = fork();
	int fd;

	if (pid != 0)
		return pid;
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	fd = open(outpath, O_WRONLY | O_CREAT | O_APPEND, 0600);
	if (fd < 0)
		_exit(127);
	dup2(fd, 1);
	dup2(fd, 2);
	close(fd);
	execv(argv[0], argv);
	_exit(127);
}

int
proc_start(struct proc *p, const char *bin, const char *conf,
    const char *logpath, int timeout_ms)
{
	char *const argv[] = { (char *)bin, "-c", (char *)conf, NULL };
	char *old = tu_read(logpath);
	size_t skip = old ? strlen(old) : 0;	/* a restart appends */
	int waited = 0, st;

	free(old);
	p->port = 0;
	if ((p->pid = proc_spawn(argv, logpath)) < 0)
		return -1;
	while (waited < timeout_ms) {
		char *log = tu_read(logpath), *l;

		l = log && strlen(log) > skip ? strstr(log + skip,
		    "listening on ") : NULL;
		/* The whole line: a port read before its last digit is
		 * written would be another port. */
		if (l && (l = strchr(l + 13, ':')) != NULL &&
		    strchr(l, '\n') != NULL) {
			p->port = atoi(l + 1);
			free(log);
			return p->port > 0 ? 0 : -1;
		}
		free(log);
		if (waitpid(p->pid, &st, WNOHANG) == p->pid) {
			p->pid = 0;
			return -1;
		}
		proc_sleep_ms(10);
		waited += 10;
	}
	proc_stop(p, SIGKILL, 1000);
	return -1;
}

int
proc_stop(struct proc *p, int sig, int timeout_ms)
{
	int st = -1, waited = 0;

	if (p->pid <= 0)
		return -1;
	kill(p->pid, sig);
	while (waited < timeout_ms) {
		if (waitpid(p->pid, &st, WNOHANG) == p->pid) {
			p->pid = 0;
			return st;
		}
		proc_sleep_ms(10);
		waited += 10;
	}
	kill(p->pid, SIGKILL);
	waitpid(p->pid, &st, 0);
	p->pid = 0;
	return -1;
}

int
proc_run(char *const argv[], const char *outpath)
{
	pid_t pid = proc_spawn(argv, outpath);
	int st;

	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

pid_t
proc_bg(char *const argv[], const char *outpath)
{
	return proc_spawn(argv, outpath);
}

void
proc_kill(pid_t pid, int timeout_ms)
{
	struct proc p = { pid, 0 };

	(void)proc_stop(&p, SIGTERM, timeout_ms);
}
