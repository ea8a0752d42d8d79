/*
 * pg_archive: the PostgreSQL store's results by day (store_archive.h):
 * its day partitions (pg_partition.c) listed from the catalogue, and a day
 * taken out: its partition is first detached and renamed archiving_dDATE
 * (one short transaction), so results of the day that come later go to a
 * new partition and wait for nobody; then the held table is read in key
 * order through a cursor and dropped once the archive file is durable
 * (DROP TABLE: instant whatever its size, no dead rows left). A run that
 * stopped leaves the held table, which the next run archives first. While
 * held, a day's results are not served by the API.
 */
#include "store/pg_int.h"
#include "store/store_archive.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* The names of the day's partition and of the table it is archived from, if start
   is a day's start; 0 or -1. */
static int day_tables(int64_t start, char *part, char *held, size_t len, char *err, size_t errlen)
{
	time_t t = (time_t)start;
	struct tm tm;
	if (start < 0 || start % 86400 != 0 || !gmtime_r(&t, &tm)) {
		snprintf(err, errlen, "%lld is not the start of a UTC day", (long long)start);
		return -1;
	}
	snprintf(part, len, "results_d%04d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	snprintf(held, len, "archiving_d%04d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	return 0;
}

/* See store_archive.h (days). */
static int days(struct store *st, json_t **out, char *err, size_t errlen)
{
	return pg_list(pg(st), "days",
		"SELECT to_char(d, 'YYYY-MM-DD') AS day, ((d - date '1970-01-01') * 86400)::bigint"
		" AS start FROM (SELECT DISTINCT to_date(substring(relname FROM '[0-9]{8}$'),"
		" 'YYYYMMDD') AS d FROM pg_class WHERE relkind = 'r'"
		" AND relnamespace = current_schema()::regnamespace"
		" AND relname ~ '^(results|archiving)_d[0-9]{8}$') x ORDER BY d", NULL, out, err, errlen);
}

/* Does table exist? 1, 0 or -1. */
static int exists(struct store_pg *s, const char *table, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	int64_t one;
	pg_arg_text(&q, table);
	return pg_scalar(s, "archive", "SELECT 1 WHERE to_regclass($1) IS NOT NULL", &q, &one,
			 err, errlen);
}

/*
 * Take the day's partition out of results under the name held, in a
 * transaction of its own (a short lock of results): from then on a result
 * of the day goes to a new partition, and held is read at leisure. A held
 * table left by a run that stopped is taken as it is. 0 (1: nothing to
 * take) or -1.
 */
static int hold(struct store_pg *s, const char *part, const char *held, char *err, size_t errlen)
{
	int have = exists(s, held, err, errlen);
	if (have != 0)
		return have < 0 ? -1 : 0;
	if ((have = exists(s, part, err, errlen)) <= 0)
		return have < 0 ? -1 : 1;
	char sql[256];
	struct pg_unit u;
	snprintf(sql, sizeof sql, "ALTER TABLE results DETACH PARTITION %s;"
		 " ALTER TABLE %s RENAME TO %s", part, part, held);
	if (pg_unit_begin(s, &u, "hold", err, errlen) < 0)
		return -1;
	return pg_unit_end(s, &u, pg_exec(s, sql, err, errlen) == 0, err, errlen);
}

/* Give every row of table to fn through a cursor; 0, or -1 (also when fn stopped). */
static int each_row(struct store_pg *s, const char *table, store_row_fn fn, void *arg,
		    char *err, size_t errlen)
{
	char sql[256];
	snprintf(sql, sizeof sql, "DECLARE archive_day NO SCROLL CURSOR FOR SELECT agent_id AS agent,"
		 " epoch, seq, msm_id, ts, body FROM %s ORDER BY agent_id, epoch, seq", table);
	if (pg_exec(s, sql, err, errlen) < 0)
		return -1;
	for (;;) {
		PGresult *res = pg_query(s, "archive", "FETCH 1000 FROM archive_day", NULL, err, errlen);
		if (!res)
			return -1;
		if (PQntuples(res) == 0) {
			PQclear(res);
			return pg_exec(s, "CLOSE archive_day", err, errlen);
		}
		if (pg_each_row(res, fn, arg)) {
			snprintf(err, errlen, "archive of %s stopped", table);
			return -1;
		}
	}
}

/* See store_archive.h (day_take). */
static int day_take(struct store *st, int64_t start, store_row_fn fn,
		    int (*done)(void *arg, char *err, size_t errlen), void *arg,
		    char *err, size_t errlen)
{
	struct store_pg *s = pg(st);
	char part[64], held[64], sql[128];
	struct pg_unit u;
	if (day_tables(start, part, held, sizeof part, err, errlen) < 0)
		return -1;
	int rc = hold(s, part, held, err, errlen);
	/* Forget the day was made: a late result of the day makes it again. */
	for (unsigned i = 0; i < PG_DAYS_KNOWN; i++)
		if (s->days[i] == start / 86400)
			s->days[i] = -1;
	if (rc != 0)
		return rc < 0 ? -1 : done(arg, err, errlen);
	if (pg_unit_begin(s, &u, "archive", err, errlen) < 0)
		return -1;
	snprintf(sql, sizeof sql, "DROP TABLE %s", held);
	int ok = each_row(s, held, fn, arg, err, errlen) == 0 && done(arg, err, errlen) == 0 &&
		 pg_exec(s, sql, err, errlen) == 0;
	return pg_unit_end(s, &u, ok, err, errlen);
}

const struct store_archive_ops pg_archive_ops = {
	.days = days,
	.day_take = day_take,
};
