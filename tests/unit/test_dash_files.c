/*
 * test_dash_files: the dashboard's files are built in, each with a content
 * type and an ETag, "" is the index page, and names that are not files
 * (parent paths, absolute paths, prefixes of names) find nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dash/dash.h"

static void test_index_and_modules(void **state)
{
	(void)state;
	const struct dash_file *f = dash_find("");
	assert_non_null(f);
	assert_string_equal(f->name, "index.html");
	assert_non_null(strstr(f->type, "text/html"));
	assert_non_null(memmem(f->data, f->len, "js/app.js", 9));
	f = dash_find("js/app.js");
	assert_non_null(f);
	assert_non_null(strstr(f->type, "javascript"));
}

static void test_every_file_is_whole(void **state)
{
	(void)state;
	assert_true(dash_nfiles >= 10);
	for (unsigned i = 0; i < dash_nfiles; i++) {
		const struct dash_file *f = &dash_files[i];
		assert_true(f->len > 0);
		assert_int_equal(f->etag[0], '"');
		assert_int_equal(f->etag[strlen(f->etag) - 1], '"');
		assert_ptr_equal(dash_find(f->name), f);
	}
}

static void test_other_names_find_nothing(void **state)
{
	(void)state;
	static const char *const bad[] = { "../meson.build", "/index.html", "js/", "js/app",
					   "index.html/", "INDEX.HTML", "js/../index.html" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_null(dash_find(bad[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_and_modules),
		cmocka_unit_test(test_every_file_is_whole),
		cmocka_unit_test(test_other_names_find_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
