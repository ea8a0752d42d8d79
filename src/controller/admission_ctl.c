/*
 * admission_ctl: admission in the running controller (admission.h holds the
 * pure decision). It gathers the facts about one agent from the store (its
 * account, role, the probes already at its address and in its routed prefix,
 * the account's anchors of the last year, the check-host report of its
 * registration, the account's own and permitted address space), decides,
 * and records the decision and the agent's approved flag together, so the
 * session gate (approved) and what `agents show` says never disagree. It
 * runs when the operator approves an agent and at every HELLO whose address
 * differs from the one last decided on, so neither a reconnect, a new key
 * (a new agent, counted afresh) nor a new address gets around a rule. Also
 * the admin commands that register an account's own space and grant
 * location permissions.
 */
#include "controller/controller_int.h"

#include "controller/admission.h"
#include "policy/prefix.h"
#include "store/store_account.h"
#include "store/store_admission.h"
#include "store/store_prefixes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/* The longest prefix of the newest prefix table holding an address. */
struct route_walk {
	struct net_addr addr;
	struct net_prefix best;
	uint32_t asn;
	int found;
};

static int route_step(void *arg, const struct pfx2as_entry *e)
{
	struct route_walk *w = arg;
	if (net_prefix_contains(&e->prefix, &w->addr) && (!w->found || e->prefix.len > w->best.len)) {
		w->best = e->prefix;
		w->asn = e->asn;
		w->found = 1;
	}
	return 0;
}

/* The routed prefix and AS of address into f's buffers ("" and 0 when unrouted). */
static int route_of(struct controller *c, const struct net_addr *a, char *prefix, size_t plen,
		    int64_t *asn, char *err, size_t errlen)
{
	struct store *st = c->store;
	struct route_walk w = { .addr = *a };
	int64_t version = 0;
	prefix[0] = 0;
	*asn = 0;
	if (!st->ops->prefixes)
		return 0;
	if (st->ops->prefixes->latest(st, &version, err, errlen) < 0 ||
	    (version && st->ops->prefixes->each(st, version, route_step, &w, err, errlen) < 0))
		return -1;
	if (w.found) {
		net_prefix_str(&w.best, prefix, plen);
		*asn = w.asn;
	}
	return 0;
}

/* Is address (routed in asn) inside the account's own or permitted space? */
static int location_ok(struct controller *c, int64_t account, const struct net_addr *a,
		       int64_t asn, char *err, size_t errlen)
{
	json_t *rows = NULL, *r;
	size_t i;
	int ok = 0;
	if (c->store->ops->admission->locations(c->store, account, &rows, err, errlen) < 0)
		return -1;
	json_array_foreach(rows, i, r) {
		const char *ptext = json_string_value(json_object_get(r, "prefix"));
		struct net_prefix p;
		char ignore[96];
		if (json_integer_value(json_object_get(r, "asn")) == asn && asn > 0)
			ok = 1;
		else if (ptext && net_prefix_parse(ptext, &p, ignore, sizeof ignore) &&
			 net_prefix_contains(&p, a))
			ok = 1;
	}
	json_decref(rows);
	return ok;
}

/* Everything admission_decide needs about the agent at address. */
struct gathered {
	struct admission_facts f;
	char prefix[64];
	char report_why[300];
};

/* Count one kind of neighbour into *n. */
static int count(struct controller *c, const char *address, const char *prefix, int64_t account,
		 int64_t except, int64_t *n, char *err, size_t errlen)
{
	struct store_admission_count q = { address, prefix, account, except };
	return c->store->ops->admission->count(c->store, &q, n, err, errlen);
}

