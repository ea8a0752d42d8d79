/*
 * Tests of the agent's schedule file (agent/sched_file.c): it is replaced
 * atomically and durably, so the rename itself survives a power loss (the
 * directory is fsync'd after it) and a one-off that ran never runs again.
 * rename(2) and fsync(2) are wrapped at link time (-Wl,--wrap) to record the
 * order of the calls sched_save makes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/agent_int.h"

/* What the wrapped calls saw, in order. */
struct calls {
	int renames;           /* renames of schedule.json.tmp onto schedule.json */
	int file_syncs;        /* fsyncs of regular files before the rename */
	int dir_syncs_after;   /* fsyncs of a directory after the rename */
};

static struct calls seen;

int __real_rename(const char *from, const char *to);
int __real_fsync(int fd);

int __wrap_rename(const char *from, const char *to)
{
	if (strstr(from, "schedule.json.tmp") && strstr(to, "schedule.json"))
		seen.renames++;
	return __real_rename(from, to);
}

int __wrap_fsync(int fd)
{
	struct stat st;
	if (fstat(fd, &st) == 0) {
		if (S_ISDIR(st.st_mode) && seen.renames > 0)
			seen.dir_syncs_after++;
		else if (S_ISREG(st.st_mode) && seen.renames == 0)
			seen.file_syncs++;
	}
	return __real_fsync(fd);
}

/* A bare agent whose spool directory is a new temporary directory. */
static void bare_agent(struct agent *a, char *dir)
{
	memset(a, 0, sizeof *a);
	assert_non_null(mkdtemp(dir));
	snprintf(a->cfg.spool_dir, sizeof a->cfg.spool_dir, "%s", dir);
	LIST_INIT(&a->sched);
}

static void remove_dir(const char *dir)
{
	char path[256];
	snprintf(path, sizeof path, "%s/schedule.json", dir);
	unlink(path);
	rmdir(dir);
}

/* The rename is made durable: the directory is fsync'd after it. */
static void test_save_syncs_directory_after_rename(void **state)
{
	(void)state;
	struct agent a;
	char dir[] = "/tmp/vantage-schedfile-XXXXXX";
	bare_agent(&a, dir);
	memset(&seen, 0, sizeof seen);
	sched_save(&a);
	assert_int_equal(seen.renames, 1);
	assert_true(seen.file_syncs >= 1);
	assert_true(seen.dir_syncs_after >= 1);
	char path[256];
	snprintf(path, sizeof path, "%s/schedule.json", dir);
	assert_int_equal(access(path, R_OK), 0);
	remove_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_save_syncs_directory_after_rename),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
