/*
 * store_fixture: the store the store tests run against. Without
 * VANTAGE_TEST_PG they use a fresh SQLite file; with it (set by
 * tests/pg/pgtmp, a throwaway PostgreSQL cluster) each test gets a fresh
 * database of that cluster, created by its setup and dropped by its
 * teardown, so the same tests check both engines behind the one interface.
 */
#ifndef VANTAGE_TESTS_STORE_FIXTURE_H
#define VANTAGE_TESTS_STORE_FIXTURE_H

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"

/* Is this run against PostgreSQL? */
static inline int fixture_pg(void)
{
	const char *pg = getenv("VANTAGE_TEST_PG");
	return pg && *pg;
}

/* Run one statement on the cluster's maintenance database; 0 or -1 (printed). */
static inline int fixture_pg_admin(const char *sql)
{
	PGconn *c = PQconnectdb(getenv("VANTAGE_TEST_PG"));
	PGresult *r = PQstatus(c) == CONNECTION_OK ? PQexec(c, sql) : NULL;
	int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "store_fixture: %s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return ok ? 0 : -1;
}

/*
 * Make a fresh store spec in spec (size len): a new PostgreSQL database, or
 * the SQLite file path given. 0 or -1.
 */
static inline int fixture_store_new(const char *sqlite_path, char *spec, size_t len)
{
	static unsigned n;
	if (!fixture_pg()) {
		snprintf(spec, len, "%s", sqlite_path);
		return 0;
	}
	char name[64], sql[128];
	snprintf(name, sizeof name, "t_%d_%u", (int)getpid(), n++);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
	if (fixture_pg_admin(sql) < 0)
		return -1;
	/* The URI of the cluster with its database path replaced. */
	const char *uri = getenv("VANTAGE_TEST_PG"), *q = strchr(uri, '?');
	snprintf(spec, len, "postgresql://vantage@/%s%s", name, q ? q : "");
	return 0;
}

/*
 * Has a session of the PostgreSQL database at spec waited on a lock (seen in
 * pg_stat_activity)? Polls up to 30 s. For the race tests: a second writer is
 * seen blocked on the first's lock before the first ends.
 */
static inline int fixture_pg_someone_waits(const char *spec)
{
	PGconn *c = PQconnectdb(spec);
	int waits = 0;
	for (int i = 0; !waits && i < 1500; i++) {
		PGresult *r = PQexec(c, "SELECT COUNT(*) FROM pg_stat_activity WHERE datname ="
				     " current_database() AND wait_event_type = 'Lock'");
		waits = PQresultStatus(r) == PGRES_TUPLES_OK && atoi(PQgetvalue(r, 0, 0)) > 0;
		PQclear(r);
		if (!waits)
			nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
	}
	PQfinish(c);
	return waits;
}

/* Drop the database of spec (PostgreSQL); nothing for SQLite. */
static inline void fixture_store_drop(const char *spec)
{
	if (!store_spec_is_pg(spec))
		return;
	const char *name = strchr(spec + strlen("postgresql://"), '/');
	char sql[160];
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %.*s WITH (FORCE)",
		 (int)strcspn(name + 1, "?"), name + 1);
	fixture_pg_admin(sql);
}

#endif
