/*
 * Starting and stopping the real programs from integration tests. The
 * daemon runs in its own process group, dies with the test process
 * (PR_SET_PDEATHSIG), and is always reaped.
 */
#ifndef BX_PROC_H
#define BX_PROC_H

#include <sys/types.h>

struct proc {
	pid_t pid;
	int port;		/* parsed from "listening on HOST:PORT" */
};

/* Starts bin -c conf with stdout+stderr to logpath; waits until it listens.
 * Returns 0, or -1 (the process is killed) after timeout_ms. */
int proc_start(struct proc *, const char *bin, const char *conf,
    const char *logpath, int timeout_ms);
/* Sends sig, waits up to timeout_ms, then SIGKILL. Returns the wait status. */
int proc_stop(struct proc *, int sig, int timeout_ms);
/* Starts argv in the background (dies with us); its pid, or -1. */
pid_t proc_bg(char *const argv[], const char *outpath);
/* SIGTERM, wait up to timeout_ms, then SIGKILL; always reaped. */
void proc_kill(pid_t pid, int timeout_ms);
/* Runs argv to completion with output to outpath; returns the exit code. */
int proc_run(char *const argv[], const char *outpath);

#endif
