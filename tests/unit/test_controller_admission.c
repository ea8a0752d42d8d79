/*
 * test_controller_admission: each admission rule at its edge (the pure
 * decision of controller/admission.h), the check-host report's verdict, and
 * what the store counts for the rules: probes at an address and in a
 * prefix per account and overall, and anchors per account per year with an
 * injected clock (an anchor removed still counts; one admitted 365 days ago
 * no longer does); decisions, reports and locations read back as kept. The
 * store cases run on SQLite, and on PostgreSQL under tests/pg/pgtmp
 * (controller_admission_on_pg). Two deciders at once (two front-ends) keep
 * the per-address cap: the second waits on the first's admission lock (seen
 * in pg_stat_activity) and then counts the first's approval.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/api_geometry.h"
#include "controller/admission.h"
#include "store/store.h"
#include "store/store_account.h"
#include "store/store_admission.h"
#include "store_tmp.h"

/* A software probe at 198.18.1.1 in 198.18.0.0/16 (AS64500), nothing around it. */
static struct admission_facts probe_facts(void)
{
	return (struct admission_facts){ .address = "198.18.1.1", .prefix = "198.18.0.0/16",
					 .asn = 64500, .location_ok = 1 };
}

static enum admission_state decide(const struct admission_facts *f, char *why, size_t wl)
{
	struct platform_policy p;
	platform_policy_defaults(&p);
	return admission_decide(&p, f, why, wl);
}

static void probes_per_address_edge(void **state)
{
	(void)state;
	char why[400];
	struct admission_facts f = probe_facts();
	f.at_address = 1;   /* one more makes 2: allowed */
	assert_int_equal(decide(&f, why, sizeof why), ADMISSION_APPROVED);
	f.at_address = 2;   /* a third: refused */
	assert_int_equal(decide(&f, why, sizeof why), ADMISSION_REFUSED);
	assert_non_null(strstr(why, "probes_per_address 2"));
	f.address = "";     /* no address known yet: the cap waits for the connection */
	assert_int_equal(decide(&f, why, sizeof why), ADMISSION_APPROVED);
}

static void probes_per_prefix_edges(void **state)
{
	(void)state;
	char why[400];
	struct admission_facts f = probe_facts();
	f.account_in_prefix = 3;
	f.in_prefix = 31;
	assert_int_equal(decide(&f, why, sizeof why), ADMISSION_APPROVED);
	f.account_in_prefix = 4;
	assert_int_equal(decide(&f, why, sizeof why), ADMISSION_REFUSED);
	assert_non_null(strstr(why, "probes_per_account_prefix 4"));
	f.account_in_prefix = 0;
	f.in_prefix = 32;
	assert_int_equal(decide(&f, why, sizeof why), ADMISSION_REFUSED);
	assert_non_null(strstr(why, "probes_per_prefix_v4 32"));
	f.v6 = 1;           /* IPv6 prefixes hold 64 */
	f.address = "2001:db8::1";
	f.prefix = "2001:db8::/32";
	f.in_prefix = 63;
	assert_int_equal(decide(&f, why, sizeof why), ADMISSION_APPROVED);
	f.in_prefix = 64;
	assert_int_equal(decide(&f, why, sizeof why), ADMISSION_REFUSED);
	assert_non_null(strstr(why, "probes_per_prefix_v6 64"));
	f.prefix = "";      /* not in the prefix table: no prefix caps */
	assert_int_equal(decide(&f, why, sizeof why), ADMISSION_APPROVED);
}

static void anchors_are_not_probes(void **state)
{
	(void)state;
	char why[400];
	struct admission_facts f = probe_facts();
	f.anchor = 1;
	f.at_address = 10;  /* the software probe caps do not apply to anchors */
	f.report = REPORT_PASS;
	assert_int_equal(decide(&f, why, sizeof why), ADMISSION_APPROVED);
}

static void anchors_per_year_edge(void **state)
{
	(void)state;
	char why[400];
	struct admission_facts f = probe_facts();
	f.anchor = 1;
	f.report = REPORT_PASS;
	f.anchors_year = 4;
	assert_int_equal(decide(&f, why, sizeof why), ADMISSION_APPROVED);
	f.anchors_year = 5;
	assert_int_equal(decide(&f, why, sizeof why), ADMISSION_REFUSED);
	assert_non_null(strstr(why, "anchors_per_account_year 5"));
	f.anchor_counted = 1;   /* admitted before (a new address): it holds its place */
	assert_int_equal(decide(&f, why, sizeof why), ADMISSION_APPROVED);
}

