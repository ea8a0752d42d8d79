/*
 * Tests of agent states (controller/uptime.h) at their thresholds with an
 * injected clock, and of the store's side (store_uptime.h): the facts
 * summed from sessions, and sessions a killed controller left open closed
 * at the agent's last status, not at the next start. A list of 1,000
 * agents (`agents list` after a batch agents.add) is labelled from one
 * facts_many query, not a facts query per agent, with the same states.
 * Runs on SQLite, and on PostgreSQL under tests/pg/pgtmp.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "controller/controller_int.h"
#include "controller/uptime.h"
#include "store/store.h"
#include "store/store_uptime.h"
#include "store_tmp.h"

static void never_connected(void **state)
{
	(void)state;
	struct store_uptime_facts f = { 0 };
	struct uptime u;
	uptime_of(&f, 1000, 0, &u);
	assert_int_equal(u.state, UPTIME_NEVER);
	assert_int_equal(u.status_since, 0);
	assert_int_equal(u.total_connected, 0);
	assert_string_equal(uptime_state_name(u.state), "Never Connected");
}

static void connected_counts_the_open_session(void **state)
{
	(void)state;
	struct store_uptime_facts f = { .first_connected = 100, .last_connected = 500,
					.last_disconnected = 400, .connected = 1,
					.closed_seconds = 300 };
	struct uptime u;
	uptime_of(&f, 560, 0, &u);
	assert_int_equal(u.state, UPTIME_CONNECTED);
	assert_int_equal(u.status_since, 500);
	assert_int_equal(u.total_connected, 360);
	/* A wall clock stepped back before the session's start adds nothing. */
	uptime_of(&f, 450, 0, &u);
	assert_int_equal(u.total_connected, 300);
}

static void disconnected_until_the_threshold_then_abandoned(void **state)
{
	(void)state;
	struct store_uptime_facts f = { .first_connected = 100, .last_connected = 200,
					.last_disconnected = 1000, .closed_seconds = 900 };
	struct uptime u;
	uptime_of(&f, 1000 + 3599, 3600, &u);
	assert_int_equal(u.state, UPTIME_DISCONNECTED);
	assert_int_equal(u.status_since, 1000);
	assert_string_equal(uptime_state_name(u.state), "Disconnected");
	uptime_of(&f, 1000 + 3600, 3600, &u);
	assert_int_equal(u.state, UPTIME_ABANDONED);
	assert_int_equal(u.status_since, 1000 + 3600);
	assert_int_equal(u.total_connected, 900);
	/* The default threshold: 30 days. */
	uptime_of(&f, 1000 + 30 * 86400 - 1, 0, &u);
	assert_int_equal(u.state, UPTIME_DISCONNECTED);
	uptime_of(&f, 1000 + 30 * 86400, 0, &u);
	assert_int_equal(u.state, UPTIME_ABANDONED);
}

/* A store in a fresh directory, with one registered agent (id 1). */

static int setup(void **state)
{
	struct store_fixture *f = store_fixture_new("vpl-uptime");
	struct store_agent a = { .approved = 1, .role = "probe" };
	char err[256];
	memset(a.fp, 'a', 64);
	assert_int_equal(f->st->ops->agent_add(f->st, &a, err, sizeof err), 0);
	assert_int_equal(a.id, 1);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	store_fixture_free(*state);
	return 0;
}

static void facts_from_sessions(void **state)
{
	struct store_fixture *f = *state;
	struct store *st = f->st;
	char err[256];
	int64_t s1, s2;
	struct store_uptime_facts u;
	assert_int_equal(st->ops->uptime->facts(st, 1, &u, err, sizeof err), 0);
	assert_int_equal(u.first_connected, 0);
	assert_int_equal(st->ops->session_open(st, 1, 100, "peer", &s1, err, sizeof err), 0);
	assert_int_equal(st->ops->session_close(st, s1, 160, "cut", err, sizeof err), 0);
	assert_int_equal(st->ops->session_open(st, 1, 200, "peer", &s2, err, sizeof err), 0);
	assert_int_equal(st->ops->uptime->facts(st, 1, &u, err, sizeof err), 0);
	assert_int_equal(u.first_connected, 100);
	assert_int_equal(u.last_connected, 200);
	assert_int_equal(u.last_disconnected, 160);
	assert_int_equal(u.connected, 1);
	assert_int_equal(u.closed_seconds, 60);
}

static void stale_sessions_end_at_the_last_status(void **state)
{
	struct store_fixture *f = *state;
	struct store *st = f->st;
	char err[256];
	int64_t sid;
	assert_int_equal(st->ops->session_open(st, 1, 1000, "peer", &sid, err, sizeof err), 0);
	assert_int_equal(st->ops->agent_status(st, 1, "{}", 1042, err, sizeof err), 0);
	/* The controller is killed here; the next one starts later and closes it. */
	assert_int_equal(st->ops->uptime->close_stale(st, "stale", err, sizeof err), 1);
	assert_int_equal(st->ops->uptime->close_stale(st, "stale", err, sizeof err), 0);
	struct store_uptime_facts u;
	assert_int_equal(st->ops->uptime->facts(st, 1, &u, err, sizeof err), 0);
	assert_int_equal(u.connected, 0);
	assert_int_equal(u.last_disconnected, 1042);
	assert_int_equal(u.closed_seconds, 42);
	json_t *l;
	assert_int_equal(st->ops->session_list(st, 1, &l, err, sizeof err), 0);
	assert_string_equal(json_string_value(json_object_get(json_array_get(l, 0), "reason")),
			    "stale");
	json_decref(l);

	/* A status older than the session (from an earlier one) ends it at its start. */
	assert_int_equal(st->ops->session_open(st, 1, 2000, "peer", &sid, err, sizeof err), 0);
	assert_int_equal(st->ops->uptime->close_stale(st, "stale", err, sizeof err), 1);
	assert_int_equal(st->ops->uptime->facts(st, 1, &u, err, sizeof err), 0);
	assert_int_equal(u.last_disconnected, 2000);
	assert_int_equal(u.closed_seconds, 42);
}

