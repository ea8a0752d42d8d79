/*
 * Tests of the daily archive (controller/archive.h): the snapshot holds every
 * registered agent's public description and state (and no key
 * fingerprint), the file decompresses to exactly the snapshot, is written
 * once a day unless replaced, leaves no temporary file, and a folder that
 * cannot be made is a clear error.
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
#include <zstd.h>

#include "controller/archive.h"
#include "store/store.h"
#include "store_tmp.h"


/* A store with two agents: 1 a probe never connected, 2 an anchor connected since day 100. */
static int setup(void **state)
{
	struct store_fixture *f = store_fixture_new("vpl-archive");
	char err[256];
	const char *roles[] = { "probe", "anchor" };
	for (int i = 0; i < 2; i++) {
		struct store_agent a = { .approved = 1 };
		memset(a.fp, 'a' + i, 64);
		snprintf(a.role, sizeof a.role, "%s", roles[i]);
		snprintf(a.org, sizeof a.org, "site %d", i + 1);
		assert_int_equal(f->st->ops->agent_add(f->st, &a, err, sizeof err), 0);
	}
	int64_t sid;
	assert_int_equal(f->st->ops->session_open(f->st, 2, 86400 * 100, "p", &sid, err,
						  sizeof err), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	store_fixture_free(*state);
	return 0;
}

static void snapshot_is_public_and_stated(void **state)
{
	struct store_fixture *f = *state;
	char err[256];
	json_t *snap = archive_snapshot(f->st, 86400 * 100 + 60, 0, err, sizeof err);
	assert_non_null(snap);
	assert_string_equal(json_string_value(json_object_get(snap, "date")), "1970-04-11");
	const json_t *probes = json_object_get(snap, "probes");
	assert_int_equal(json_array_size(probes), 2);
	const json_t *p1 = json_array_get(probes, 0), *p2 = json_array_get(probes, 1);
	assert_null(json_object_get(p1, "fp"));
	assert_null(json_object_get(p1, "fingerprint"));
	assert_string_equal(json_string_value(json_object_get(json_object_get(p1, "status"),
							       "name")), "Never Connected");
	assert_string_equal(json_string_value(json_object_get(p1, "description")), "site 1");
	assert_true(json_is_true(json_object_get(p2, "is_anchor")));
	const json_t *s2 = json_object_get(p2, "status");
	assert_string_equal(json_string_value(json_object_get(s2, "name")), "Connected");
	assert_int_equal(json_integer_value(json_object_get(s2, "since")), 86400 * 100);
	assert_int_equal(json_integer_value(json_object_get(p2, "total_uptime")), 60);
	json_decref(snap);
}

/* The archive file at path, decompressed and parsed. */
static json_t *read_back(const char *path)
{
	FILE *in = fopen(path, "rb");
	assert_non_null(in);
	char *z = malloc(1 << 20);
	size_t zlen = fread(z, 1, 1 << 20, in);
	fclose(in);
	unsigned long long n = ZSTD_getFrameContentSize(z, zlen);
	assert_true(n != ZSTD_CONTENTSIZE_ERROR && n != ZSTD_CONTENTSIZE_UNKNOWN);
	char *text = malloc(n + 1);
	assert_int_equal(ZSTD_decompress(text, n, z, zlen), n);
	text[n] = 0;
	json_t *o = json_loads(text, 0, NULL);
	free(text);
	free(z);
	return o;
}

static void saved_once_a_day_unless_replaced(void **state)
{
	struct store_fixture *f = *state;
	char err[256], path[256], adir[128], tmp[300];
	snprintf(adir, sizeof adir, "%s/archive", f->dir);
	json_t *snap = archive_snapshot(f->st, 86400 * 100 + 60, 0, err, sizeof err);
	assert_int_equal(archive_save(adir, snap, 0, path, sizeof path, err, sizeof err), 1);
	assert_non_null(strstr(path, "/archive/1970-04-11.json.zst"));
	json_t *back = read_back(path);
	assert_true(json_equal(back, snap));
	json_decref(back);
	json_t *later = archive_snapshot(f->st, 86400 * 100 + 120, 0, err, sizeof err);
	assert_int_equal(archive_save(adir, later, 0, path, sizeof path, err, sizeof err), 0);
	back = read_back(path);
	assert_true(json_equal(back, snap));       /* kept */
	json_decref(back);
	assert_int_equal(archive_save(adir, later, 1, path, sizeof path, err, sizeof err), 1);
	back = read_back(path);
	assert_true(json_equal(back, later));      /* replaced */
	json_decref(back);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	assert_int_not_equal(access(tmp, F_OK), 0);
	json_decref(snap);
	json_decref(later);
}

static void unmakeable_folder_is_an_error(void **state)
{
	struct store_fixture *f = *state;
	char err[256] = "", path[256], bad[160];
	json_t *snap = archive_snapshot(f->st, 86400 * 100, 0, err, sizeof err);
	snprintf(bad, sizeof bad, "%s/db/archive", f->dir);   /* below a file */
	assert_int_equal(archive_save(bad, snap, 0, path, sizeof path, err, sizeof err), -1);
	assert_non_null(strstr(err, bad));
	json_decref(snap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(snapshot_is_public_and_stated, setup, teardown),
		cmocka_unit_test_setup_teardown(saved_once_a_day_unless_replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(unmakeable_folder_is_an_error, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