static void anchor_report(void **state)
{
	(void)state;
	char why[400];
	struct admission_facts f = probe_facts();
	f.anchor = 1;
	f.report = REPORT_FAIL;
	f.report_why = "ram_mb";
	assert_int_equal(decide(&f, why, sizeof why), ADMISSION_REFUSED);
	assert_non_null(strstr(why, "ram_mb"));
	f.report = REPORT_NONE;   /* none: on the operator's approval, said in the reason */
	assert_int_equal(decide(&f, why, sizeof why), ADMISSION_APPROVED);
	assert_non_null(strstr(why, "no check-host report"));
	struct platform_policy p;
	platform_policy_defaults(&p);
	p.anchor_check = 0;
	f.report = REPORT_FAIL;
	assert_int_equal(admission_decide(&p, &f, why, sizeof why), ADMISSION_APPROVED);
}

static void location_waits(void **state)
{
	(void)state;
	char why[400];
	struct admission_facts f = probe_facts();
	f.location_ok = 0;
	assert_int_equal(decide(&f, why, sizeof why), ADMISSION_PENDING);
	assert_non_null(strstr(why, "permissions grant"));
	f.at_address = 2;         /* a cap refuses before a permission is asked for */
	assert_int_equal(decide(&f, why, sizeof why), ADMISSION_REFUSED);
	f.at_address = 0;
	f.prefix = "";            /* unrouted: nothing to check the location against */
	assert_int_equal(decide(&f, why, sizeof why), ADMISSION_APPROVED);
	struct platform_policy p;
	platform_policy_defaults(&p);
	p.location_check = 0;
	f.prefix = "198.18.0.0/16";
	assert_int_equal(admission_decide(&p, &f, why, sizeof why), ADMISSION_APPROVED);
}

static void report_judge(void **state)
{
	(void)state;
	char why[300];
	json_t *r = json_loads("{\"role\":\"anchor\",\"summary\":{\"pass\":9,\"warn\":1,\"fail\":0},"
			       "\"host\":{\"virt\":{\"virtualised\":true}}}", 0, NULL);
	assert_int_equal(admission_report_judge(r, why, sizeof why), REPORT_PASS);  /* a VM */
	json_decref(r);
	r = json_loads("{\"role\":\"anchor\",\"summary\":{\"fail\":2},\"checks\":["
		       "{\"name\":\"ram\",\"status\":\"fail\"},{\"name\":\"cpus\",\"status\":\"pass\"},"
		       "{\"name\":\"ipv6\",\"status\":\"fail\"}]}", 0, NULL);
	assert_int_equal(admission_report_judge(r, why, sizeof why), REPORT_FAIL);
	assert_string_equal(why, "ram, ipv6");
	json_decref(r);
	r = json_loads("{\"role\":\"probe\",\"summary\":{\"fail\":0}}", 0, NULL);
	assert_int_equal(admission_report_judge(r, why, sizeof why), REPORT_FAIL);
	json_decref(r);
	r = json_loads("{\"role\":\"anchor\"}", 0, NULL);
	assert_int_equal(admission_report_judge(r, why, sizeof why), REPORT_FAIL);
	json_decref(r);
}

/* Register agent n (role) in account, approved, and decided approved at address/prefix. */
static int64_t add_admitted(struct store *st, int n, const char *role, int64_t account,
			    const char *address, const char *prefix)
{
	char err[256];
	struct store_agent a = { .approved = 1 };
	snprintf(a.fp, sizeof a.fp, "%064d", n);
	snprintf(a.role, sizeof a.role, "%s", role);
	assert_int_equal(st->ops->agent_add(st, &a, err, sizeof err), 0);
	assert_int_equal(st->ops->account->own_agent(st, a.id, account, err, sizeof err), 0);
	struct store_admission d = { .agent_id = a.id, .state = "approved" };
	snprintf(d.address, sizeof d.address, "%s", address);
	snprintf(d.prefix, sizeof d.prefix, "%s", prefix);
	assert_int_equal(st->ops->admission->put(st, &d, err, sizeof err), 0);
	return a.id;
}

