/*
 * compare_fetch: read an agent's stored results from the controller (see
 * compare_fetch.h) through the same admin request as `vantage results
 * export`, filtered by agent and time on the controller's side.
 */
#include "analysis/compare_fetch.h"

#include "analysis/atlas_read.h"
#include "controller/cli.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* See compare_fetch.h. */
long compare_fetch_agent(const char *admin, long long agent, long long msm, long long since,
			 struct rec_set *set, char *err, size_t errlen)
{
	json_t *req = json_pack("{s:s, s:I, s:I, s:I}", "cmd", "results.export",
				"agent", (json_int_t)agent, "msm_id", (json_int_t)msm,
				"since", (json_int_t)since);
	json_t *data = NULL;
	if (!req) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int rc = cli_request(cli_admin_path(admin), req, &data, err, errlen);
	json_decref(req);
	if (rc < 0)
		return -1;
	char *text = json_dumps(data, JSON_COMPACT);
	json_decref(data);
	if (!text) {
		snprintf(err, errlen, "agent %lld: results cannot be encoded", agent);
		return -1;
	}
	char name[48];
	snprintf(name, sizeof name, "agent %lld", agent);
	long n = atlas_parse_text(text, strlen(text), name, NULL, set, err, errlen);
	free(text);
	if (n == 0) {
		snprintf(err, errlen, "agent %lld: no ping or traceroute results stored%s", agent,
			 msm ? " for that measurement" : "");
		return -1;
	}
	return n;
}
