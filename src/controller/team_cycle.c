/*
 * team_cycle: the life of a team's cycles on the controller. On every tick
 * each running team is looked at: with no cycle yet, or its cycle's length
 * up and every chunk done, the next cycle is drawn (team/team_plan.h) over
 * the approved agents its tags and ids name, each at min(team rate, the
 * site ceiling its STATUS reports), and stored with its chunk ranges in one
 * transaction. A member away (no admitted session) longer than the team's
 * gone time gives its unfinished chunks back for the others.
 *
 * Only the count of targets is needed to plan: the targets themselves are
 * derived from the prefix version and the cycle's seed when a chunk is
 * handed out (team_chunk_targets).
 *
 * Several front-ends on one store (PostgreSQL) tick every team at once:
 * the store opens a cycle once (the first front-end's draw; the others'
 * cycle_begin finds it there), each front-end hands chunks only to the
 * agents connected to it, and tops them up when it first sees a cycle or
 * sees chunks handed on (by any front-end). A member connected to another
 * front-end is not away: the store's open sessions say so.
 */
#include "controller/controller_int.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scan/targets.h"
#include "store/store_prefixes.h"
#include "store/store_team.h"
#include "store/store_uptime.h"
#include "team/team_plan.h"

/* See controller_int.h. */
int team_names(const char *list, int64_t agent_id, const char *tags)
{
	char idtext[32];
	snprintf(idtext, sizeof idtext, "%lld", (long long)agent_id);
	for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		size_t n = strcspn(p, ",");
		if (n == 0)
			continue;
		if (strlen(idtext) == n && strncmp(p, idtext, n) == 0)
			return 1;
		for (const char *t = tags; t && *t; t = strchr(t, ',') ? strchr(t, ',') + 1 : NULL)
			if (strcspn(t, ",") == n && strncmp(t, p, n) == 0)
				return 1;
	}
	return 0;
}

/* The site ceiling the agent's newest STATUS reports (0: none). */
static uint32_t site_ceiling(const json_t *agent)
{
	const char *text = json_string_value(json_object_get(agent, "status"));
	json_t *st = text ? json_loads(text, 0, NULL) : NULL;
	json_int_t v = json_integer_value(json_object_get(st, "pps_max"));
	json_decref(st);
	return v > 0 && v < UINT32_MAX ? (uint32_t)v : 0;
}

