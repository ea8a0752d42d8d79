/*
 * team_handout: chunks of a team cycle go to the agents. The controller
 * keeps TEAM_CHUNKS_OUT chunks out to each connected member, so the next
 * one is on the agent before the current one ends; an agent's CHUNK_DONE
 * (sent once every result of the chunk is in its spool) marks the chunk
 * done and brings the next. A chunk's targets are derived when it is sent:
 * the version's /24s (or IPv6 targets) are expanded once per cycle with
 * the cycle's seed and kept (4 bytes a /24), and position p of the cycle
 * is target perm(p). Targets the controller's target policy refuses or the
 * platform no-probe list holds are never sent.
 * When an agent comes back, the chunks still out to it are sent again as
 * repeats: some of their targets may have been probed before it went.
 * A chunk is sent only once its take is committed (the group commit is
 * flushed first), so a controller killed after sending it cannot leave it
 * open in the store for another agent, or another front-end, to take too.
 */
#include "controller/controller_int.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policy/targets.h"
#include "scan/targets.h"
#include "store/store_prefixes.h"
#include "store/store_team.h"
#include "team/team_plan.h"

/* Chunks out to one member at a time. */
#define TEAM_CHUNKS_OUT 2

/* The expanded targets of one team's current cycle, and what this controller saw of it. */
struct team_targets {
	int64_t team_id, version;
	uint64_t seed;
	struct scan_targets t;
	int64_t seen_cycle;       /* the newest cycle seen (team_cycle_news) */
	int64_t seen_handed_on;   /* chunks of it seen handed on */
};

/* store_prefix_fn: add an entry's targets to the set. */
static int add_entry(void *arg, const struct pfx2as_entry *e)
{
	char err[64];
	return scan_targets_add(arg, &e->prefix, err, sizeof err);
}

/* The cached slot of team_id, a new one if none (NULL: memory). */
static struct team_targets *slot_of(struct controller *c, int64_t team_id)
{
	for (size_t i = 0; i < c->nteam_targets; i++)
		if (c->team_targets[i].team_id == team_id)
			return &c->team_targets[i];
	void *v = realloc(c->team_targets, (c->nteam_targets + 1) * sizeof *c->team_targets);
	if (!v)
		return NULL;
	c->team_targets = v;
	struct team_targets *tt = &c->team_targets[c->nteam_targets++];
	memset(tt, 0, sizeof *tt);
	tt->team_id = team_id;
	return tt;
}

/* The targets of cycle cy of team t, expanded once per cycle; NULL with err. */
static const struct scan_targets *cycle_targets(struct controller *c, const struct store_team *t,
						 const struct store_team_cycle *cy, char *err,
						 size_t errlen)
{
	struct team_targets *tt = slot_of(c, t->id);
	if (!tt) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (tt->t.n && tt->version == cy->version && tt->seed == cy->seed)
		return &tt->t;
	scan_targets_free(&tt->t);
	tt->version = cy->version;
	tt->seed = cy->seed;
	if (scan_targets_init(&tt->t, t->family == 6 ? AF_INET6 : AF_INET, cy->seed, err,
			      errlen) < 0 ||
	    c->store->ops->prefixes->each(c->store, cy->version, add_entry, &tt->t, err, errlen) < 0 ||
	    scan_targets_finish(&tt->t, err, errlen) < 0 || tt->t.n != cy->targets) {
		if (tt->t.n != cy->targets)
			snprintf(err, errlen, "prefix version %lld gives %zu targets, not %llu",
				 (long long)cy->version, tt->t.n, (unsigned long long)cy->targets);
		scan_targets_free(&tt->t);
		return NULL;
	}
	return &tt->t;
}

/* See controller_int.h. */
int team_cycle_news(struct controller *c, int64_t team_id, int64_t cycle, int64_t handed_on)
{
	struct team_targets *tt = slot_of(c, team_id);
	if (!tt || (tt->seen_cycle == cycle && tt->seen_handed_on >= handed_on))
		return 0;
	tt->seen_cycle = cycle;
	tt->seen_handed_on = handed_on;
	return 1;
}

/* See controller_int.h. */
void team_targets_free(struct controller *c)
{
	for (size_t i = 0; i < c->nteam_targets; i++)
		scan_targets_free(&c->team_targets[i].t);
	free(c->team_targets);
}