static int64_t counted(struct store *st, const char *address, const char *prefix, int64_t account,
		       int64_t except)
{
	char err[256];
	int64_t n = -1;
	struct store_admission_count q = { address, prefix, account, except };
	assert_int_equal(st->ops->admission->count(st, &q, &n, err, sizeof err), 0);
	return n;
}

static void store_counts(void **state)
{
	struct store *st = ((struct store_fixture *)*state)->st;
	char err[256];
	int64_t other;
	assert_int_equal(st->ops->account->add(st, "other", "", 1, &other, err, sizeof err), 0);
	int64_t a1 = add_admitted(st, 1, "probe", 1, "198.18.1.1", "198.18.0.0/16");
	add_admitted(st, 2, "probe", 1, "198.18.1.1", "198.18.0.0/16");
	add_admitted(st, 3, "probe", other, "198.18.1.1", "198.18.0.0/16");
	add_admitted(st, 4, "anchor", 1, "198.18.1.1", "198.18.0.0/16");   /* not a probe */
	assert_int_equal(counted(st, "198.18.1.1", NULL, 1, 0), 2);
	assert_int_equal(counted(st, "198.18.1.1", NULL, 1, a1), 1);     /* not itself */
	assert_int_equal(counted(st, NULL, "198.18.0.0/16", 0, 0), 3);
	assert_int_equal(st->ops->agent_remove(st, "2", err, sizeof err), 0);
	assert_int_equal(counted(st, "198.18.1.1", NULL, 1, 0), 1);      /* removed: gone */
	struct store_admission d = { .agent_id = a1, .state = "pending" };
	assert_int_equal(st->ops->admission->put(st, &d, err, sizeof err), 0);
	assert_int_equal(counted(st, NULL, "198.18.0.0/16", 0, 0), 1);   /* pending: not counted */
}

static void store_anchor_year(void **state)
{
	struct store *st = ((struct store_fixture *)*state)->st;
	char err[256];
	const int64_t t0 = 1700000000;
	int64_t n = -1;
	int64_t id = add_admitted(st, 7, "anchor", 1, "", "");
	assert_int_equal(st->ops->admission->anchor_admitted(st, id, 1, t0, err, sizeof err), 0);
	assert_int_equal(st->ops->admission->anchor_admitted(st, id, 1, t0 + 99, err, sizeof err), 0);
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)id);
	assert_int_equal(st->ops->agent_remove(st, key, err, sizeof err), 0);   /* still counts */
	/* the window at time now is [now - year + 1, now] */
	int64_t now = t0 + ADMISSION_YEAR - 1;
	assert_int_equal(st->ops->admission->anchors_since(st, 1, now - ADMISSION_YEAR + 1, 0, &n,
							   err, sizeof err), 0);
	assert_int_equal(n, 1);
	now = t0 + ADMISSION_YEAR;
	assert_int_equal(st->ops->admission->anchors_since(st, 1, now - ADMISSION_YEAR + 1, 0, &n,
							   err, sizeof err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(st->ops->admission->anchors_since(st, 2, 0, 0, &n, err, sizeof err), 0);
	assert_int_equal(n, 0);   /* another account's allowance is its own */
}

static void store_locations(void **state)
{
	struct store *st = ((struct store_fixture *)*state)->st;
	char err[256];
	json_t *rows = NULL;
	assert_int_equal(st->ops->admission->own_add(st, 1, NULL, 64500, 5, err, sizeof err), 0);
	assert_int_equal(st->ops->admission->permit(st, 1, "198.18.0.0/16", 0, "isp agreed", 6,
						    err, sizeof err), 0);
	assert_int_equal(st->ops->admission->locations(st, 1, &rows, err, sizeof err), 0);
	assert_int_equal(json_array_size(rows), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "kind")), "own");
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 1), "note")),
			    "isp agreed");
	json_decref(rows);
	assert_int_equal(st->ops->admission->locations(st, 2, &rows, err, sizeof err), 0);
	assert_int_equal(json_array_size(rows), 0);
	json_decref(rows);
}