/* Fill g for agent a (of account) at address ("" for none) at time now. */
static int gather(struct controller *c, const struct store_agent *a, int64_t account,
		  const char *address, int64_t now, struct gathered *g, char *err, size_t errlen)
{
	struct store *st = c->store;
	struct admission_facts *f = &g->f;
	struct net_addr na = { 0 };
	char ignore[96];
	memset(g, 0, sizeof *g);
	f->anchor = strcmp(a->role, "anchor") == 0;
	f->address = address;
	f->prefix = g->prefix;
	if (address[0] && net_addr_parse(address, &na, ignore, sizeof ignore)) {
		f->v6 = na.family == AF_INET6;
		if (route_of(c, &na, g->prefix, sizeof g->prefix, &f->asn, err, errlen) < 0)
			return -1;
	}
	if ((address[0] && (count(c, address, NULL, account, a->id, &f->at_address, err, errlen) < 0)) ||
	    (g->prefix[0] && (count(c, NULL, g->prefix, account, a->id, &f->account_in_prefix,
				    err, errlen) < 0 ||
			      count(c, NULL, g->prefix, 0, a->id, &f->in_prefix, err, errlen) < 0)))
		return -1;
	if (f->anchor) {
		int64_t mine = 0;
		json_t *report = NULL;
		if (st->ops->admission->anchors_since(st, account, now - ADMISSION_YEAR + 1, a->id,
						      &f->anchors_year, err, errlen) < 0 ||
		    st->ops->admission->anchors_since(st, account, 0, -1, &mine, err, errlen) < 0)
			return -1;
		int64_t others = 0;
		if (st->ops->admission->anchors_since(st, account, 0, a->id, &others, err, errlen) < 0)
			return -1;
		f->anchor_counted = mine > others;
		int got = st->ops->admission->report_get(st, a->id, &report, err, errlen);
		if (got < 0)
			return -1;
		f->report = got ? admission_report_judge(report, g->report_why, sizeof g->report_why) :
			REPORT_NONE;
		f->report_why = g->report_why;
		json_decref(report);
	}
	if (g->prefix[0]) {
		int ok = location_ok(c, account, &na, f->asn, err, errlen);
		if (ok < 0)
			return -1;
		f->location_ok = ok;
	}
	return 0;
}

/* Take the store's admission lock for the rest of the caller's transaction; 0 or -1. */
static int decide_lock(struct controller *c, char *err, size_t errlen)
{
	struct store *st = c->store;
	return st->ops->admission->decide_lock ? st->ops->admission->decide_lock(st, err, errlen) : 0;
}

/* Decide on agent a (its id and role) of account at address, into out; the state. */
static int decide(struct controller *c, const struct store_agent *a, int64_t account,
		  const char *address, int64_t now, struct store_admission *out, struct gathered *g,
		  char *err, size_t errlen)
{
	if (gather(c, a, account, address, now, g, err, errlen) < 0)
		return -1;
	memset(out, 0, sizeof *out);
	enum admission_state s = admission_decide(&c->policy, &g->f, out->reason, sizeof out->reason);
	out->agent_id = a->id;
	snprintf(out->state, sizeof out->state, "%s", admission_state_name(s));
	snprintf(out->address, sizeof out->address, "%s", address);
	snprintf(out->prefix, sizeof out->prefix, "%s", g->prefix);
	out->asn = g->f.asn;
	out->decided = now;
	return s;
}

/* Keep decision d (state s) on an agent of account, anchor or not; 0 or -1. */
static int keep(struct controller *c, const struct store_admission *d, int s, int anchor,
		int64_t account, char *err, size_t errlen)
{
	struct store *st = c->store;
	char key[32];
	snprintf(key, sizeof key, "%lld", (long long)d->agent_id);
	if (st->ops->admission->put(st, d, err, errlen) < 0 ||
	    st->ops->agent_approve(st, key, s == ADMISSION_APPROVED, err, errlen) < 0 ||
	    (s == ADMISSION_APPROVED && anchor &&
	     st->ops->admission->anchor_admitted(st, d->agent_id, account, d->decided, err,
						 errlen) < 0))
		return -1;
	return 0;
}

/* Decide on the agent and keep the decision, inside the caller's transaction, which holds
   the store's admission lock (so the counts read are the ones the decision commits beside). */
