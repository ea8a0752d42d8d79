/*
 * pg_prefixes: the versioned prefix tables (store_prefixes.h) in the
 * PostgreSQL store, in the two tables sqlite_prefixes.c uses: one row per
 * version with its counts, and the entries (family, address bytes, length,
 * origin AS) keyed by version and file position. Entries go to the server
 * PG_PREFIX_BATCH at a time as arrays (a full pfx2as table is about a
 * million rows); a load is one unit (pg_unit: a transaction, or a savepoint
 * of the caller's), so a version is whole or absent.
 */
#include "store/pg_int.h"
#include "store/store_prefixes.h"

#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_PREFIX_BATCH 20000

/* The schema this file needs, run by pg.c after the main schema in its transaction. */
const char pg_prefixes_schema[] =
	"CREATE TABLE IF NOT EXISTS prefix_versions ("
	" version bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, source text NOT NULL,"
	" loaded bigint NOT NULL, prefixes bigint NOT NULL, v4_prefixes bigint NOT NULL,"
	" v6_prefixes bigint NOT NULL, slash24s bigint NOT NULL, v6_targets bigint NOT NULL);"
	"CREATE TABLE IF NOT EXISTS prefix_entries ("
	" version bigint NOT NULL REFERENCES prefix_versions(version), pos bigint NOT NULL,"
	" family int NOT NULL, addr bytea NOT NULL, len int NOT NULL, asn bigint NOT NULL,"
	" PRIMARY KEY (version, pos));";

/* Array literals of one batch of entries: pos, family, addr (hex), len, asn. */
struct batch {
	char *col[5];
	size_t len[5], cap[5];
};

/* Append text to column i; 0 or -1 (out of memory). */
static int put(struct batch *b, int i, const char *text)
{
	size_t n = strlen(text);
	if (b->len[i] + n + 2 > b->cap[i]) {
		size_t cap = (b->cap[i] + n + 2) * 2;
		char *p = realloc(b->col[i], cap);
		if (!p)
			return -1;
		b->col[i] = p;
		b->cap[i] = cap;
	}
	memcpy(b->col[i] + b->len[i], text, n + 1);
	b->len[i] += n;
	return 0;
}

/* Entries [from, to) of t as the batch's five array literals; 0 or -1. */
static int batch_fill(struct batch *b, const struct prefix_table *t, size_t from, size_t to)
{
	for (int i = 0; i < 5; i++) {
		b->len[i] = 0;
		if (put(b, i, "{") < 0)
			return -1;
	}
	for (size_t k = from; k < to; k++) {
		const struct pfx2as_entry *e = &t->e[k];
		int v4 = e->prefix.addr.family == AF_INET;
		char num[4][24], hex[40];
		for (int j = 0; j < (v4 ? 4 : 16); j++)
			snprintf(hex + 2 * j, 3, "%02x", e->prefix.addr.a[j]);
		snprintf(num[0], sizeof num[0], "%s%zu", k > from ? "," : "", k);
		snprintf(num[1], sizeof num[1], "%s%d", k > from ? "," : "", v4 ? 4 : 6);
		snprintf(num[2], sizeof num[2], "%s%d", k > from ? "," : "", (int)e->prefix.len);
		snprintf(num[3], sizeof num[3], "%s%" PRIu32, k > from ? "," : "", e->asn);
		if (put(b, 0, num[0]) < 0 || put(b, 1, num[1]) < 0 ||
		    (k > from && put(b, 2, ",") < 0) || put(b, 2, hex) < 0 ||
		    put(b, 3, num[2]) < 0 || put(b, 4, num[3]) < 0)
			return -1;
	}
	for (int i = 0; i < 5; i++)
		if (put(b, i, "}") < 0)
			return -1;
	return 0;
}

/* Insert every entry of t under version, a batch at a time; 0 or -1. */
static int insert_entries(struct store_pg *s, const struct prefix_table *t, int64_t version,
			  char *err, size_t errlen)
{
	struct batch b = { 0 };
	int rc = 0;
	for (size_t from = 0; rc == 0 && from < t->n; from += PG_PREFIX_BATCH) {
		size_t to = t->n - from > PG_PREFIX_BATCH ? from + PG_PREFIX_BATCH : t->n;
		if (batch_fill(&b, t, from, to) < 0) {
			snprintf(err, errlen, "store: prefix entries: out of memory");
			rc = -1;
			break;
		}
		struct pg_args q = { 0 };
		pg_arg_int(&q, version);
		for (int i = 0; i < 5; i++)
			pg_arg_text(&q, b.col[i]);
		if (pg_cmd(s, "prefix entries", "INSERT INTO prefix_entries(version, pos, family,"
			   " addr, len, asn) SELECT $1, p, f, decode(a, 'hex'), l, s FROM"
			   " unnest($2::bigint[], $3::int[], $4::text[], $5::int[], $6::bigint[])"
			   " AS u(p, f, a, l, s)", &q, err, errlen) != (int64_t)(to - from))
			rc = -1;
	}
	for (int i = 0; i < 5; i++)
		free(b.col[i]);
	return rc;
}