static void store_decision_report_location(void **state)
{
	struct store *st = ((struct store_fixture *)*state)->st;
	char err[256], role[16];
	int64_t id = add_admitted(st, 9, "anchor", 1, "198.18.2.2", "198.18.2.0/24");
	assert_int_equal(st->ops->admission->role(st, id, role, sizeof role, err, sizeof err), 1);
	assert_string_equal(role, "anchor");
	assert_int_equal(st->ops->admission->role(st, id + 50, role, sizeof role, err, sizeof err), 0);
	struct store_admission d = { .agent_id = id, .state = "refused", .reason = "too many",
				     .address = "198.18.3.3", .prefix = "198.18.3.0/24",
				     .asn = 64501, .decided = 77 }, got;
	assert_int_equal(st->ops->admission->put(st, &d, err, sizeof err), 0);   /* replaces */
	assert_int_equal(st->ops->admission->get(st, id, &got, err, sizeof err), 1);
	assert_string_equal(got.state, "refused");
	assert_string_equal(got.reason, "too many");
	assert_string_equal(got.prefix, "198.18.3.0/24");
	assert_int_equal(got.asn, 64501);
	assert_int_equal(got.decided, 77);
	assert_int_equal(st->ops->admission->get(st, id + 50, &got, err, sizeof err), 0);
	json_t *r = NULL;
	assert_int_equal(st->ops->admission->report_get(st, id, &r, err, sizeof err), 0);
	assert_int_equal(st->ops->admission->report_put(st, id, "{\"role\":\"anchor\"}", err,
							 sizeof err), 0);
	assert_int_equal(st->ops->admission->report_get(st, id, &r, err, sizeof err), 1);
	assert_string_equal(json_string_value(json_object_get(r, "role")), "anchor");
	json_decref(r);
	double lat = 0, lon = 0;
	assert_int_equal(st->ops->admission->location(st, id, &lat, &lon, err, sizeof err), 0);
	assert_int_equal(st->ops->admission->locate(st, id, 52.35634123456789, -4.904449, err,
						    sizeof err), 0);
	assert_int_equal(st->ops->admission->location(st, id, &lat, &lon, err, sizeof err), 1);
	assert_true(lat == 52.35634123456789);   /* exact: the API coarsens, not the store */
	assert_true(lon == -4.904449);
}

/* One decider as admission_ctl.c decides: in a transaction, after the admission lock,
   count the approved probes at the address, decide, keep the decision. */
struct decider {
	struct store *st;
	int64_t agent;
	int64_t counted;
	enum admission_state state;
	int commit;          /* end the transaction (else the caller does) */
	int rc;
	char err[256];
};

static void *decide_probe(void *arg)
{
	struct decider *d = arg;
	struct store *st = d->st;
	struct platform_policy p;
	char why[400], key[24];
	platform_policy_defaults(&p);
	snprintf(key, sizeof key, "%lld", (long long)d->agent);
	struct store_admission_count q = { "198.18.1.1", NULL, 1, d->agent };
	d->rc = -1;
	if (st->ops->txn(st, "begin", d->err, sizeof d->err) < 0)
		return NULL;
	if ((st->ops->admission->decide_lock &&
	     st->ops->admission->decide_lock(st, d->err, sizeof d->err) < 0) ||
	    st->ops->admission->count(st, &q, &d->counted, d->err, sizeof d->err) < 0) {
		st->ops->txn(st, "rollback", NULL, 0);
		return NULL;
	}
	struct admission_facts f = probe_facts();
	f.at_address = d->counted;
	d->state = admission_decide(&p, &f, why, sizeof why);
	struct store_admission a = { .agent_id = d->agent, .address = "198.18.1.1" };
	snprintf(a.state, sizeof a.state, "%s", admission_state_name(d->state));
	if (st->ops->admission->put(st, &a, d->err, sizeof d->err) < 0 ||
	    st->ops->agent_approve(st, key, d->state == ADMISSION_APPROVED, d->err,
				   sizeof d->err) < 0 ||
	    (d->commit && st->ops->txn(st, "commit", d->err, sizeof d->err) < 0)) {
		st->ops->txn(st, "rollback", NULL, 0);
		return NULL;
	}
	d->rc = 0;
	return NULL;
}