static int decide_and_keep(struct controller *c, int64_t agent_id, const char *address,
			   int64_t now, struct store_admission *out, char *err, size_t errlen)
{
	struct store *st = c->store;
	struct store_agent a = { .id = agent_id };
	struct store_account acct = { 0 };
	struct gathered g;
	int found = st->ops->admission->role(st, agent_id, a.role, sizeof a.role, err, errlen);
	if (found <= 0) {
		if (found == 0)
			snprintf(err, errlen, "no agent %lld", (long long)agent_id);
		return -1;
	}
	if (st->ops->account->of_agent(st, agent_id, &acct, err, errlen) < 0)
		return -1;
	int s = decide(c, &a, acct.id, address, now, out, &g, err, errlen);
	if (s < 0 || keep(c, out, s, g.f.anchor, acct.id, err, errlen) < 0)
		return -1;
	return s;
}

/*
 * The batch of decide_and_keep over ids on a store that reads the agents'
 * subjects and keeps decisions in one step each (PostgreSQL: a round trip
 * per step). A decision whose facts come from the store (an anchor, or an
 * address to count at) is made and kept alone, after every decision before
 * it is kept, so its counts see them all, exactly as one by one. A software
 * probe without an address reads nothing (its address is checked when it
 * connects): its decision waits in out to be kept with its neighbours'.
 */
static int decide_batch(struct controller *c, const int64_t *ids, size_t n, const char *address,
			int64_t now, struct store_admission *out, char *err, size_t errlen)
{
	const struct store_admission_ops *ops = c->store->ops->admission;
	struct store_admission_subject *sub = calloc(n ? n : 1, sizeof *sub);
	size_t kept = 0;   /* out[0..kept) are kept */
	int rc = sub ? ops->subjects(c->store, ids, n, sub, err, errlen) : -1;
	if (!sub)
		snprintf(err, errlen, "out of memory for %zu agents", n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct store_agent a = { .id = ids[i] };
		struct gathered g;
		int alone = address[0] || strcmp(sub[i].role, "anchor") == 0;
		snprintf(a.role, sizeof a.role, "%s", sub[i].role);
		if (!a.role[0]) {
			snprintf(err, errlen, "no agent %lld", (long long)ids[i]);
			rc = -1;
		} else if (alone && kept < i && ops->put_many(c->store, out + kept, i - kept,
							      err, errlen) < 0) {
			rc = -1;
		} else {
			int s = decide(c, &a, sub[i].account, address, now, &out[i], &g, err, errlen);
			rc = s < 0 || (alone && keep(c, &out[i], s, g.f.anchor, sub[i].account,
						    err, errlen) < 0) ? -1 : 0;
			kept = alone ? i + 1 : kept;
		}
	}
	if (rc == 0 && kept < n)
		rc = ops->put_many(c->store, out + kept, n - kept, err, errlen);
	free(sub);
	return rc;
}

/* On a store without admission rules: approve the agent, as before admission. */
static int approve_unruled(struct controller *c, int64_t agent_id, struct store_admission *out,
			   char *err, size_t errlen)
{
	struct store *st = c->store;
	char key[32];
	snprintf(key, sizeof key, "%lld", (long long)agent_id);
	memset(out, 0, sizeof *out);
	out->agent_id = agent_id;
	snprintf(out->state, sizeof out->state, "approved");
	snprintf(out->reason, sizeof out->reason, "this store keeps no admission rules");
	return st->ops->agent_approve(st, key, 1, err, errlen) < 0 ? -1 : ADMISSION_APPROVED;
}

/* See controller_int.h. One lock for the batch: each decision's counts see the ones
   before it in this transaction, and no other front-end decides in between. */