/* See store_prefixes.h (load). */
static int pg_prefixes_load(struct store *st, const struct prefix_table *t, const char *source,
			    int64_t now, int64_t *version, char *err, size_t errlen)
{
	struct store_pg *s = pg(st);
	struct pg_unit u;
	struct pg_args q = { 0 };
	pg_arg_text(&q, source);
	pg_arg_int(&q, now);
	pg_arg_int(&q, (int64_t)t->n);
	pg_arg_int(&q, (int64_t)t->v4_prefixes);
	pg_arg_int(&q, (int64_t)t->v6_prefixes);
	pg_arg_int(&q, (int64_t)t->slash24s);
	pg_arg_int(&q, (int64_t)t->v6_targets);
	if (pg_unit_begin(s, &u, "prefixes_load", err, errlen) < 0)
		return -1;
	int ok = pg_scalar(s, "prefix version", "INSERT INTO prefix_versions(source, loaded,"
			   " prefixes, v4_prefixes, v6_prefixes, slash24s, v6_targets)"
			   " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING version", &q, version,
			   err, errlen) == 1 &&
		 insert_entries(s, t, *version, err, errlen) == 0;
	return pg_unit_end(s, &u, ok, err, errlen);
}

/* See store_prefixes.h (versions). */
static int pg_prefixes_versions(struct store *st, json_t **out, char *err, size_t errlen)
{
	return pg_list(pg(st), "prefix versions", "SELECT version, source, loaded, prefixes,"
		       " v4_prefixes, v6_prefixes, slash24s, v6_targets FROM prefix_versions"
		       " ORDER BY version DESC", NULL, out, err, errlen);
}

/* See store_prefixes.h (latest). */
static int pg_prefixes_latest(struct store *st, int64_t *version, char *err, size_t errlen)
{
	return pg_scalar(pg(st), "latest prefix version", "SELECT coalesce(max(version), 0)"
			 " FROM prefix_versions", NULL, version, err, errlen) == 1 ? 0 : -1;
}

/* See store_prefixes.h (exists). */
static int pg_prefixes_exists(struct store *st, int64_t version, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	int64_t one = 0;
	pg_arg_int(&q, version);
	return pg_scalar(pg(st), "prefix version", "SELECT 1 FROM prefix_versions"
			 " WHERE version = $1", &q, &one, err, errlen);
}

/* Row r of res back into an entry; 0, or -1 when the row is damaged. */
static int row_entry(const PGresult *res, int r, struct pfx2as_entry *e)
{
	memset(e, 0, sizeof *e);
	int family = (int)pg_get_int(res, r, 0);
	const char *hex = PQgetvalue(res, r, 1);   /* "\x0a000000" (bytea_output hex) */
	int len = (int)pg_get_int(res, r, 2);
	size_t bytes = family == 4 ? 4 : 16;
	if ((family != 4 && family != 6) || len < 0 || len > (int)bytes * 8 ||
	    strncmp(hex, "\\x", 2) != 0 || strlen(hex + 2) != 2 * bytes)
		return -1;
	for (size_t j = 0; j < bytes; j++) {
		unsigned v;
		if (sscanf(hex + 2 + 2 * j, "%2x", &v) != 1)
			return -1;
		e->prefix.addr.a[j] = (uint8_t)v;
	}
	e->prefix.addr.family = family == 4 ? AF_INET : AF_INET6;
	e->prefix.len = (uint8_t)len;
	e->asn = (uint32_t)pg_get_int(res, r, 3);
	return 0;
}

/* See store_prefixes.h (each). */
static int pg_prefixes_each(struct store *st, int64_t version, store_prefix_fn fn, void *arg,
			    char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_int(&q, version);
	PGresult *res = pg_query(pg(st), "prefix entries", "SELECT family, addr, len, asn FROM"
				 " prefix_entries WHERE version = $1 ORDER BY pos", &q, err, errlen);
	if (!res)
		return -1;
	int rc = 0;
	for (int r = 0; r < PQntuples(res); r++) {
		struct pfx2as_entry e;
		if (row_entry(res, r, &e) < 0) {
			snprintf(err, errlen, "store: prefix version %lld holds a damaged entry",
				 (long long)version);
			rc = -1;
			break;
		}
		if (fn(arg, &e) != 0)
			break;
	}
	PQclear(res);
	return rc;
}

const struct store_prefix_ops pg_prefix_ops = {
	.load = pg_prefixes_load,
	.versions = pg_prefixes_versions,
	.latest = pg_prefixes_latest,
	.exists = pg_prefixes_exists,
	.each = pg_prefixes_each,
};
