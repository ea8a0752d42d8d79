/*
 * Tests of the API's request parsing: paths to routes, query strings to
 * typed filters (pagination bounds, id lists, percent-decoding), and the
 * next/previous page links. Tables of inputs and what must come out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_http.h"
#include "api/api_int.h"
#include "api/api_query.h"
#include "api/api_route.h"

struct routecase {
	const char *path;
	int ok;
	enum api_route_kind kind;
	int64_t id;
};

static const struct routecase routes[] = {
	{ "/api/v2/measurements/", 1, ROUTE_MSM_LIST, 0 },
	{ "/api/v2/measurements", 1, ROUTE_MSM_LIST, 0 },
	{ "/api/v2/measurements/12/", 1, ROUTE_MSM_ONE, 12 },
	{ "/api/v2/measurements/12", 1, ROUTE_MSM_ONE, 12 },
	{ "/api/v2/measurements/12/results/", 1, ROUTE_MSM_RESULTS, 12 },
	{ "/api/v2/measurements/12/results", 1, ROUTE_MSM_RESULTS, 12 },
	{ "/api/v2/measurements/7/latest", 1, ROUTE_MSM_LATEST, 7 },
	{ "/api/v2/measurements/7/participation-requests/", 1, ROUTE_MSM_PARTICIPATION, 7 },
	{ "/api/v2/probes/", 1, ROUTE_PROBE_LIST, 0 },
	{ "/api/v2/probes/3/", 1, ROUTE_PROBE_ONE, 3 },
	{ "/api/v2/anchors/", 1, ROUTE_ANCHOR_LIST, 0 },
	{ "/api/v2/anchors/9", 1, ROUTE_ANCHOR_ONE, 9 },
	{ "/api/v2/measurements/my/", 1, ROUTE_MSM_MY, 0 },
	{ "/api/v2/measurements/7/tags/", 1, ROUTE_MSM_TAGS, 7 },
	{ "/api/v2/measurements/7/tags/dns-root/", 1, ROUTE_MSM_TAG_ONE, 7 },
	{ "/api/v2/measurements/7/tags/a/b/", 0, ROUTE_NONE, 0 },
	{ "/api/v2/probes/my/", 0, ROUTE_NONE, 0 },
	{ "/api/v2/probes/3/timing/", 1, ROUTE_PROBE_TIMING, 3 },
	{ "/api/v2/probes/3/connections", 1, ROUTE_PROBE_CONNECTIONS, 3 },
	{ "/api/v2/probes/4/host-report/", 1, ROUTE_PROBE_HOST_REPORT, 4 },
	{ "/api/v2/anchors/4/host-report/", 0, ROUTE_NONE, 0 },
	{ "/api/v2/anchors/3/timing/", 0, ROUTE_NONE, 0 },
	{ "/api/v2/probes/3/timing/x", 0, ROUTE_NONE, 0 },
	{ "/api/v2/teams/4/", 1, ROUTE_TEAM_ONE, 4 },
	{ "/api/v2/measurements/7/status-check/", 1, ROUTE_MSM_STATUS_CHECK, 7 },
	{ "/api/v2/measurements/7/status-check/x/", 0, ROUTE_NONE, 0 },
	{ "/api/v2/teams/", 1, ROUTE_TEAM_LIST, 0 },
	{ "/api/v2/keys/", 1, ROUTE_KEY_LIST, 0 },
	{ "/api/v2/keys/permissions/", 1, ROUTE_KEY_PERMISSIONS, 0 },
	{ "/api/v2/keys/0b4a3c2e-1f2d-4e5f-8a9b-0c1d2e3f4a5b/", 1, ROUTE_KEY_ONE, 0 },
	{ "/api/v2/keys/12", 1, ROUTE_KEY_ONE, 0 },
	{ "/api/v2/keys/permissions/create_measurement/targets/", 0, ROUTE_NONE, 0 },
	{ "/api/v2/keys/12/x/", 0, ROUTE_NONE, 0 },
	{ "/api/v2/teams", 1, ROUTE_TEAM_LIST, 0 },
	{ "/api/v2/teams/0/", 0, ROUTE_NONE, 0 },
	{ "/api/v2/teams/4/results/", 0, ROUTE_NONE, 0 },
	{ "/api/v2/measurements/0/", 0, ROUTE_NONE, 0 },
	{ "/api/v2/measurements/-1/", 0, ROUTE_NONE, 0 },
	{ "/api/v2/measurements/1x/", 0, ROUTE_NONE, 0 },
	{ "/api/v2/measurements/99999999999999999999/", 0, ROUTE_NONE, 0 },
	{ "/api/v2/measurements/1/other/", 0, ROUTE_NONE, 0 },
	{ "/api/v2/measurements/1/results/x/", 0, ROUTE_NONE, 0 },
	{ "/api/v2/probes/1/results/", 0, ROUTE_NONE, 0 },
	{ "/api/v1/measurements/", 0, ROUTE_NONE, 0 },
	{ "/api/v2/", 0, ROUTE_NONE, 0 },
	{ "/", 0, ROUTE_NONE, 0 },
	{ "", 0, ROUTE_NONE, 0 },
	{ "/api/v2/a/b/c/d/e/f/g", 0, ROUTE_NONE, 0 },
	{ "/api/v2/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/", 0, ROUTE_NONE, 0 },
};

static void test_routes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		const struct routecase *c = &routes[i];
		struct api_route r;
		int rc = api_route_parse(c->path, strlen(c->path), &r);
		assert_int_equal(rc, c->ok ? 0 : -1);
		assert_int_equal(r.kind, c->kind);
		if (c->ok)
			assert_int_equal(r.id, c->id);
	}
}

struct querycase {
	const char *query;
	int ok;
	const char *why;          /* substring of the error */
	long long page, page_size, start, stop;
	size_t nprobes;
	int txt;
};