/* The addresses of chunk ch, less those on the no-probe list; NULL with err. */
static json_t *chunk_targets(struct controller *c, const struct store_team *t,
			     const struct store_team_cycle *cy, const struct store_team_chunk *ch,
			     char *err, size_t errlen)
{
	const struct scan_targets *tg = cycle_targets(c, t, cy, err, errlen);
	if (!tg)
		return NULL;
	struct team_plan p;
	team_plan_init(&p, tg->n, cy->seed, t->chunk);
	json_t *out = json_array();
	for (uint64_t pos = ch->first; out && pos < ch->first + ch->count && pos < tg->n; pos++) {
		struct net_addr a;
		char text[NET_ADDR_STRLEN], why[256];
		scan_targets_addr(tg, team_plan_target(&p, pos), &a);
		if (!net_addr_str(&a, text, sizeof text) ||
		    !targets_allowed(c->opts.targets, &a, why, sizeof why) ||
		    noprobe_list_blocks(&c->noprobe, text, why, sizeof why))
			continue;
		json_array_append_new(out, json_string(text));
	}
	if (!out)
		snprintf(err, errlen, "out of memory");
	return out;
}

/* The traceroute definition of the team's method. */
static json_t *team_def(const struct store_team *t)
{
	const char *m = t->method;
	const char *proto = strncmp(m, "udp", 3) == 0 ? "UDP" : strncmp(m, "tcp", 3) == 0 ? "TCP" :
			    "ICMP";
	json_t *def = json_pack("{s:s,s:i,s:s,s:i,s:i,s:i,s:i,s:i,s:i}", "type", "traceroute",
				"af", t->family, "protocol", proto, "paris",
				strstr(m, "paris") ? 16 : 0, "first_hop", 1, "max_hops", 32,
				"packets", 1, "timeout", 1000, "gap_limit", 3);
	if (def && strcmp(m, "tcp-syn") == 0)
		json_object_set_new(def, "tcp_flags", json_string("SYN"));
	if (def && strcmp(m, "tcp-ack") == 0)
		json_object_set_new(def, "tcp_flags", json_string("ACK"));
	return def;
}

/* The member's rate: the smaller of the team's and the site's ceiling the
   agent's STATUS says (before its first STATUS, the team's: the agent holds
   its ceiling anyway). */
static uint32_t member_rate(const struct store_team *t, const struct session *s)
{
	uint32_t team = (uint32_t)t->pps;
	return s->pps_max && s->pps_max < team ? s->pps_max : team;
}

/* Send chunk ch of cycle cy of team t on session s; 0 or -1 with err. */
static int send_chunk(struct controller *c, struct session *s, const struct store_team *t,
		      const struct store_team_cycle *cy, const struct store_team_chunk *ch,
		      char *err, size_t errlen)
{
	json_t *targets = chunk_targets(c, t, cy, ch, err, errlen);
	if (!targets)
		return -1;
	json_t *body = json_pack("{s:I,s:s,s:I,s:I,s:b,s:I,s:o,s:o}", "team", (json_int_t)t->id,
				 "name", t->name, "cycle", (json_int_t)cy->cycle, "chunk",
				 (json_int_t)ch->chunk, "repeat", ch->repeat, "pps",
				 (json_int_t)member_rate(t, s), "def", team_def(t), "targets", targets);
	struct msg m = { .type = MSG_CHUNK, .msm_id = t->msm_id, .body = body };
	int rc = body && c->store->ops->team->member_assign(c->store, t->msm_id, s->agent.id, err,
							     errlen) == 0 ?
		 conn_send(s->conn, &m, err, errlen) : -1;
	json_decref(body);
	return rc;
}

/* Send the chunks still out to s's agent again, as repeats (it came back). */
static void resend_out(struct controller *c, struct session *s, const struct store_team *t,
		       const struct store_team_cycle *cy)
{
	struct store_team_chunk ch[TEAM_CHUNKS_OUT * 2];
	char err[256] = "";
	int n = c->store->ops->team->chunks_out(c->store, t->id, cy->cycle, s->agent.id, ch,
						sizeof ch / sizeof ch[0], err, sizeof err);
	for (int i = 0; i < n; i++) {
		ch[i].repeat = 1;
		if (c->store->ops->team->chunk_repeat(c->store, t->id, cy->cycle, ch[i].chunk, err,
						      sizeof err) < 0 ||
		    send_chunk(c, s, t, cy, &ch[i], err, sizeof err) < 0)
			break;
	}
	if (n < 0 || err[0])
		ctl_log(c, "team %s: agent %lld: %s", t->name, (long long)s->agent.id, err);
}

