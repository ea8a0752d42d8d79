/*
 * pg_noprobe: the platform no-probe list (store_noprobe.h) in the
 * PostgreSQL store: the entries, and one row holding the list's version.
 * A change and its version bump commit together; the bump's row lock
 * orders changes made by several controllers at once. A trigger on the
 * version row notifies the front-ends' change channel (pg_changes.c) with
 * "noprobe VERSION" as the change commits, so every front-end reloads the
 * list and pushes it to its agents (store_frontend.h: agent_id 0).
 */
#include "store/pg_int.h"
#include "store/store_noprobe.h"

#include <stdio.h>

/* The notify trigger, run by pg.c after the main schema and pg_changes_schema. */
const char pg_noprobe_schema[] =
	"CREATE OR REPLACE FUNCTION vantage_noprobe_notify() RETURNS trigger LANGUAGE plpgsql AS"
	" $$ BEGIN PERFORM pg_notify('" PG_CHANGES_CHANNEL "', 'noprobe ' || NEW.version);"
	"  RETURN NULL; END $$;"
	"CREATE OR REPLACE TRIGGER noprobe_version_notify AFTER UPDATE ON noprobe_version"
	" FOR EACH ROW WHEN (OLD.version IS DISTINCT FROM NEW.version)"
	" EXECUTE FUNCTION vantage_noprobe_notify();";

/* Bump the version into *version; 0 or -1. */
static int bump(struct store_pg *s, int64_t *version, char *err, size_t errlen)
{
	return pg_scalar(s, "no-probe version", "UPDATE noprobe_version SET version = version + 1"
			" WHERE one = 1 RETURNING version", NULL, version, err, errlen) == 1 ? 0 : -1;
}

/*
 * See store_noprobe.h (add). The version row is locked first, so adds from
 * several front-ends run one after the other, and the insert (a statement
 * with a snapshot taken after the lock) counts every entry committed before
 * it: the check and the insert are one step. Counting without the lock, two
 * front-ends could each see room for one more and both insert.
 */
static int np_add(struct store *st, const char *prefix, const char *reason, const char *who,
		  int64_t now, int64_t max, int64_t *version, char *err, size_t errlen)
{
	struct store_pg *s = pg(st);
	struct pg_unit u;
	struct pg_args q = { 0 };
	int64_t locked;
	pg_arg_text(&q, prefix);
	pg_arg_text(&q, reason);
	pg_arg_text(&q, who);
	pg_arg_int(&q, now);
	pg_arg_int(&q, max);
	if (pg_unit_begin(s, &u, "noprobe_change", err, errlen) < 0)
		return -1;
	int64_t added = pg_scalar(s, "no-probe lock", "SELECT version FROM noprobe_version"
				  " WHERE one = 1 FOR UPDATE", NULL, &locked, err, errlen) != 1 ? -1 :
		pg_cmd(s, "no-probe add", "INSERT INTO noprobe(prefix, reason, who, added)"
		       " SELECT $1, $2, $3, $4 WHERE (SELECT COUNT(*) FROM noprobe) < $5"
		       " OR EXISTS (SELECT 1 FROM noprobe WHERE prefix = $1)"
		       " ON CONFLICT (prefix) DO UPDATE SET reason = EXCLUDED.reason,"
		       " who = EXCLUDED.who, added = EXCLUDED.added", &q, err, errlen);
	int ok = added > 0 ? bump(s, version, err, errlen) == 0 : added == 0;
	if (pg_unit_end(s, &u, ok, err, errlen) < 0)
		return -1;
	*version = added > 0 ? *version : locked;
	return added > 0 ? 0 : 1;
}

/* See store_noprobe.h (list). */
static int np_list(struct store *st, json_t **out, int64_t *version, char *err, size_t errlen)
{
	struct store_pg *s = pg(st);
	if (pg_scalar(s, "no-probe version", "SELECT version FROM noprobe_version WHERE one = 1",
		     NULL, version, err, errlen) != 1)
		return -1;
	return pg_list(s, "no-probe list", "SELECT prefix, reason, who, added FROM noprobe"
		       " ORDER BY prefix COLLATE \"C\"", NULL, out, err, errlen);
}

/* See store_noprobe.h (remove). */
static int np_remove(struct store *st, const char *prefix, int64_t *version, char *err,
		     size_t errlen)
{
	struct store_pg *s = pg(st);
	struct pg_unit u;
	struct pg_args q = { 0 };
	pg_arg_text(&q, prefix);
	if (pg_unit_begin(s, &u, "noprobe_change", err, errlen) < 0)
		return -1;
	int64_t removed = pg_cmd(s, "no-probe remove", "DELETE FROM noprobe WHERE prefix = $1", &q,
				 err, errlen);
	int ok = removed > 0 && bump(s, version, err, errlen) == 0;
	if (pg_unit_end(s, &u, ok, err, errlen) == 0)
		return 1;
	if (removed != 0)
		return -1;
	return pg_scalar(s, "no-probe version", "SELECT version FROM noprobe_version WHERE one = 1",
			NULL, version, err, errlen) == 1 ? 0 : -1;
}

const struct store_noprobe_ops pg_noprobe_ops = {
	.add = np_add,
	.remove = np_remove,
	.list = np_list,
};
