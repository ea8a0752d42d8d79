/*
 * sandbox_trap: what happens when the filter traps a call. The handler may
 * only use async-signal-safe means, so the names of the system calls are
 * looked up before the filter loads, into a table the handler reads: the
 * one piece of process-wide state here, written once, because a signal
 * handler gets no context pointer. It writes one line with write(2) and
 * ends the process with exit_group(2), both made as raw system calls so no
 * sanitizer interceptor (which would run the leak check) stands between.
 */
#include "privsep/sandbox.h"

#include <errno.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TRAP_NAMES 512     /* system call numbers named in the log line */
#define TRAP_NAME_LEN 24

static char trap_names[TRAP_NAMES][TRAP_NAME_LEN];

/* Append s to line (of size cap) at *n. */
static void put(char *line, size_t cap, size_t *n, const char *s)
{
	while (*s && *n < cap)
		line[(*n)++] = *s++;
}

/* Append v in decimal. */
static void put_num(char *line, size_t cap, size_t *n, long v)
{
	char digits[24];
	int i = (int)sizeof digits - 1;
	unsigned long u = v < 0 ? (unsigned long)-v : (unsigned long)v;
	digits[i] = '\0';
	do
		digits[--i] = (char)('0' + u % 10);
	while ((u /= 10) && i > 1);
	if (v < 0)
		digits[--i] = '-';
	put(line, cap, n, digits + i);
}

/* SIGSYS from the filter: say which call, and stop. */
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	char line[200];
	size_t n = 0;
	int nr = si->si_syscall;
	put(line, sizeof line, &n, program_invocation_short_name);
	put(line, sizeof line, &n, ": seccomp: forbidden system call ");
	if (nr >= 0 && nr < TRAP_NAMES && trap_names[nr][0]) {
		put(line, sizeof line, &n, trap_names[nr]);
		put(line, sizeof line, &n, " (");
		put_num(line, sizeof line, &n, nr);
		put(line, sizeof line, &n, ")");
	} else {
		put_num(line, sizeof line, &n, nr);
	}
	put(line, sizeof line, &n, "; stopped\n");
	(void)syscall(SYS_write, 2, line, n);
	(void)syscall(SYS_exit_group, SANDBOX_EXIT_STATUS);
}

/* See sandbox.h. */
int sandbox_trap_install(char *err, size_t errlen)
{
	for (int nr = 0; nr < TRAP_NAMES; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
		if (name)
			snprintf(trap_names[nr], TRAP_NAME_LEN, "%s", name);
		free(name);
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) < 0) {
		snprintf(err, errlen, "cannot handle SIGSYS: %s", strerror(errno));
		return -1;
	}
	return 0;
}
