/*
 * pg_partition: the results table of the PostgreSQL store is partitioned by
 * day (UTC) of each result's "timestamp": partition results_dYYYYMMDD holds
 * ts in [day, day + 86400). A partition is made the first time a result of
 * its day arrives; the few days this connection has seen are cached, so the
 * hot path asks the server nothing. A result without a timestamp (ts 0)
 * lands in the partition of 1970-01-01.
 *
 * Making one must not wait for the transaction the result is written in:
 * CREATE TABLE ... PARTITION OF would lock the whole results table against
 * every other writer until that transaction ends (and deadlock with them).
 * So a second connection of the store makes it and commits at once: an
 * empty table like results, then ATTACH PARTITION, which only takes a lock
 * that ingest's inserts and the API's reads do not conflict with. An
 * advisory lock per day lets one writer make it while the others wait and
 * then find it.
 */
#include "store/pg_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define DAY 86400

/* The partition's name for the day starting at start. */
static void part_name(int64_t start, char *out, size_t len)
{
	time_t t = (time_t)start;
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, len, "results_d%04d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* Run sql on the ddl connection (opened the first time); 0 or -1 with err. */
static int ddl_exec(struct store_pg *s, const char *sql, char *err, size_t errlen)
{
	if (s->ddl && PQstatus(s->ddl) != CONNECTION_OK) {
		PQfinish(s->ddl);
		s->ddl = NULL;
	}
	if (!s->ddl)
		s->ddl = pg_connect(s->conninfo);
	PGresult *res = PQstatus(s->ddl) == CONNECTION_OK ? PQexec(s->ddl, sql) : NULL;
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
	if (!ok) {
		const char *m = res ? PQresultErrorMessage(res) : PQerrorMessage(s->ddl);
		snprintf(err, errlen, "store: partition: %.*s", (int)strcspn(m, "\n"), m);
		PQclear(PQexec(s->ddl, "ROLLBACK"));   /* leave no transaction open */
	}
	PQclear(res);
	return ok ? 0 : -1;
}

/* Make the partition of the day starting at start, unless it exists; 0 or -1. */
static int create(struct store_pg *s, int64_t start, const char *name, char *err, size_t errlen)
{
	char sql[1024];
	snprintf(sql, sizeof sql,
		 "BEGIN; SELECT pg_advisory_xact_lock(7265677, %lld);"
		 "DO $$ BEGIN IF to_regclass('%s') IS NULL THEN"
		 " CREATE TABLE %s (LIKE results INCLUDING DEFAULTS INCLUDING CONSTRAINTS);"
		 " ALTER TABLE results ATTACH PARTITION %s FOR VALUES FROM (%lld) TO (%lld);"
		 " END IF; END $$; COMMIT", (long long)(start / DAY), name, name, name,
		 (long long)start, (long long)(start + DAY));
	return ddl_exec(s, sql, err, errlen);
}

/* See pg_int.h. */
int pg_partition_for(struct store_pg *s, int64_t ts, char *err, size_t errlen)
{
	int64_t day = (ts > 0 ? ts : 0) / DAY;
	for (unsigned i = 0; i < PG_DAYS_KNOWN; i++)
		if (s->days[i] == day)
			return 0;
	char name[64], sql[128];
	int64_t one;
	part_name(day * DAY, name, sizeof name);
	snprintf(sql, sizeof sql, "SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass('%s')",
		 name);
	int have = pg_scalar(s, "partition lookup", sql, NULL, &one, err, errlen);
	if (have < 0 || (have == 0 && create(s, day * DAY, name, err, errlen) < 0))
		return -1;
	s->days[s->days_next++ % PG_DAYS_KNOWN] = day;
	return 0;
}
