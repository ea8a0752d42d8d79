/*
 * test_store_mesh_agents: store_mesh.h's agents, the one query a pass of
 * the anchoring mesh makes (controller/mesh_ctl.c), gives for every
 * approved agent just what the four queries per agent it replaces gave:
 * its attributes' addresses (agent_address), its admission (admission
 * get) and its sessions' facts (uptime facts). Agents not approved, or
 * removed, are not listed. On SQLite, and on PostgreSQL under tests/pg/pgtmp.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_admission.h"
#include "store/store_api.h"
#include "store/store_mesh.h"
#include "store/store_uptime.h"
#include "store_tmp.h"

/* Agent n with role, approved or not; its id. */
static int64_t add(struct store *st, int n, const char *role, int approved)
{
	char err[256];
	struct store_agent a = { .approved = approved };
	snprintf(a.fp, sizeof a.fp, "%064d", n);
	snprintf(a.role, sizeof a.role, "%s", role);
	assert_int_equal(st->ops->agent_add(st, &a, err, sizeof err), 0);
	return a.id;
}

static void admit(struct store *st, int64_t id, const char *address, const char *prefix,
		  int64_t asn)
{
	char err[256];
	struct store_admission d = { .agent_id = id, .state = "approved", .asn = asn };
	snprintf(d.address, sizeof d.address, "%s", address);
	snprintf(d.prefix, sizeof d.prefix, "%s", prefix);
	assert_int_equal(st->ops->admission->put(st, &d, err, sizeof err), 0);
}

static void attrs(struct store *st, int64_t id, const char *json)
{
	char err[256];
	json_t *a = json_loads(json, 0, NULL);
	assert_non_null(a);
	assert_int_equal(st->ops->api->agent_attrs(st, id, a, err, sizeof err), 0);
	json_decref(a);
}

static void session(struct store *st, int64_t id, int64_t from, int64_t to)
{
	char err[256];
	int64_t sid;
	assert_int_equal(st->ops->session_open(st, id, from, "198.18.0.9", &sid, err, sizeof err), 0);
	if (to)
		assert_int_equal(st->ops->session_close(st, sid, to, "test", err, sizeof err), 0);
}

/* A text column of row, "" when null. */
static const char *text(const json_t *row, const char *name)
{
	const char *v = json_string_value(json_object_get(row, name));
	return v ? v : "";
}

/* Row (of agents) says what the per-agent queries say of agent id. */
static void same_as_per_agent(struct store *st, const json_t *row)
{
	char err[256], addr[64];
	int64_t id = json_integer_value(json_object_get(row, "id"));
	for (int af = 4; af <= 6; af += 2) {
		int found = st->ops->agent_address(st, id, af, addr, sizeof addr, err, sizeof err);
		assert_true(found >= 0);
		assert_string_equal(text(row, af == 4 ? "address_v4" : "address_v6"),
				    found ? addr : "");
	}
	struct store_admission d;
	int got = st->ops->admission->get(st, id, &d, err, sizeof err);
	assert_true(got >= 0);
	assert_int_equal(json_is_string(json_object_get(row, "adm_address")), got);
	if (got) {
		assert_string_equal(text(row, "adm_address"), d.address);
		assert_string_equal(text(row, "adm_prefix"), d.prefix);
		assert_int_equal(json_integer_value(json_object_get(row, "adm_asn")), d.asn);
	}
	struct store_uptime_facts f;
	assert_int_equal(st->ops->uptime->facts(st, id, &f, err, sizeof err), 0);
	assert_int_equal(json_integer_value(json_object_get(row, "first_connected")),
			 f.first_connected);
	assert_int_equal(json_integer_value(json_object_get(row, "last_connected")),
			 f.last_connected);
	assert_int_equal(json_integer_value(json_object_get(row, "last_disconnected")),
			 f.last_disconnected);
	assert_int_equal(json_integer_value(json_object_get(row, "open_sessions")) > 0,
			 f.connected);
	assert_int_equal(json_integer_value(json_object_get(row, "closed_seconds")),
			 f.closed_seconds);
}

static void agents_as_the_per_agent_queries(void **state)
{
	struct store *st = ((struct store_fixture *)*state)->st;
	char err[256];
	int64_t anchor = add(st, 1, "anchor", 1), probe = add(st, 2, "probe", 1);
	int64_t bare = add(st, 3, "probe", 1), waiting = add(st, 4, "probe", 0);
	int64_t gone = add(st, 5, "probe", 1);
	attrs(st, anchor, "{\"address_v4\":\"198.18.5.1\",\"address_v6\":\"2001:db8:5::1\"}");
	admit(st, anchor, "198.18.5.1", "198.18.5.0/24", 64501);
	admit(st, probe, "2001:db8:7::2", "2001:db8:7::/48", 64502);   /* no attributes */
	admit(st, waiting, "198.18.8.8", "198.18.8.0/24", 64503);
	session(st, anchor, 1000, 1600);
	session(st, anchor, 2000, 0);         /* open */
	session(st, probe, 1500, 1550);
	session(st, probe, 1700, 1900);
	char key[32];
	snprintf(key, sizeof key, "%lld", (long long)gone);
	assert_int_equal(st->ops->agent_remove(st, key, err, sizeof err), 0);
	json_t *rows = NULL;
	assert_int_equal(st->ops->mesh->agents(st, &rows, err, sizeof err), 0);
	assert_int_equal(json_array_size(rows), 3);   /* not the one waiting, nor the removed */
	int64_t want[3] = { anchor, probe, bare };
	for (size_t i = 0; i < 3; i++) {
		json_t *row = json_array_get(rows, i);
		assert_int_equal(json_integer_value(json_object_get(row, "id")), want[i]);
		same_as_per_agent(st, row);
	}
	json_t *a = json_array_get(rows, 0);
	assert_string_equal(text(a, "role"), "anchor");
	assert_int_equal(json_integer_value(json_object_get(a, "open_sessions")), 1);
	assert_int_equal(json_integer_value(json_object_get(a, "closed_seconds")), 600);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 1),
							    "closed_seconds")), 250);
	json_decref(rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(agents_as_the_per_agent_queries, store_fixture_setup,
						store_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