int admission_decide_many(struct controller *c, const int64_t *ids, size_t n,
			  const char *address, int64_t now, struct store_admission *out,
			  char *err, size_t errlen)
{
	const struct store_admission_ops *ops = c->store->ops->admission;
	if (ops && decide_lock(c, err, errlen) < 0)
		return -1;
	if (ops && ops->subjects && ops->put_many)
		return decide_batch(c, ids, n, address, now, out, err, errlen);
	for (size_t i = 0; i < n; i++)
		if ((c->store->ops->admission ?
		     decide_and_keep(c, ids[i], address, now, &out[i], err, errlen) :
		     approve_unruled(c, ids[i], &out[i], err, errlen)) < 0)
			return -1;
	return 0;
}

/* See controller_int.h. */
int admission_run(struct controller *c, int64_t agent_id, const char *address, int64_t now,
		  struct store_admission *out, char *err, size_t errlen)
{
	struct store *st = c->store;
	if (!st->ops->admission)   /* a store without admission: as before */
		return approve_unruled(c, agent_id, out, err, errlen);
	/* The counts are read in the transaction that keeps the decision: read before it,
	   two front-ends deciding at the same instant could each go one over a cap. A
	   group commit of results still open is ended first (it is a transaction). */
	ingest_flush(c);
	if (st->ops->txn(st, "begin", err, errlen) < 0)
		return -1;
	int s = decide_lock(c, err, errlen) < 0 ? -1 :
		decide_and_keep(c, agent_id, address, now, out, err, errlen);
	if (s < 0 || st->ops->txn(st, "commit", err, errlen) < 0) {
		st->ops->txn(st, "rollback", NULL, 0);
		return -1;
	}
	ctl_log(c, "agent %lld: admission %s: %s", (long long)agent_id, out->state, out->reason);
	return s;
}

/* See controller_int.h. */
int admission_hello(struct controller *c, int64_t agent_id, const char *peer_host,
		    char *why, size_t wl)
{
	struct store *st = c->store;
	struct store_admission d;
	char err[300] = "";
	/* An agent on the controller's own host is the operator's: no address rules. */
	const char *address = strcmp(peer_host, "127.0.0.1") == 0 || strcmp(peer_host, "::1") == 0 ?
		"" : peer_host;
	if (!st->ops->admission)
		return 1;
	int found = st->ops->admission->get(st, agent_id, &d, err, sizeof err);
	if (found < 0) {
		snprintf(why, wl, "%s", err);
		return -1;
	}
	if (found && strcmp(d.state, "approved") == 0 && strcmp(d.address, address) == 0)
		return 1;
	int s = admission_run(c, agent_id, address, time(NULL), &d, err, sizeof err);
	if (s < 0) {
		snprintf(why, wl, "%s", err);
		return -1;
	}
	mesh_changed(c);   /* what it decided may change the anchoring mesh */
	if (s == ADMISSION_APPROVED)
		return 1;
	snprintf(why, wl, "agent %lld %s: %s", (long long)agent_id, d.state, d.reason);
	return 0;
}

/* Set "admission" {state, reason, address, prefix, asn, decided} on an agent's row. */
void admission_label(struct controller *c, json_t *row)
{
	struct store *st = c->store;
	struct store_admission d;
	char err[256];
	int64_t id = json_integer_value(json_object_get(row, "id"));
	if (!st->ops->admission || st->ops->admission->get(st, id, &d, err, sizeof err) <= 0) {
		json_object_set_new(row, "admission", json_null());
		return;
	}
	json_object_set_new(row, "admission", json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}",
		"state", d.state, "reason", d.reason, "address", d.address, "prefix", d.prefix,
		"asn", (json_int_t)d.asn, "decided", (json_int_t)d.decided));
}

