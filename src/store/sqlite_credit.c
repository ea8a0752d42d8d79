/*
 * sqlite_credit: the credits ledger (store_credit.h) in the SQLite store.
 * One table of entries with a unique reference, so a result charged or a
 * minute earned twice is one entry; one table of why the ledger stopped a
 * measurement. Both are tables of their own, so no older table changes.
 * The charge of a result is written by results_put (sqlite_results.c)
 * through sq_credit_charge, inside the savepoint that stores the result.
 */
#include "store/sqlite_int.h"
#include "store/store_account.h"
#include "store/store_credit.h"

#define STR_(x) #x
#define STR(x) STR_(x)

#include <stdio.h>
#include <string.h>

static const char credit_schema[] =
	"CREATE TABLE IF NOT EXISTS credit_ledger ("
	" id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL REFERENCES accounts(id),"
	" amount INTEGER NOT NULL, reason TEXT NOT NULL, ref TEXT UNIQUE NOT NULL,"
	" msm_id INTEGER, agent_id INTEGER, time INTEGER NOT NULL, note TEXT);"
	"CREATE INDEX IF NOT EXISTS credit_ledger_by_account ON credit_ledger(account_id, time);"
	"CREATE TABLE IF NOT EXISTS credit_stopped ("
	" msm_id INTEGER PRIMARY KEY REFERENCES measurements(id), reason TEXT NOT NULL,"
	" time INTEGER NOT NULL);";

/* The measurements of an account running at ?2 (as api_caps counts a key's). */
#define RUNNING_OF_ACCOUNT \
	" FROM api_msm a JOIN measurements m ON m.id = a.msm_id JOIN account_keys k" \
	" ON k.key_id = a.key_id WHERE k.account_id = ?1 AND m.stopped IS NULL AND" \
	" ((a.is_oneoff = 0 AND (coalesce(m.stop, 0) = 0 OR m.stop > ?2)) OR" \
	" (a.is_oneoff = 1 AND coalesce(m.start, 0) > ?2 - 600))"

/* See sqlite_int.h. */
int sq_credit_schema(struct store_sqlite *s, char *err, size_t errlen)
{
	if (sq_exec(s, credit_schema, err, errlen) < 0)
		return -1;
	s->put_charge = sq_prep(s, "INSERT OR IGNORE INTO credit_ledger(account_id, amount, reason,"
		" ref, msm_id, agent_id, time) VALUES (?1, -?2, 'result', 'result:' || ?3 || ':' ||"
		" ?4 || ':' || ?5, ?6, ?3, coalesce(nullif(" SQ_RESULT_TS("?7") ", 0), unixepoch()))", err, errlen);
	return s->put_charge ? 0 : -1;
}

/* See sqlite_int.h. */
int sq_credit_charge(struct store_sqlite *s, const struct store_result *r)
{
	sqlite3_stmt *q = s->put_charge;
	sqlite3_reset(q);
	sqlite3_bind_int64(q, 1, r->charge_account);
	sqlite3_bind_int64(q, 2, r->charge);
	sqlite3_bind_int64(q, 3, r->agent_id);
	sqlite3_bind_int64(q, 4, r->epoch);
	sqlite3_bind_int64(q, 5, r->seq);
	sqlite3_bind_int64(q, 6, r->msm_id);
	sqlite3_bind_text(q, 7, r->body, (int)r->len, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* See store_credit.h (msm_payer). */
static int msm_payer(struct store *st, int64_t msm_id, struct store_credit_msm *m,
		     char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT m.def, coalesce(m.interval, 0), coalesce(a.is_oneoff, 0),"
		" CASE WHEN k.account_id = " STR(STORE_ACCOUNT_DEFAULT) " THEN 0"
		" ELSE coalesce(k.account_id, 0) END FROM measurements m LEFT JOIN api_msm a ON a.msm_id = m.id"
		" LEFT JOIN account_keys k ON k.key_id = a.key_id WHERE m.id = ?", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, msm_id);
	memset(m, 0, sizeof *m);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		m->def = json_loads((const char *)sqlite3_column_text(q, 0), 0, NULL);
		m->interval = sqlite3_column_int64(q, 1);
		m->is_oneoff = sqlite3_column_int(q, 2);
		m->account_id = sqlite3_column_int64(q, 3);
	}
	sqlite3_finalize(q);
	if (rc == SQLITE_ROW && !m->def) {
		snprintf(err, errlen, "store: measurement %lld has no JSON definition",
			 (long long)msm_id);
		return -1;
	}
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : sq_fail(s, "payer", err, errlen);
}

