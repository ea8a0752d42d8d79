/*
 * store_tmp: a store in a fresh temporary folder for the unit tests of the
 * store's newer ops tables (accounts, credits, admission, uptime, the daily
 * agent archive): a SQLite file there, or, when VANTAGE_TEST_PG names a
 * throwaway cluster (tests/pg/pgtmp), a fresh database of that cluster
 * (store_fixture.h). The folder, and the database, are removed after. Tests
 * take it through store_fixture_setup/_teardown (cmocka_unit_test_setup_teardown),
 * so it is freed also when the test fails half-way: otherwise LeakSanitizer's
 * report of the fixture would be all a failing run shows.
 */
#ifndef VANTAGE_TESTS_STORE_TMP_H
#define VANTAGE_TESTS_STORE_TMP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store_fixture.h"

struct store_fixture {
	char dir[64];
	char path[128];     /* the SQLite database: DIR/db */
	char spec[512];     /* what the store is opened with: path, or a PostgreSQL URI */
	struct store *st;   /* open on spec (NULL while a test has it closed) */
};

/* Remove the folder dir and what it holds; 0, or -1 when rm failed. */
static inline int store_fixture_rmdir(const char *dir)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A new fixture under /tmp/NAME-XXXXXX with the store open; fails the test if it cannot. */
static inline struct store_fixture *store_fixture_new(const char *name)
{
	struct store_fixture *f = calloc(1, sizeof *f);
	char err[256] = "";
	if (!f)
		fail_msg("out of memory");
	snprintf(f->dir, sizeof f->dir, "/tmp/%s-XXXXXX", name);
	if (!mkdtemp(f->dir)) {
		free(f);
		fail_msg("mkdtemp /tmp/%s-XXXXXX failed", name);
		return NULL; /* not reached: fail_msg jumps (the compiler does not know) */
	}
	snprintf(f->path, sizeof f->path, "%s/db", f->dir);
	if (fixture_store_new(f->path, f->spec, sizeof f->spec) < 0) {
		store_fixture_rmdir(f->dir);
		free(f);
		fail_msg("no fresh PostgreSQL database");
		return NULL; /* not reached: fail_msg jumps (the compiler does not know) */
	}
	if (!(f->st = store_open(f->spec, err, sizeof err))) {
		fixture_store_drop(f->spec);
		store_fixture_rmdir(f->dir);
		free(f);
		fail_msg("open: %s", err);
		return NULL; /* not reached: fail_msg jumps (the compiler does not know) */
	}
	return f;
}

/* Open the store at f->path again (after a test closed it); fails the test if it cannot. */
static inline void store_fixture_reopen(struct store_fixture *f)
{
	char err[256] = "";
	if (!(f->st = store_open(f->spec, err, sizeof err)))
		fail_msg("reopen: %s", err);
}

/* Close the store (if open), remove the folder, free f. */
static inline void store_fixture_free(struct store_fixture *f)
{
	if (f->st)
		f->st->ops->close(f->st);
	fixture_store_drop(f->spec);
	int rc = store_fixture_rmdir(f->dir);
	char dir[sizeof f->dir];
	snprintf(dir, sizeof dir, "%s", f->dir);
	free(f);
	if (rc < 0)
		fail_msg("rm -rf %s failed", dir);
}

/* cmocka setup: a fixture in *state (under /tmp/vt-store-XXXXXX). */
static inline int store_fixture_setup(void **state)
{
	*state = store_fixture_new("vt-store");
	return 0;
}

/* cmocka teardown: frees the fixture of store_fixture_setup, also after a failed test. */
static inline int store_fixture_teardown(void **state)
{
	store_fixture_free(*state);
	return 0;
}

#endif