/* See controller_int.h. */
int team_members_resolve(struct controller *c, const struct store_team *t,
			 struct team_member_rate **out, size_t *k, char *err, size_t errlen)
{
	json_t *list, *a;
	size_t i;
	if (c->store->ops->agent_list(c->store, &list, err, errlen) < 0)
		return -1;
	*out = calloc(json_array_size(list) + 1, sizeof **out);
	*k = 0;
	json_array_foreach(list, i, a) {
		if (!*out || !json_integer_value(json_object_get(a, "approved")) ||
		    !team_names(t->agents, json_integer_value(json_object_get(a, "id")),
				json_string_value(json_object_get(a, "tags"))))
			continue;
		uint32_t ceiling = site_ceiling(a);
		(*out)[*k].agent_id = json_integer_value(json_object_get(a, "id"));
		(*out)[(*k)++].rate = ceiling && ceiling < t->pps ? ceiling : t->pps;
	}
	json_decref(list);
	if (!*out || *k == 0) {
		snprintf(err, errlen, *out ? "no approved agent is named by '%s'" : "out of memory",
			 t->agents);
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* The number of targets of the team's family in prefix version v, from its row; 0 or -1. */
static int version_targets(struct controller *c, int64_t v, int family, uint64_t *n, char *err,
			   size_t errlen)
{
	json_t *rows, *r;
	size_t i;
	if (c->store->ops->prefixes->versions(c->store, &rows, err, errlen) < 0)
		return -1;
	*n = 0;
	json_array_foreach(rows, i, r)
		if (json_integer_value(json_object_get(r, "version")) == v)
			*n = (uint64_t)json_integer_value(json_object_get(r, family == 6 ?
									 "v6_targets" : "slash24s"));
	json_decref(rows);
	if (*n == 0)
		snprintf(err, errlen, "prefix table version %lld has no IPv%d target",
			 (long long)v, family);
	return *n ? 0 : -1;
}

/*
 * Cut every member's share into chunks: a new array in *out of *n chunks,
 * numbered in order. 0 or -1 (memory).
 */
static int plan_chunks(const struct team_share *sh, const struct team_member_rate *m, size_t k,
		       uint32_t chunk, struct store_team_chunk **out, size_t *n)
{
	size_t total = 0;
	for (size_t i = 0; i < k; i++)
		total += team_share_chunks(&sh[i], chunk);
	*out = calloc(total + 1, sizeof **out);
	if (!*out)
		return -1;
	*n = 0;
	for (size_t i = 0; i < k; i++)
		for (uint64_t j = 0; j < team_share_chunks(&sh[i], chunk); j++) {
			struct team_chunk tc = team_share_chunk(&sh[i], (uint32_t)i, chunk, j);
			(*out)[*n] = (struct store_team_chunk){ .chunk = (int64_t)*n,
				.first = tc.first, .count = tc.count, .owner = m[i].agent_id };
			(*n)++;
		}
	return 0;
}

/* Split the cycle over the members and store it with its chunks; 0 or -1. */
static int store_cycle(struct controller *c, const struct store_team *t,
		       const struct store_team_cycle *cy, const struct team_member_rate *m,
		       size_t k, char *err, size_t errlen)
{
	struct team_share *sh = calloc(k, sizeof *sh);
	struct store_team_member *sm = calloc(k, sizeof *sm);
	uint32_t *rates = calloc(k, sizeof *rates);
	struct store_team_chunk *ch = NULL;
	size_t n = 0;
	int rc = -1;
	for (size_t i = 0; rates && i < k; i++)
		rates[i] = m[i].rate;
	if (!sh || !sm || !rates || team_split(cy->targets, rates, k, sh) < 0 ||
	    plan_chunks(sh, m, k, t->chunk, &ch, &n) < 0)
		snprintf(err, errlen, "cannot plan the cycle (out of memory)");
	else {
		for (size_t i = 0; i < k; i++)
			sm[i] = (struct store_team_member){ m[i].agent_id, m[i].rate, sh[i].first,
							    sh[i].count };
		rc = c->store->ops->team->cycle_begin(c->store, cy, sm, k, ch, n, err, errlen);
	}
	free(sh);
	free(sm);
	free(rates);
	free(ch);
	return rc;
}

/* Draw and store cycle number `cycle` of team t at now; 0 or -1. */
static int cycle_begin(struct controller *c, const struct store_team *t, int64_t cycle,
		       int64_t now, char *err, size_t errlen)
{
	struct store_team_cycle cy = { .team_id = t->id, .cycle = cycle, .version = t->prefixes,
				       .seed = team_cycle_seed(t->secret, (uint32_t)cycle),
				       .started = now };
	struct team_member_rate *m = NULL;
	size_t k = 0;
	if ((cy.version == 0 &&
	     c->store->ops->prefixes->latest(c->store, &cy.version, err, errlen) < 0) ||
	    version_targets(c, cy.version, t->family, &cy.targets, err, errlen) < 0 ||
	    team_members_resolve(c, t, &m, &k, err, errlen) < 0)
		return -1;
	ingest_flush(c);   /* the cycle commits before any chunk of it is sent */
	int rc = store_cycle(c, t, &cy, m, k, err, errlen);
	free(m);
	if (rc == 1)       /* another front-end opened it first: its draw stands */
		return 0;
	if (rc == 0)
		ctl_log(c, "team %s: cycle %lld started: %llu targets of prefix version %lld over"
			" %zu members", t->name, (long long)cycle, (unsigned long long)cy.targets,
			(long long)cy.version, k);
	if (rc == 0)
		team_top_up_all(c);
	return rc < 0 ? -1 : 0;
}

/*
 * Is every chunk of the cycle done? 1, 0, or -1. When it is not, and this
 * front-end sees the cycle for the first time or sees more chunks handed
 * on than at its last look, its connected members are topped up (a chunk
 * handed on, or a cycle another front-end opened, reaches an idle member).
 */
static int cycle_complete(struct controller *c, const struct store_team_cycle *cy, char *err,
			  size_t errlen)
{
	json_t *total = NULL, *members = NULL;
	if (c->store->ops->team->progress(c->store, cy->team_id, cy->cycle, &total, &members, err,
					  errlen) < 0)
		return -1;
	int done = json_integer_value(json_object_get(total, "done_chunks")) ==
		   json_integer_value(json_object_get(total, "chunks"));
	int64_t handed_on = json_integer_value(json_object_get(total, "reassigned"));
	json_decref(total);
	json_decref(members);
	if (team_cycle_news(c, cy->team_id, cy->cycle, handed_on) && !done)
		team_top_up_all(c);
	return done;
}

/*
 * Is the agent, not connected here, connected to another front-end of the
 * store (an open session there)? Then it is counted as away from now on
 * again, so the store is asked once per gone time, not every tick.
 */
static int connected_elsewhere(struct controller *c, int64_t agent_id)
{
	struct store_uptime_facts f;
	char err[256];
	if (!c->store->ops->frontend || !c->store->ops->uptime)
		return 0;
	if (c->store->ops->uptime->facts(c->store, agent_id, &f, err, sizeof err) < 0) {
		ctl_log(c, "team: agent %lld: %s", (long long)agent_id, err);
		return 1;     /* unknown: give nothing back on a store error */
	}
	if (!f.connected)
		return 0;
	team_away_forget(c, agent_id);
	return 1;
}

/* Give back the chunks of members away longer than the team allows. */
static void release_gone(struct controller *c, const struct store_team *t,
			 const struct store_team_cycle *cy, int64_t mono)
{
	char err[256];
	json_t *members = NULL, *m;
	size_t i;
	if (c->store->ops->team->members(c->store, t->id, cy->cycle, &members, err, sizeof err) < 0) {
		ctl_log(c, "team %s: %s", t->name, err);
		return;
	}
	json_array_foreach(members, i, m) {
		int64_t agent = json_integer_value(json_object_get(m, "agent_id"));
		if (team_away(c, agent, mono) < t->gone_secs || connected_elsewhere(c, agent))
			continue;
		int n = c->store->ops->team->chunks_release(c->store, t->id, cy->cycle, agent, err,
							    sizeof err);
		if (n != 0)
			ctl_log(c, "team %s: agent %lld gone for %lld s: %d chunks of cycle %lld"
				" handed on%s%s", t->name, (long long)agent,
				(long long)team_away(c, agent, mono), n, (long long)cy->cycle,
				n < 0 ? ": " : "", n < 0 ? err : "");
	}
	json_decref(members);
}

/* See controller_int.h. */
void team_away_forget(struct controller *c, int64_t agent_id)
{
	for (size_t i = 0; i < c->naway; i++)
		if (c->away[i].agent_id == agent_id) {
			c->away[i] = c->away[--c->naway];
			return;
		}
}

/* See controller_int.h. An agent is first seen away on a tick, and counted from then. */
int64_t team_away(struct controller *c, int64_t agent_id, int64_t mono)
{
	size_t i = 0;
	while (i < c->naway && c->away[i].agent_id != agent_id)
		i++;
	if (session_of_agent(c, agent_id)) {
		if (i < c->naway)
			c->away[i] = c->away[--c->naway];
		return 0;
	}
	if (i < c->naway)
		return mono - c->away[i].since;
	if (c->naway == c->away_cap) {
		size_t cap = c->away_cap ? c->away_cap * 2 : 16;
		void *v = realloc(c->away, cap * sizeof *c->away);
		if (!v)
			return 0;
		c->away = v;
		c->away_cap = cap;
	}
	c->away[c->naway++] = (struct team_away){ agent_id, mono };
	return 0;
}

/* The tick's work for one running team. */
static void tick_team(struct controller *c, const struct store_team *t, int64_t now, int64_t mono)
{
	char err[256];
	struct store_team_cycle cy;
	int rc = c->store->ops->team->cycle_current(c->store, t->id, &cy, err, sizeof err);
	if (rc == 1 && cy.ended == 0) {
		release_gone(c, t, &cy, mono);
		int done = cycle_complete(c, &cy, err, sizeof err);
		if (done == 1 && now < cy.started + t->cycle_secs)
			return;                /* done early: the next starts when its time is up */
		if (done == 0)
			return;
		rc = done < 0 ? -1 : 1;
		if (rc == 1 && c->store->ops->team->cycle_end(c->store, t->id, cy.cycle, now, err,
							      sizeof err) < 0)
			rc = -1;
	}
	if (rc >= 0 && cycle_begin(c, t, rc == 1 ? cy.cycle + 1 : 1, now, err, sizeof err) == 0)
		return;
	ctl_log(c, "team %s: %s", t->name, err);
}

/* See controller_int.h. */
void team_tick(struct controller *c)
{
	char err[256];
	json_t *rows = NULL, *r;
	size_t i;
	int64_t now = time(NULL), mono = ctl_now_mono();
	if (!store_has_teams(c->store))
		return;
	if (c->store->ops->team->list(c->store, &rows, err, sizeof err) < 0) {
		ctl_log(c, "teams: %s", err);
		return;
	}
	json_array_foreach(rows, i, r) {
		struct store_team t;
		if (json_integer_value(json_object_get(r, "stopped")) != 0 ||
		    c->store->ops->team->get(c->store, NULL, json_integer_value(json_object_get(r, "id")),
					     &t, err, sizeof err) != 1)
			continue;
		tick_team(c, &t, now, mono);
	}
	json_decref(rows);
}