static const struct querycase queries[] = {
	{ NULL, 1, NULL, 1, API_PAGE_SIZE_DEFAULT, 0, 0, 0, 0 },
	{ "page=3&page_size=500", 1, NULL, 3, 500, 0, 0, 0, 0 },
	{ "page_size=501", 0, "page_size", 0, 0, 0, 0, 0, 0 },
	{ "page_size=0", 0, "page_size", 0, 0, 0, 0, 0, 0 },
	{ "page=0", 0, "page", 0, 0, 0, 0, 0, 0 },
	{ "start=100&stop=200&format=txt", 1, NULL, 1, API_PAGE_SIZE_DEFAULT, 100, 200, 0, 1 },
	{ "format=xml", 0, "format", 0, 0, 0, 0, 0, 0 },
	{ "probe_ids=1,2,3", 1, NULL, 1, API_PAGE_SIZE_DEFAULT, 0, 0, 3, 0 },
	{ "probe_ids=1%2C2", 1, NULL, 1, API_PAGE_SIZE_DEFAULT, 0, 0, 2, 0 },
	{ "probe_ids=1,,2", 0, "probe_ids", 0, 0, 0, 0, 0, 0 },
	{ "probe_ids=1,", 0, "trailing comma", 0, 0, 0, 0, 0, 0 },
	{ "probe_ids=a", 0, "probe_ids", 0, 0, 0, 0, 0, 0 },
	{ "start=%zz", 0, "badly encoded", 0, 0, 0, 0, 0, 0 },
	{ "start=%4", 0, "badly encoded", 0, 0, 0, 0, 0, 0 },
	{ "start=1%00", 0, "badly encoded", 0, 0, 0, 0, 0, 0 },
	{ "&&page=2&", 1, NULL, 2, API_PAGE_SIZE_DEFAULT, 0, 0, 0, 0 },
	{ "unknown=1", 0, "unknown: unknown filter", 0, 0, 0, 0, 0, 0 },
	{ "page=1&x", 0, "x: unknown filter", 0, 0, 0, 0, 0, 0 },
	{ "probe_ids=3-5,9", 1, NULL, 1, API_PAGE_SIZE_DEFAULT, 0, 0, 4, 0 },
	{ "probe_ids=5-3", 0, "probe_ids", 0, 0, 0, 0, 0, 0 },
	{ "start=2026-12-02T00:00:00Z", 1, NULL, 1, API_PAGE_SIZE_DEFAULT, 1796169600, 0, 0, 0 },
	{ "start=2026-13-02", 0, "ISO-8601", 0, 0, 0, 0, 0, 0 },
	{ "type=dns", 0, "type", 0, 0, 0, 0, 0, 0 },
	{ "is_anchor=maybe", 0, "is_anchor", 0, 0, 0, 0, 0, 0 },
};

static void test_queries(void **state)
{
	(void)state;
	struct api_query *q = malloc(sizeof *q);
	for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
		const struct querycase *c = &queries[i];
		char err[256] = "";
		int rc = api_query_parse(c->query, c->query ? strlen(c->query) : 0, q, err, sizeof err);
		assert_int_equal(rc, c->ok ? 0 : -1);
		if (!c->ok) {
			assert_non_null(strstr(err, c->why));
			continue;
		}
		assert_int_equal(q->page, c->page);
		assert_int_equal(q->page_size, c->page_size);
		assert_int_equal(q->start, c->start);
		assert_int_equal(q->stop, c->stop);
		assert_int_equal(q->probe_ids.n, c->nprobes);
		assert_int_equal(q->format_txt, c->txt);
	}
	free(q);
}

