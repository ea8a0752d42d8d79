/*
 * team_export_ctl: the admin socket's team.results, a cycle's results one
 * page at a time for `vantage results export --team` (cli_team_export.c):
 *   {msm_id, cycle, after: {agent, seq, id} (absent: from the start), limit}
 *   → {results: [RIPE Atlas result objects, with vantage_agent and
 *      vantage_seq as results.export gives them], next: {agent, seq, id}
 *      or null when this page was the last}
 * Pages come in (agent, seq) order, so the client writes one member's file
 * after another; neither side holds more than a page.
 */
#include "controller/controller_int.h"

#include <stdio.h>

#include "store/store_team.h"

/* Results a page holds at most (and by default). */
#define TEAM_PAGE_MAX 2000

/* A page being read: its results and the key of its last row. */
struct page {
	json_t *results;
	struct store_result_key last;
	int64_t rows;             /* rows read (a body that is no JSON is left out) */
};

/* store_row_fn: the row's body, labelled as results.export labels it. */
static int add_row(void *arg, json_t *row)
{
	struct page *p = arg;
	p->rows++;
	p->last.agent = json_integer_value(json_object_get(row, "agent"));
	p->last.seq = json_integer_value(json_object_get(row, "seq"));
	p->last.id = json_integer_value(json_object_get(row, "id"));
	json_t *body = json_loads(json_string_value(json_object_get(row, "body")), 0, NULL);
	if (!body)
		return 0;
	json_object_set(body, "vantage_agent", json_object_get(row, "agent"));
	json_object_set(body, "vantage_seq", json_object_get(row, "seq"));
	json_array_append_new(p->results, body);
	return 0;
}

/* A non-negative integer field of obj, 0 when absent; -1 with err if not one. */
static int field(const json_t *obj, const char *name, int64_t *out, char *err, size_t errlen)
{
	const json_t *v = json_object_get(obj, name);
	*out = 0;
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		snprintf(err, errlen, "'%s' must be a non-negative integer", name);
		return -1;
	}
	*out = json_integer_value(v);
	return 0;
}

/* See controller_int.h. */
json_t *team_results_page(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	int64_t msm, cycle, limit;
	const json_t *after = json_object_get(req, "after");
	struct page p = { 0 };
	if (field(req, "msm_id", &msm, err, errlen) < 0 ||
	    field(req, "cycle", &cycle, err, errlen) < 0 ||
	    field(req, "limit", &limit, err, errlen) < 0)
		return NULL;
	if (after && !json_is_object(after)) {
		snprintf(err, errlen, "'after' must be an object {agent, seq, id}");
		return NULL;
	}
	if (after && (field(after, "agent", &p.last.agent, err, errlen) < 0 ||
		      field(after, "seq", &p.last.seq, err, errlen) < 0 ||
		      field(after, "id", &p.last.id, err, errlen) < 0))
		return NULL;
	if (!c->store->ops->team->results_page) {
		snprintf(err, errlen, "this store cannot read a team's results by pages");
		return NULL;
	}
	if (limit <= 0 || limit > TEAM_PAGE_MAX)
		limit = TEAM_PAGE_MAX;
	struct store_result_key from = p.last;
	p.results = json_array();
	if (!p.results || c->store->ops->team->results_page(c->store, msm, cycle, &from,
							    (size_t)limit, add_row, &p, err,
							    errlen) < 0) {
		json_decref(p.results);
		return NULL;
	}
	json_t *next = p.rows < limit ? json_null() :
		       json_pack("{s:I,s:I,s:I}", "agent", (json_int_t)p.last.agent, "seq",
				 (json_int_t)p.last.seq, "id", (json_int_t)p.last.id);
	return json_pack("{s:o,s:o}", "results", p.results, "next", next);
}
