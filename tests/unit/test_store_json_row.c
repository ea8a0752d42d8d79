/*
 * test_store_json_row: the SQLite store's reads of a stored JSON report
 * (sq_json_row, shared by the host report and the admission check-host
 * report): a report read back as kept, none for an agent that sent none,
 * and a stored text that is not JSON refused with a message that names
 * the agent and the report. On SQLite (the fixture of store_tmp.h).
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
#include "store/store_hostreport.h"
#include "store_tmp.h"

static void host_report_read_back(void **state)
{
	struct store *st = ((struct store_fixture *)*state)->st;
	char err[256] = "";
	json_t *r = NULL;
	int64_t received = 0;
	assert_int_equal(st->ops->hostreport->get(st, 7, &r, &received, err, sizeof err), 0);
	assert_null(r);
	assert_int_equal(st->ops->hostreport->put(st, 7, 1234, 1, "{\"n\":3}", err, sizeof err), 0);
	assert_int_equal(st->ops->hostreport->get(st, 7, &r, &received, err, sizeof err), 1);
	assert_int_equal(json_integer_value(json_object_get(r, "n")), 3);
	assert_int_equal(received, 1234);
	json_decref(r);
}

static void host_report_not_json(void **state)
{
	struct store *st = ((struct store_fixture *)*state)->st;
	char err[256] = "";
	json_t *r = NULL;
	int64_t received = 0;
	assert_int_equal(st->ops->hostreport->put(st, 7, 1234, 0, "{\"n\":", err, sizeof err), 0);
	assert_int_equal(st->ops->hostreport->get(st, 7, &r, &received, err, sizeof err), -1);
	assert_null(r);
	assert_string_equal(err, "agent 7: stored host report is not JSON");
}

static void admission_report_not_json(void **state)
{
	struct store *st = ((struct store_fixture *)*state)->st;
	char err[256] = "";
	json_t *r = NULL;
	assert_int_equal(st->ops->admission->report_get(st, 9, &r, err, sizeof err), 0);
	assert_int_equal(st->ops->admission->report_put(st, 9, "[1,2", err, sizeof err), 0);
	assert_int_equal(st->ops->admission->report_get(st, 9, &r, err, sizeof err), -1);
	assert_null(r);
	assert_string_equal(err, "agent 9: stored check-host report is not JSON");
	assert_int_equal(st->ops->admission->report_put(st, 9, "[1,2]", err, sizeof err), 0);
	assert_int_equal(st->ops->admission->report_get(st, 9, &r, err, sizeof err), 1);
	assert_int_equal(json_array_size(r), 2);
	json_decref(r);
}

int main(void)
{
#define CASE(fn) cmocka_unit_test_setup_teardown(fn, store_fixture_setup, store_fixture_teardown)
	const struct CMUnitTest tests[] = {
		CASE(host_report_read_back),
		CASE(host_report_not_json),
		CASE(admission_report_not_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