/* The account, prefix and AS of an own/permissions request; 0 or -1 with err. */
static int location_req(struct controller *c, const json_t *req, int64_t *account,
			const char **prefix, int64_t *asn, char *err, size_t errlen)
{
	struct store_account a;
	const char *name = json_string_value(json_object_get(req, "account"));
	const json_t *n = json_object_get(req, "asn");
	if (!c->store->ops->admission) {
		snprintf(err, errlen, "this store keeps no admission rules");
		return -1;
	}
	struct net_prefix p;
	*prefix = json_string_value(json_object_get(req, "prefix"));
	*asn = json_is_integer(n) ? json_integer_value(n) : 0;
	if (!name) {
		snprintf(err, errlen, "'account' is missing or not a string");
		return -1;
	}
	int found = c->store->ops->account->find(c->store, name, &a, err, errlen);
	if (found <= 0) {
		if (found == 0)
			snprintf(err, errlen, "no account '%.64s'", name);
		return -1;
	}
	*account = a.id;
	if (!*prefix == !json_is_integer(n)) {
		snprintf(err, errlen, "give one of 'prefix' or 'asn'");
		return -1;
	}
	if (n && (*asn < 1 || *asn > 4294967295LL)) {
		snprintf(err, errlen, "'asn' must be 1..4294967295");
		return -1;
	}
	if (*prefix && !net_prefix_parse(*prefix, &p, err, errlen))
		return -1;
	return 0;
}

/* accounts.own {account, prefix | asn}: register space as the account's own. */
json_t *accounts_own(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	int64_t account, asn;
	const char *prefix;
	if (location_req(c, req, &account, &prefix, &asn, err, errlen) < 0 ||
	    c->store->ops->admission->own_add(c->store, account, prefix, asn, time(NULL),
					      err, errlen) < 0)
		return NULL;
	return json_object();
}

/* permissions.grant {account, prefix | asn, note}: a recorded location permission. */
json_t *permissions_grant(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	int64_t account, asn;
	const char *prefix, *note = json_string_value(json_object_get(req, "note"));
	if (!note || !note[0]) {
		snprintf(err, errlen, "a permission needs a 'note' saying why");
		return NULL;
	}
	if (location_req(c, req, &account, &prefix, &asn, err, errlen) < 0 ||
	    c->store->ops->admission->permit(c->store, account, prefix, asn, note, time(NULL),
					     err, errlen) < 0)
		return NULL;
	ctl_log(c, "location permission for account %lld: %s AS%lld (%s)", (long long)account,
		prefix ? prefix : "-", (long long)asn, note);
	return json_object();
}

/* permissions.list {account}: the account's own space and its permissions. */
json_t *permissions_list(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	struct store_account a;
	const char *name = json_string_value(json_object_get(req, "account"));
	json_t *rows = NULL;
	int found = name ? c->store->ops->account->find(c->store, name, &a, err, errlen) : 0;
	if (found <= 0) {
		if (found == 0)
			snprintf(err, errlen, "no account '%.64s'", name ? name : "");
		return NULL;
	}
	if (!c->store->ops->admission) {
		snprintf(err, errlen, "this store keeps no admission rules");
		return NULL;
	}
	if (c->store->ops->admission->locations(c->store, a.id, &rows, err, errlen) < 0)
		return NULL;
	return rows;
}

/* agents.locate {agent, lat, lon}: keep where the agent is (degrees; the API coarsens it). */
json_t *agents_locate(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	const json_t *id = json_object_get(req, "agent");
	const json_t *lat = json_object_get(req, "lat"), *lon = json_object_get(req, "lon");
	char role[16];
	if (!c->store->ops->admission) {
		snprintf(err, errlen, "this store keeps no locations");
		return NULL;
	}
	if (!json_is_integer(id) || !json_is_number(lat) || !json_is_number(lon) ||
	    json_number_value(lat) < -90 || json_number_value(lat) > 90 ||
	    json_number_value(lon) < -180 || json_number_value(lon) > 180) {
		snprintf(err, errlen, "give 'agent', 'lat' in [-90, 90] and 'lon' in [-180, 180]");
		return NULL;
	}
	int found = c->store->ops->admission->role(c->store, json_integer_value(id), role,
						     sizeof role, err, errlen);
	if (found == 0)
		snprintf(err, errlen, "no agent %lld", (long long)json_integer_value(id));
	if (found <= 0 ||
	    c->store->ops->admission->locate(c->store, json_integer_value(id), json_number_value(lat),
					     json_number_value(lon), err, errlen) < 0)
		return NULL;
	return json_object();
}