/* Keep TEAM_CHUNKS_OUT chunks of the running cycle out to s's agent. */
static void top_up(struct controller *c, struct session *s, const struct store_team *t,
		   const struct store_team_cycle *cy)
{
	struct store_team_chunk ch[TEAM_CHUNKS_OUT * 2];
	char err[256] = "";
	int n = c->store->ops->team->chunks_out(c->store, t->id, cy->cycle, s->agent.id, ch,
						sizeof ch / sizeof ch[0], err, sizeof err);
	if (n >= 0 && n < TEAM_CHUNKS_OUT)
		ingest_flush(c);   /* see the top: a take commits before its CHUNK goes */
	while (n >= 0 && n < TEAM_CHUNKS_OUT) {
		int got = c->store->ops->team->chunk_take(c->store, t->id, cy->cycle, s->agent.id,
							  time(NULL), &ch[0], err, sizeof err);
		if (got <= 0 || send_chunk(c, s, t, cy, &ch[0], err, sizeof err) < 0) {
			n = got < 0 ? -1 : n;
			break;
		}
		n++;
	}
	if (err[0])
		ctl_log(c, "team %s: agent %lld: %s", t->name, (long long)s->agent.id, err);
}

/* Run fn for every running team whose current cycle runs and which names s's agent. */
static void each_team_of(struct controller *c, struct session *s,
			 void (*fn)(struct controller *, struct session *, const struct store_team *,
				    const struct store_team_cycle *))
{
	char err[256];
	json_t *rows = NULL, *r;
	size_t i;
	if (!s->admitted || !store_has_teams(c->store) ||
	    c->store->ops->team->list(c->store, &rows, err, sizeof err) < 0)
		return;
	json_array_foreach(rows, i, r) {
		struct store_team t;
		struct store_team_cycle cy;
		if (json_integer_value(json_object_get(r, "stopped")) != 0 ||
		    c->store->ops->team->get(c->store, NULL, json_integer_value(json_object_get(r, "id")),
					     &t, err, sizeof err) != 1 ||
		    !team_names(t.agents, s->agent.id, s->agent.tags) ||
		    c->store->ops->team->cycle_current(c->store, t.id, &cy, err, sizeof err) != 1 ||
		    cy.ended != 0)
			continue;
		fn(c, s, &t, &cy);
	}
	json_decref(rows);
}

/* resend_out, then top_up. */
static void rejoin(struct controller *c, struct session *s, const struct store_team *t,
		   const struct store_team_cycle *cy)
{
	resend_out(c, s, t, cy);
	top_up(c, s, t, cy);
}

/* See controller_int.h. */
void team_admitted(struct controller *c, struct session *s)
{
	each_team_of(c, s, rejoin);
}

/* See controller_int.h. */
void team_top_up_all(struct controller *c)
{
	struct session *s;
	ingest_flush(c);   /* once here, so no flush runs inside the walk */
	TAILQ_FOREACH(s, &c->sessions, link)
		each_team_of(c, s, top_up);
}

/* See controller_int.h. */
void team_chunk_done(struct controller *c, struct session *s, const struct msg *m)
{
	char err[256];
	json_int_t team = json_integer_value(json_object_get(m->body, "team"));
	json_int_t cycle = json_integer_value(json_object_get(m->body, "cycle"));
	json_int_t chunk = json_integer_value(json_object_get(m->body, "chunk"));
	if (!store_has_teams(c->store))
		return;
	ingest_txn(c);
	int rc = c->store->ops->team->chunk_done(c->store, team, cycle, chunk, s->agent.id,
						 time(NULL), err, sizeof err);
	if (rc < 0)
		ctl_log(c, "agent %lld: chunk %lld of team %lld: %s", (long long)s->agent.id,
			(long long)chunk, (long long)team, err);
	each_team_of(c, s, top_up);
}
