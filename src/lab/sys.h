/*
 * sys: the few system operations the lab is built from: run a program
 * (fork+exec, no shell), write sysctls inside a network namespace, read and
 * write small files (reading them is util/readfile.h), and tell whether a recorded process is still alive.
 */
#ifndef VANTAGE_LAB_SYS_H
#define VANTAGE_LAB_SYS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* A process identity that survives pid reuse: pid plus its start time. */
struct lab_proc {
	pid_t pid;
	unsigned long long start;   /* field 22 of /proc/PID/stat */
};

/*
 * Run argv[0] (searched in PATH) with argv, stdout sent to /dev/null unless
 * show_out, and wait for it. Returns 0 when it exited 0; otherwise -1 with
 * "'PROG ARG...' failed (...)" in err.
 */
int lab_run(char *const argv[], bool show_out, char *err, size_t errlen);

/*
 * In network namespace ns (a name under /run/netns), write each
 * "path=value" of kv (n entries; path relative to /proc/sys/). Returns 0, or
 * -1 with err filled.
 */
int lab_sysctl(const char *ns, const char *const *kv, int n, char *err, size_t errlen);

/* Write len bytes of data to path (created 0644, replaced). Returns 0 or -1. */
int lab_write_file(const char *path, const void *data, size_t len);

/* Fill p with pid's identity. Returns false when pid does not exist. */
bool lab_proc_get(pid_t pid, struct lab_proc *p);

/* True when the process p is still the one running. */
bool lab_proc_alive(const struct lab_proc *p);

/* True when network namespace ns exists (/run/netns/NS). */
bool lab_netns_exists(const char *ns);

#endif
