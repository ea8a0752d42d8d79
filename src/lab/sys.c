/*
 * sys: fork+exec of ip/nft, namespace-local sysctls, small files and process
 * identities for the lab (see sys.h).
 */
#include "lab/sys.h"
#include "util/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Describe argv as "'prog arg ...'" into buf (cut short when long). */
static void describe(char *const argv[], char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; argv[i] && used + 1 < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%s", i ? " " : "", argv[i]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

/* Wait for child pid; returns its exit status, or -1 when it died otherwise. */
static int wait_child(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Run a program and wait for it (see sys.h). */
int lab_run(char *const argv[], bool show_out, char *err, size_t errlen)
{
	char what[200];
	pid_t pid = fork();
	int rc;

	if (pid == 0) {
		if (!show_out) {
			int fd = open("/dev/null", O_WRONLY);
			if (fd >= 0)
				dup2(fd, 1);
		}
		execvp(argv[0], argv);
		fprintf(stderr, "lab: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	describe(argv, what, sizeof what);
	if (pid < 0) {
		snprintf(err, errlen, "'%s': fork failed: %s", what, strerror(errno));
		return -1;
	}
	rc = wait_child(pid);
	if (rc == 0)
		return 0;
	snprintf(err, errlen, "'%s' failed (exit %d)", what, rc);
	return -1;
}

/* Inside the child: enter ns and write every sysctl; returns the exit code. */
static int sysctl_child(const char *ns, const char *const *kv, int n)
{
	char path[256];
	int fd;

	snprintf(path, sizeof path, "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0)
		return 2;
	for (int i = 0; i < n; i++) {
		const char *eq = strchr(kv[i], '=');
		if (!eq)
			return 3;
		snprintf(path, sizeof path, "/proc/sys/%.*s", (int)(eq - kv[i]), kv[i]);
		if (lab_write_file(path, eq + 1, strlen(eq + 1)) < 0) {
			fprintf(stderr, "lab: %s: cannot write %s\n", ns, path);
			return 4;
		}
	}
	return 0;
}

/* Write sysctls inside network namespace ns (see sys.h). */
int lab_sysctl(const char *ns, const char *const *kv, int n, char *err, size_t errlen)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(sysctl_child(ns, kv, n));
	if (pid < 0 || wait_child(pid) != 0) {
		snprintf(err, errlen, "%s: setting sysctls failed", ns);
		return -1;
	}
	return 0;
}

/* Write data to path, replacing it. Returns 0 or -1. */
int lab_write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t w;

	if (fd < 0)
		return -1;
	w = write(fd, data, len);
	if (close(fd) < 0 || w != (ssize_t)len)
		return -1;
	return 0;
}

/* Fill p with pid's identity. Returns false when pid does not exist. */
bool lab_proc_get(pid_t pid, struct lab_proc *p)
{
	char path[64], buf[1024];
	const char *s;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (pid <= 0 || read_small_file(path, buf, sizeof buf) <= 0)
		return false;
	s = strrchr(buf, ')');     /* the command name may hold spaces */
	if (!s)
		return false;
	/* after ")" come fields 3..: state is 3, starttime is 22 */
	for (int field = 2; field < 22 && s; field++)
		s = strchr(s + 1, ' ');
	if (!s)
		return false;
	p->pid = pid;
	p->start = strtoull(s + 1, NULL, 10);
	return true;
}

/* True when the process p is still the one running (and not a zombie). */
bool lab_proc_alive(const struct lab_proc *p)
{
	struct lab_proc now;
	char path[64], buf[256];
	const char *s;

	if (!lab_proc_get(p->pid, &now) || now.start != p->start)
		return false;
	snprintf(path, sizeof path, "/proc/%d/stat", (int)p->pid);
	if (read_small_file(path, buf, sizeof buf) <= 0 || !(s = strrchr(buf, ')')))
		return false;
	return s[1] == ' ' && s[2] != 'Z' && s[2] != 'X';
}

/* True when network namespace ns exists. */
bool lab_netns_exists(const char *ns)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof path, "/run/netns/%s", ns);
	return stat(path, &st) == 0;
}