/* The store's uptime ops, wrapped to count the calls of each. */
static const struct store_uptime_ops *real_uptime;
static int facts_calls, facts_many_calls;

static int count_facts(struct store *st, int64_t agent_id, struct store_uptime_facts *f,
		       char *err, size_t errlen)
{
	facts_calls++;
	return real_uptime->facts(st, agent_id, f, err, errlen);
}

static int count_facts_many(struct store *st, const int64_t *ids, size_t n,
			    struct store_uptime_facts *f, char *err, size_t errlen)
{
	facts_many_calls++;
	return real_uptime->facts_many(st, ids, n, f, err, errlen);
}

#define LISTED 1000

/* The row of rows whose "id" is id (asserts there is one). */
static json_t *row_of(json_t *rows, int64_t id)
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
		if (json_integer_value(json_object_get(row, "id")) == id)
			return row;
	fail_msg("no row of agent %lld", (long long)id);
	return NULL;
}

static void list_labelled_in_one_query(void **state)
{
	struct store_fixture *f = *state;
	struct store *st = f->st;
	char err[256];
	static struct store_agent more[LISTED - 1];
	for (int i = 0; i < LISTED - 1; i++) {
		more[i] = (struct store_agent){ .approved = 1 };
		snprintf(more[i].fp, sizeof more[i].fp, "%064x", i + 1);
		snprintf(more[i].role, sizeof more[i].role, "probe");
	}
	if (st->ops->agent_add_many)
		assert_int_equal(st->ops->agent_add_many(st, more, LISTED - 1, 0, err, sizeof err), 0);
	for (int i = 0; !st->ops->agent_add_many && i < LISTED - 1; i++)
		assert_int_equal(st->ops->agent_add(st, &more[i], err, sizeof err), 0);
	int64_t sid, away = more[499].id;
	assert_int_equal(st->ops->session_open(st, 1, 100, "peer", &sid, err, sizeof err), 0);
	assert_int_equal(st->ops->session_close(st, sid, 160, "cut", err, sizeof err), 0);
	assert_int_equal(st->ops->session_open(st, 1, 200, "peer", &sid, err, sizeof err), 0);
	assert_int_equal(st->ops->session_open(st, away, 300, "peer", &sid, err, sizeof err), 0);
	assert_int_equal(st->ops->session_close(st, sid, 400, "cut", err, sizeof err), 0);
	json_t *rows;
	assert_int_equal(st->ops->agent_list(st, &rows, err, sizeof err), 0);
	assert_int_equal(json_array_size(rows), LISTED);

	struct controller c = { .store = st };
	struct store_ops counted = *st->ops;
	struct store_uptime_ops up = *st->ops->uptime;
	const struct store_ops *ops = st->ops;
	real_uptime = ops->uptime;
	up.facts = count_facts;
	up.facts_many = count_facts_many;
	counted.uptime = &up;
	facts_calls = facts_many_calls = 0;
	st->ops = &counted;
	uptime_label_list(&c, rows);
	st->ops = ops;
	assert_int_equal(facts_calls, 0);
	assert_int_equal(facts_many_calls, 1);

	json_t *one = row_of(rows, 1), *gone = row_of(rows, away), *never = row_of(rows, 2);
	assert_string_equal(json_string_value(json_object_get(one, "state")), "Connected");
	assert_int_equal(json_integer_value(json_object_get(one, "first_connected")), 100);
	assert_int_equal(json_integer_value(json_object_get(one, "last_connected")), 200);
	assert_string_equal(json_string_value(json_object_get(gone, "state")), "Abandoned");
	assert_int_equal(json_integer_value(json_object_get(gone, "total_connected")), 100);
	assert_string_equal(json_string_value(json_object_get(never, "state")), "Never Connected");
	/* every row as uptime_label makes it, agent by agent */
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		json_t *alone = json_pack("{s:O}", "id", json_object_get(row, "id"));
		uptime_label(&c, alone);
		const char *key;
		json_t *v;
		json_object_foreach(alone, key, v)
			if (!json_equal(v, json_object_get(row, key)) && strcmp(key, "total_connected"))
				fail_msg("agent %zu: %s differs", i, key);
		json_decref(alone);
	}
	json_decref(rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(never_connected),
		cmocka_unit_test(connected_counts_the_open_session),
		cmocka_unit_test(disconnected_until_the_threshold_then_abandoned),
		cmocka_unit_test_setup_teardown(facts_from_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(stale_sessions_end_at_the_last_status, setup, teardown),
		cmocka_unit_test_setup_teardown(list_labelled_in_one_query, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
