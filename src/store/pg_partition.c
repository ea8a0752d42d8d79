/*
 * pg_partition: the results table of the PostgreSQL store is partitioned by
 * day (UTC) of each result's "timestamp": partition results_dYYYYMMDD holds
 * ts in [day, day + 86400). A partition is made the first time a result of
 * its day arrives; the few days this connection has seen are cached, so the
 * hot path asks the server nothing. Two writers making the same day at once
 * is harmless: the loser's attempt runs in a savepoint and is forgotten
 * once the partition is seen to exist. A result without a timestamp (ts 0)
 * lands in the partition of 1970-01-01.
 */
#include "store/pg_int.h"

#include <stdio.h>
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

/* Does relation name exist? 1, 0 or -1. */
static int exists(struct store_pg *s, const char *name, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	int64_t one;
	pg_arg_text(&q, name);
	return pg_scalar(s, "partition lookup", "SELECT 1 FROM pg_class WHERE relname = $1"
			" AND relnamespace = current_schema()::regnamespace", &q, &one, err, errlen);
}

/* Create the partition of the day starting at start (in a unit of its own); 0 or -1. */
static int create(struct store_pg *s, int64_t start, const char *name, char *err, size_t errlen)
{
	char sql[256];
	struct pg_unit u;
	snprintf(sql, sizeof sql, "CREATE TABLE IF NOT EXISTS %s PARTITION OF results"
		 " FOR VALUES FROM (%lld) TO (%lld)", name, (long long)start,
		 (long long)(start + DAY));
	if (pg_unit_begin(s, &u, "partition", err, errlen) < 0)
		return -1;
	int ok = pg_exec(s, sql, err, errlen) == 0;
	if (pg_unit_end(s, &u, ok, err, errlen) == 0)
		return 0;
	/* Another writer made it at the same moment: it exists now. */
	return exists(s, name, err, errlen) == 1 ? 0 : -1;
}

/* See pg_int.h. */
int pg_partition_for(struct store_pg *s, int64_t ts, char *err, size_t errlen)
{
	int64_t day = (ts > 0 ? ts : 0) / DAY;
	for (unsigned i = 0; i < PG_DAYS_KNOWN; i++)
		if (s->days[i] == day)
			return 0;
	char name[64];
	part_name(day * DAY, name, sizeof name);
	int have = exists(s, name, err, errlen);
	if (have < 0 || (have == 0 && create(s, day * DAY, name, err, errlen) < 0))
		return -1;
	s->days[s->days_next++ % PG_DAYS_KNOWN] = day;
	return 0;
}