/* The key comes through percent-decoding; too many ids is refused. */
static void test_query_key_and_id_cap(void **state)
{
	(void)state;
	struct api_query *q = malloc(sizeof *q);
	char err[256];
	const char *k = "key=ab%2Dcd+e&id__in=5,6";
	assert_int_equal(api_query_parse(k, strlen(k), q, err, sizeof err), 0);
	assert_string_equal(q->key, "ab-cd e");
	assert_int_equal(q->ids.n, 2);
	assert_int_equal(q->ids.v[1], 6);
	char *big = malloc(API_MAX_IDS * 3 + 32);
	strcpy(big, "probe_ids=");
	for (int i = 0; i <= API_MAX_IDS; i++)
		strcat(big, i ? ",1" : "1");
	assert_int_equal(api_query_parse(big, strlen(big), q, err, sizeof err), -1);
	assert_non_null(strstr(err, "more than"));
	free(big);
	free(q);
}

/* Page links keep the other parameters and replace page=. */
static void test_page_links(void **state)
{
	(void)state;
	char *s = api_page_link("https://h:1", "/api/v2/probes/", "page=2&page_size=1&key=k", 3);
	assert_string_equal(s, "https://h:1/api/v2/probes/?page_size=1&key=k&page=3");
	free(s);
	s = api_page_link("https://h:1", "/api/v2/probes/", NULL, 2);
	assert_string_equal(s, "https://h:1/api/v2/probes/?page=2");
	free(s);
}

struct httpcase {
	const char *raw;
	int ok, status;
	const char *body;
};

static const struct httpcase answers[] = {
	{ "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]", 1, 200, "[]" },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]junk", 1, 200, "[]" },
	{ "HTTP/1.1 201 Created\r\n\r\n{}", 1, 201, "{}" },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n[\r\n3\r\n1,2\r\n"
	  "1\r\n]\r\n0\r\n\r\n", 1, 200, "[1,2]" },
	{ "HTTP/1.1 429 Too Many\r\nRetry-After: 7\r\n\r\n", 1, 429, "" },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffff\r\nab", 0, 0, NULL },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n", 0, 0, NULL },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 0, 0, NULL },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab", 0, 0, NULL },
	{ "HTTP/1.1 2x0 OK\r\n\r\n", 0, 0, NULL },
	{ "SSH-2.0-x\r\n\r\n", 0, 0, NULL },
	{ "HTTP/1.1 200 OK\r\n", 0, 0, NULL },
	{ "", 0, 0, NULL },
};

/* The client's response parser: lengths, chunks, and bad answers. */
static void test_http_answers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++) {
		const struct httpcase *c = &answers[i];
		struct api_http_resp r;
		char err[128];
		int rc = api_http_parse(c->raw, strlen(c->raw), &r, err, sizeof err);
		assert_int_equal(rc, c->ok ? 0 : -1);
		if (!c->ok) {
			assert_null(r.body);
			continue;
		}
		assert_int_equal(r.status, c->status);
		assert_string_equal(r.body, c->body);
		if (c->status == 429)
			assert_string_equal(r.retry_after, "7");
		free(r.body);
	}
}

struct listencase {
	const char *text;
	const char *addr;         /* NULL: refused */
	int port;
};

static const struct listencase listens[] = {
	{ "127.0.0.1:8443", "127.0.0.1", 8443 },
	{ "198.18.250.1:443", "198.18.250.1", 443 },
	{ "[2001:db8::1]:8443", "2001:db8::1", 8443 },
	{ "[::1]:1", "::1", 1 },
	{ "10.0.0.1:8443", "10.0.0.1", 8443 },
	{ "0.0.0.0:8443", "0.0.0.0", 8443 },
	{ "[::]:443", "::", 443 },
	{ "[2001:4860::1]:8443", "2001:4860::1", 8443 },
	{ "198.18.0.256:8443", NULL, 0 },
	{ "[198.18.0.1]x:8443", NULL, 0 },
	{ "127.0.0.1:0", NULL, 0 },
	{ "127.0.0.1:65536", NULL, 0 },
	{ "127.0.0.1", NULL, 0 },
	{ "localhost:8443", NULL, 0 },
	{ ":8443", NULL, 0 },
};

/* The API listens (and the CLI connects) on any address literal the operator names. */
static void test_listen_addresses(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof listens / sizeof listens[0]; i++) {
		char addr[64], err[256];
		int port = 0;
		int rc = api_parse_listen(listens[i].text, addr, sizeof addr, &port, err, sizeof err);
		if (!listens[i].addr) {
			assert_int_equal(rc, -1);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_string_equal(addr, listens[i].addr);
		assert_int_equal(port, listens[i].port);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_queries),
		cmocka_unit_test(test_query_key_and_id_cap),
		cmocka_unit_test(test_page_links),
		cmocka_unit_test(test_http_answers),
		cmocka_unit_test(test_listen_addresses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