/* A new software probe of account 1, not yet decided (not approved). */
static int64_t new_probe(struct store *st, int n)
{
	char err[256];
	struct store_agent a = { .approved = 0, .role = "probe" };
	snprintf(a.fp, sizeof a.fp, "%064d", n);
	assert_int_equal(st->ops->agent_add(st, &a, err, sizeof err), 0);
	assert_int_equal(st->ops->account->own_agent(st, a.id, 1, err, sizeof err), 0);
	return a.id;
}

/* probes_per_address is 2 and one probe is there: of two deciding at once, one gets in. */
static void two_deciders_keep_the_cap(void **state)
{
	struct store_fixture *fx = *state;
	struct store *st = fx->st;
	char err[256];
	add_admitted(st, 1, "probe", 1, "198.18.1.1", "198.18.0.0/16");
	struct store *other = store_open(fx->spec, err, sizeof err);
	if (!other)
		fail_msg("second decider: %s", err);
	struct decider a = { .st = st, .agent = new_probe(st, 2) };
	struct decider b = { .st = other, .agent = new_probe(st, 3), .commit = 1 };
	decide_probe(&a);   /* a decides and holds its transaction open */
	if (a.rc < 0)
		fail_msg("first decider: %s", a.err);
	assert_int_equal(a.counted, 1);
	assert_int_equal(a.state, ADMISSION_APPROVED);
	pthread_t t;
	/* On PostgreSQL, b is seen waiting on a's admission lock before a commits; SQLite
	   has one controller, so there b decides after a. */
	if (fixture_pg()) {
		assert_int_equal(pthread_create(&t, NULL, decide_probe, &b), 0);
		assert_true(fixture_pg_someone_waits(fx->spec));
	}
	assert_int_equal(st->ops->txn(st, "commit", err, sizeof err), 0);
	if (fixture_pg())
		assert_int_equal(pthread_join(t, NULL), 0);
	else
		decide_probe(&b);
	if (b.rc < 0)
		fail_msg("second decider: %s", b.err);
	assert_int_equal(b.counted, 2);   /* it saw a's approval */
	assert_int_equal(b.state, ADMISSION_REFUSED);
	assert_int_equal(counted(st, "198.18.1.1", NULL, 1, 0), 2);   /* the cap held */
	other->ops->close(other);
}

/* The public location is rounded to 0.01 degree (about 1 km), in GeoJSON's [lon, lat] order. */
static void geometry_coarsened(void **state)
{
	(void)state;
	assert_true(api_geometry_coarsen(52.35634) == 52.36);
	assert_true(api_geometry_coarsen(-4.904449) == -4.9);
	assert_true(api_geometry_coarsen(-0.005) == -0.01);   /* half away from zero */
	json_t *g = api_geometry_point(52.35634, 4.904449);
	char *text = json_dumps(g, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(10));
	assert_string_equal(text, "{\"coordinates\":[4.9,52.36],\"type\":\"Point\"}");
	free(text);
	json_decref(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(probes_per_address_edge),
		cmocka_unit_test(probes_per_prefix_edges),
		cmocka_unit_test(anchors_are_not_probes),
		cmocka_unit_test(anchors_per_year_edge),
		cmocka_unit_test(anchor_report),
		cmocka_unit_test(location_waits),
		cmocka_unit_test(report_judge),
		cmocka_unit_test_setup_teardown(store_counts, store_fixture_setup,
						store_fixture_teardown),
		cmocka_unit_test_setup_teardown(store_anchor_year, store_fixture_setup,
						store_fixture_teardown),
		cmocka_unit_test_setup_teardown(store_locations, store_fixture_setup,
						store_fixture_teardown),
		cmocka_unit_test_setup_teardown(store_decision_report_location,
						store_fixture_setup, store_fixture_teardown),
		cmocka_unit_test_setup_teardown(two_deciders_keep_the_cap, store_fixture_setup,
						store_fixture_teardown),
		cmocka_unit_test(geometry_coarsened),
	};
	return cmocka_run_group_tests_name(fixture_pg() ? "controller_admission_pg" :
					   "controller_admission", tests, NULL, NULL);
}
