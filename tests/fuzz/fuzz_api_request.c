/*
 * fuzz_api_request: feed arbitrary bytes to the REST API's request-line
 * parsers, as the controller reads them from an untrusted client: the path
 * router and the query-string parser (split at the first '?') with the
 * route check, the /probes/ filters it yields applied to a small fixed set
 * of probes, status-check's rules under the arguments it yields, the time parser, and the prefix parser the probe sources use;
 * and to the CLI client's HTTP response parser, as it reads a server's
 * answer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_cidr.h"
#include "api/api_http.h"
#include "api/api_probe_filter.h"
#include "api/api_query.h"
#include "api/api_status.h"
#include "api/api_time.h"
#include "api/api_route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *q = memchr(text, '?', size);
	size_t plen = q ? (size_t)(q - text) : size;
	struct api_route r;
	api_route_parse(text, plen, &r);
	struct api_query *query = malloc(sizeof *query);
	char err[256];
	if (query && api_query_parse(q ? q + 1 : NULL, q ? size - plen - 1 : 0, query, err,
				     sizeof err) == 0 &&
	    api_query_check_route(query, r.kind, err, sizeof err) == 0) {
		json_t *probes = json_loads("[{\"id\":1,\"asn_v4\":1,\"country_code\":\"NL\","
			"\"address_v4\":\"198.18.0.2\",\"address_v6\":\"2001:db8::1\","
			"\"status\":{\"id\":1},\"tags\":[{\"slug\":\"a\"}]},{\"id\":2}]", 0, NULL);
		api_probe_filter(probes, query, err, sizeof err);
		json_decref(probes);
		/* status-check's arguments over a fixed probe's results */
		json_t *in = json_loads("{\"1\":[{\"sent\":3,\"rcvd\":1,\"result\":[{\"rtt\":2},"
					"{\"x\":\"*\"},{\"rtt\":3,\"dup\":1}]},{\"sent\":0}]}", 0, NULL);
		json_decref(api_status_check(in, &query->check));
		json_decref(in);
	}
	free(query);
	struct api_http_resp resp;
	if (api_http_parse(text, size, &resp, err, sizeof err) == 0)
		free(resp.body);
	char *s = malloc(size + 1);
	if (s) {
		memcpy(s, data, size);
		s[size] = 0;
		int64_t t;
		api_time_parse(s, &t);
		struct api_cidr c;
		if (api_cidr_parse(s, &c) == 0)
			api_cidr_contains(&c, "198.18.0.1");
		char out[80];
		api_cidr_cover(s, out, sizeof out);
		free(s);
	}
	return 0;
}