/* See store_credit.h (earn). */
static int64_t earn(struct store *st, int64_t account_id, int64_t agent_id, int64_t first,
		    int64_t last, int64_t per_minute, int64_t now, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "INSERT OR IGNORE INTO credit_ledger(account_id, amount, reason,"
		" ref, agent_id, time) VALUES (?1, ?2, 'connected minute', 'minute:' || ?3 || ':' || ?4,"
		" ?3, ?5)", err, errlen);
	if (!q)
		return -1;
	int64_t added = 0;
	for (int64_t m = first; m <= last; m++) {
		sqlite3_reset(q);
		sqlite3_bind_int64(q, 1, account_id);
		sqlite3_bind_int64(q, 2, per_minute);
		sqlite3_bind_int64(q, 3, agent_id);
		sqlite3_bind_int64(q, 4, m);
		sqlite3_bind_int64(q, 5, now);
		if (sqlite3_step(q) != SQLITE_DONE) {
			sq_fail(s, "earn", err, errlen);
			sqlite3_finalize(q);
			return -1;
		}
		added += sqlite3_changes(s->db);
	}
	sqlite3_finalize(q);
	return added;
}

/* One half of a transfer. */
static int transfer_half(struct store_sqlite *s, int64_t account, int64_t amount,
			 const char *ref, const char *note, int64_t now, char *err, size_t errlen)
{
	sqlite3_stmt *q = sq_prep(s, "INSERT INTO credit_ledger(account_id, amount, reason, ref,"
				  " time, note) VALUES (?, ?, 'transfer', ?, ?, ?)", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, account);
	sqlite3_bind_int64(q, 2, amount);
	sqlite3_bind_text(q, 3, ref, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 4, now);
	sqlite3_bind_text(q, 5, note ? note : "", -1, SQLITE_TRANSIENT);
	return sq_step_done(s, q, "transfer", err, errlen) < 0 ? -1 : 0;
}

/* See store_credit.h (transfer). The id is the first half's row id. */
static int transfer(struct store *st, int64_t from, int64_t to, int64_t amount, const char *note,
		    int64_t now, int64_t *id, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	char ref[64];
	if (amount <= 0 || from == to) {
		snprintf(err, errlen, "a transfer moves a positive amount between two accounts");
		return -1;
	}
	if (sq_exec(s, "SAVEPOINT transfer", err, errlen) < 0)
		return -1;
	int rc = transfer_half(s, from, -amount, "transfer:pending:from", note, now, err, errlen);
	*id = sqlite3_last_insert_rowid(s->db);
	snprintf(ref, sizeof ref, "transfer:%lld:to", (long long)*id);
	if (rc == 0)
		rc = transfer_half(s, to, amount, ref, note, now, err, errlen);
	snprintf(ref, sizeof ref, "UPDATE credit_ledger SET ref = 'transfer:%lld:from' WHERE id = %lld",
		 (long long)*id, (long long)*id);
	if (rc == 0)
		rc = sq_exec(s, ref, err, errlen);
	if (rc == 0)
		return sq_exec(s, "RELEASE transfer", err, errlen);
	sq_exec(s, "ROLLBACK TO transfer; RELEASE transfer", NULL, 0);
	return -1;
}

