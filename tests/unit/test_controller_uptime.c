/*
 * Tests of agent states (controller/uptime.h) at their thresholds with an
 * injected clock, and of the store's side (store_uptime.h): the facts
 * summed from sessions, and sessions a killed controller left open closed
 * at the agent's last status, not at the next start.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(never_connected),
		cmocka_unit_test(connected_counts_the_open_session),
		cmocka_unit_test(disconnected_until_the_threshold_then_abandoned),
		cmocka_unit_test_setup_teardown(facts_from_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(stale_sessions_end_at_the_last_status, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
