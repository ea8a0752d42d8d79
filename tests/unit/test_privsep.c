/*
 * Tests of privilege separation (src/privsep): the user lookup refuses
 * unknown users and uid 0; a forbidden system call under the filter stops
 * the process with one line naming it and status 159; and, as root, a
 * process that dropped to the default user cannot open a root-owned file
 * for writing, and its own directory was handed over. Each confinement runs
 * in a child process, so the test runner keeps its privileges.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "privsep/privsep.h"
#include "privsep/sandbox.h"

/* Run fn in a child with its stderr into out; returns the wait status. */
static int in_child(int (*fn)(void *), void *arg, char *out, size_t outlen)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], 2);
		close(fds[0]);
		_exit(fn(arg));
	}
	close(fds[1]);
	size_t n = 0;
	ssize_t k;
	while (n + 1 < outlen && (k = read(fds[0], out + n, outlen - 1 - n)) > 0)
		n += (size_t)k;
	out[n] = '\0';
	close(fds[0]);
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return st;
}

static void lookup_refuses_unknown_and_root(void **state)
{
	(void)state;
	uid_t uid;
	gid_t gid;
	char found[64], err[256];
	assert_int_equal(privsep_lookup("no-such-user-vantage", &uid, &gid, found, sizeof found,
					err, sizeof err), -1);
	assert_non_null(strstr(err, "no-such-user-vantage: not in /etc/passwd"));
	assert_int_equal(privsep_lookup("root", &uid, &gid, found, sizeof found, err, sizeof err),
			 -1);
	assert_non_null(strstr(err, "would keep root"));
	/* the default: vantage, else nobody (every Debian system has nobody) */
	assert_int_equal(privsep_lookup(NULL, &uid, &gid, found, sizeof found, err, sizeof err), 0);
	assert_true(strcmp(found, PRIVSEP_USER) == 0 || strcmp(found, PRIVSEP_USER_FALLBACK) == 0);
	assert_true(uid != 0);
}

/* Child: confine as the probe, then ask for a Unix socket (not allowed). */
static int forbidden_socket(void *arg)
{
	(void)arg;
	struct privsep_opts po = { 0 };
	struct privsep_state st;
	char err[256];
	if (privsep_drop(&po, &st, err, sizeof err) < 0 ||
	    sandbox_install(SANDBOX_PROBE, err, sizeof err) < 0) {
		fprintf(stderr, "setup: %s\n", err);
		return 1;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	fprintf(stderr, "socket(AF_UNIX) ran: %d\n", fd);
	return 2;
}

static void forbidden_call_is_named_and_stops(void **state)
{
	(void)state;
	char out[512];
	int st = in_child(forbidden_socket, NULL, out, sizeof out);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), SANDBOX_EXIT_STATUS);
	assert_non_null(strstr(out, ": seccomp: forbidden system call socket ("));
	assert_non_null(strstr(out, "); stopped\n"));
}

/* Child: become the default user as the agent does (own dir given), then
   try to open the root-owned file arg for writing. */
static int open_root_file(void *arg)
{
	char **paths = arg, err[256];
	struct privsep_opts po = { .keep_net_raw = true, .own_dir = paths[1] };
	struct privsep_state st;
	if (privsep_drop(&po, &st, err, sizeof err) < 0 ||
	    sandbox_install(SANDBOX_AGENT, err, sizeof err) < 0) {
		fprintf(stderr, "setup: %s\n", err);
		return 1;
	}
	int fd = open(paths[0], O_WRONLY | O_CLOEXEC);
	if (fd >= 0 || errno != EACCES) {
		fprintf(stderr, "open for writing: fd %d, %s\n", fd, strerror(errno));
		return 2;
	}
	/* its own directory is writable */
	char mine[300];
	snprintf(mine, sizeof mine, "%s/mine", paths[1]);
	fd = open(mine, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "own directory: %s\n", strerror(errno));
		return 3;
	}
	close(fd);
	return 0;
}

static void dropped_root_cannot_write_root_files(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	char file[] = "/tmp/vantage-privsep-XXXXXX", dir[] = "/tmp/vantage-privsep-dir-XXXXXX";
	int fd = mkstemp(file);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "root\n", 5), 5);
	close(fd);
	assert_int_equal(chmod(file, 0644), 0);
	assert_non_null(mkdtemp(dir));
	char *paths[2] = { file, dir }, out[512];
	int st = in_child(open_root_file, paths, out, sizeof out);
	struct stat sb;
	assert_int_equal(stat(dir, &sb), 0);
	char mine[300];
	snprintf(mine, sizeof mine, "%s/mine", dir);
	unlink(mine);
	rmdir(dir);
	unlink(file);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("child: status %d: %s", st, out);
	assert_true(sb.st_uid != 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lookup_refuses_unknown_and_root),
		cmocka_unit_test(forbidden_call_is_named_and_stops),
		cmocka_unit_test(dropped_root_cannot_write_root_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