/* See store_credit.h (sums). */
static int sums(struct store *st, int64_t account_id, int64_t since, int64_t now,
		struct store_credit_sums *o, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT coalesce(SUM(amount), 0),"
		" coalesce(SUM(CASE WHEN amount > 0 AND time >= ?2 AND time <= ?3 THEN amount END), 0),"
		" coalesce(SUM(CASE WHEN reason = 'result' AND time >= ?2 AND time <= ?3"
		"  THEN -amount END), 0),"
		" COUNT(CASE WHEN reason = 'result' AND time >= ?2 AND time <= ?3 THEN 1 END),"
		" coalesce(MAX(CASE WHEN amount < 0 THEN time END), 0),"
		" coalesce(MAX(CASE WHEN amount > 0 THEN time END), 0)"
		" FROM credit_ledger WHERE account_id = ?1", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, account_id);
	sqlite3_bind_int64(q, 2, since);
	sqlite3_bind_int64(q, 3, now);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		o->balance = sqlite3_column_int64(q, 0);
		o->income = sqlite3_column_int64(q, 1);
		o->spent = sqlite3_column_int64(q, 2);
		o->results = sqlite3_column_int64(q, 3);
		o->last_debited = sqlite3_column_int64(q, 4);
		o->last_credited = sqlite3_column_int64(q, 5);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 0 : sq_fail(s, "credit sums", err, errlen);
}

/* See store_credit.h (ledger). */
static int ledger(struct store *st, int64_t account_id, int64_t from, int64_t to, int64_t limit,
		  json_t **out, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT id, time, amount, reason, ref, msm_id, agent_id, note"
		" FROM credit_ledger WHERE account_id = ?1 AND time >= ?2 AND (?3 = 0 OR time < ?3)"
		" ORDER BY time, id LIMIT ?4", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, account_id);
	sqlite3_bind_int64(q, 2, from);
	sqlite3_bind_int64(q, 3, to);
	sqlite3_bind_int64(q, 4, limit);
	return sq_list(s, q, out, err, errlen);
}

/* See store_credit.h (running). */
static int running(struct store *st, int64_t account_id, int64_t now, int64_t *count,
		   char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT COUNT(*)" RUNNING_OF_ACCOUNT, err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, account_id);
	sqlite3_bind_int64(q, 2, now);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*count = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 0 : sq_fail(s, "running measurements", err, errlen);
}

/* Stop each measurement of ids with the reason, in the caller's savepoint. */
static int stop_each(struct store_sqlite *s, const json_t *ids, const char *reason, int64_t now,
		     char *err, size_t errlen)
{
	size_t i;
	const json_t *v;
	json_array_foreach(ids, i, v) {
		sqlite3_stmt *q = sq_prep(s, "INSERT OR REPLACE INTO credit_stopped(msm_id, reason, time)"
					  " VALUES (?, ?, ?)", err, errlen);
		if (!q)
			return -1;
		sqlite3_bind_int64(q, 1, json_integer_value(v));
		sqlite3_bind_text(q, 2, reason, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 3, now);
		if (sq_step_done(s, q, "stop reason", err, errlen) < 0 ||
		    sq_msm_stop(&s->base, json_integer_value(v), now, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* See store_credit.h (stop_account). */
static int stop_account(struct store *st, int64_t account_id, const char *reason, int64_t now,
			json_t **ids, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT m.id AS id" RUNNING_OF_ACCOUNT, err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, account_id);
	sqlite3_bind_int64(q, 2, now);
	if (sq_list_ids(s, q, ids, err, errlen) < 0)
		return -1;
	if (sq_exec(s, "SAVEPOINT stop_account", err, errlen) < 0 ||
	    stop_each(s, *ids, reason, now, err, errlen) < 0 ||
	    sq_exec(s, "RELEASE stop_account", err, errlen) < 0) {
		sq_exec(s, "ROLLBACK TO stop_account; RELEASE stop_account", NULL, 0);
		json_decref(*ids);
		*ids = NULL;
		return -1;
	}
	return 0;
}

/* See store_credit.h (stop_reason). */
static int stop_reason(struct store *st, int64_t msm_id, char *out, size_t len,
		       char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT reason FROM credit_stopped WHERE msm_id = ?", err,
				  errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, msm_id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		snprintf(out, len, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : sq_fail(s, "stop reason", err, errlen);
}

const struct store_credit_ops sq_credit_ops = {
	.msm_payer = msm_payer,
	.earn = earn,
	.transfer = transfer,
	.sums = sums,
	.ledger = ledger,
	.running = running,
	.stop_account = stop_account,
	.stop_reason = stop_reason,
};
