/*
 * mesh_plan: the anchoring mesh's decision (see mesh_plan.h). Pure: no
 * store, no clock, no I/O; the controller (mesh_ctl.c) gathers the inputs
 * and carries the actions out.
 */
#include "controller/mesh_plan.h"

#include <stdlib.h>
#include <string.h>

/* A growable list of agent ids. */
struct ids {
	int64_t *v;
	size_t n, cap;
};

static int ids_push(struct ids *l, int64_t id)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		int64_t *v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = id;
	return 0;
}

static int ids_has(const int64_t *v, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == id)
			return 1;
	return 0;
}

/* See mesh_plan.h. */
const char *mesh_type_name(enum mesh_type t)
{
	return t == MESH_TRACE ? "traceroute" : "ping";
}

static const struct mesh_agent *find(const struct mesh_agent *a, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].id == id)
			return &a[i];
	return NULL;
}

/* Its address in family af, or NULL when it may not measure or be measured in af. */
static const char *addr_in(const struct mesh_agent *a, int af)
{
	const char *s = a->addr[af == 6];
	return a->eligible && s[0] ? s : NULL;
}

/* Does probe a bring something new to the probes chosen: pass 0 an AS, 1 a prefix, 2 anything? */
static int spreads(const struct mesh_agent *all, size_t nall, const struct ids *chosen,
		   const struct mesh_agent *a, int pass)
{
	if (pass == 2 || (pass == 0 && a->asn == 0) || (pass == 1 && !a->prefix[0]))
		return 1;
	for (size_t i = 0; i < chosen->n; i++) {
		const struct mesh_agent *c = find(all, nall, chosen->v[i]);
		if (pass == 0 && c->asn == a->asn)
			return 0;
		if (pass == 1 && strcmp(c->prefix, a->prefix) == 0)
			return 0;
	}
	return 1;
}

/* Can a take part in a measurement toward target in af as a probe? */
static int probe_ok(const struct mesh_agent *a, int64_t target, int af)
{
	return !a->anchor && a->id != target && addr_in(a, af);
}

/*
 * The participants a measurement toward target in af should have, given
 * those it has (cur, n; none for a new one), into *out: every other anchor
 * in af, the current probes that still may take part, then new probes
 * spread over ASes and prefixes, up to probes of them. 0 or -1.
 */
static int want(const struct mesh_agent *all, size_t nall, int64_t target, int af,
		const int64_t *cur, size_t ncur, int64_t probes, struct ids *out)
{
	struct ids chosen = { 0 };
	int rc = 0;
	for (size_t i = 0; i < nall && rc == 0; i++)
		if (all[i].anchor && all[i].id != target && addr_in(&all[i], af))
			rc = ids_push(out, all[i].id);
	for (size_t i = 0; i < ncur && rc == 0 && (int64_t)chosen.n < probes; i++) {
		const struct mesh_agent *a = find(all, nall, cur[i]);
		if (a && probe_ok(a, target, af) && !ids_has(chosen.v, chosen.n, a->id))
			rc = ids_push(&chosen, a->id);
	}
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < nall && rc == 0 && (int64_t)chosen.n < probes; i++)
			if (probe_ok(&all[i], target, af) && !ids_has(chosen.v, chosen.n, all[i].id) &&
			    spreads(all, nall, &chosen, &all[i], pass))
				rc = ids_push(&chosen, all[i].id);
	for (size_t i = 0; i < chosen.n && rc == 0; i++)
		rc = ids_push(out, chosen.v[i]);
	free(chosen.v);
	return rc;
}

/* Append an action, taking list's ids (list is left empty); 0 or -1. */
static int push(struct mesh_plan *p, enum mesh_kind kind, const struct mesh_msm *m,
		struct ids *list)
{
	struct mesh_action *a = realloc(p->a, (p->n + 1) * sizeof *a);
	if (!a)
		return -1;
	p->a = a;
	a = &p->a[p->n++];
	memset(a, 0, sizeof *a);
	a->kind = kind;
	a->msm_id = kind == MESH_CREATE ? 0 : m->id;
	a->target = m->target;
	a->af = m->af;
	a->type = m->type;
	memcpy(a->address, m->address, sizeof a->address);
	if (list) {
		a->agents = list->v;
		a->n = list->n;
		memset(list, 0, sizeof *list);
	}
	return 0;
}

/* Should m stop (its anchor left or moved, or an earlier one does its work)? */
static int must_stop(const struct mesh_agent *all, size_t nall, const struct mesh_msm *msms,
		     const char *stopped, size_t i)
{
	const struct mesh_msm *m = &msms[i];
	const struct mesh_agent *t = find(all, nall, m->target);
	const char *addr = t && t->anchor ? addr_in(t, m->af) : NULL;
	if (!addr || strcmp(addr, m->address) != 0)
		return 1;
	for (size_t j = 0; j < i; j++)
		if (!stopped[j] && msms[j].target == m->target && msms[j].af == m->af &&
		    msms[j].type == m->type)
			return 1;
	return 0;
}

/* The participants to add to m and to take out of it; 0 or -1. */
static int change(const struct mesh_agent *all, size_t nall, const struct mesh_msm *m,
		  int64_t probes, struct mesh_plan *p)
{
	struct ids w = { 0 }, add = { 0 }, out = { 0 };
	int rc = want(all, nall, m->target, m->af, m->sources, m->nsources, probes, &w);
	for (size_t i = 0; i < w.n && rc == 0; i++)
		if (!ids_has(m->sources, m->nsources, w.v[i]))
			rc = ids_push(&add, w.v[i]);
	for (size_t i = 0; i < m->nsources && rc == 0; i++)
		if (!ids_has(w.v, w.n, m->sources[i]))
			rc = ids_push(&out, m->sources[i]);
	if (rc == 0 && add.n)
		rc = push(p, MESH_ADD, m, &add);
	if (rc == 0 && out.n)
		rc = push(p, MESH_REMOVE, m, &out);
	free(w.v);
	free(add.v);
	free(out.v);
	return rc;
}

/* Is a measurement of (target, af, type) running and not stopped? */
static int covered(const struct mesh_msm *msms, size_t n, const char *stopped, int64_t target,
		   int af, enum mesh_type type)
{
	for (size_t i = 0; i < n; i++)
		if (!stopped[i] && msms[i].target == target && msms[i].af == af &&
		    msms[i].type == type)
			return 1;
	return 0;
}

/* The creations toward anchor t; 0 or -1. */
static int create(const struct mesh_agent *all, size_t nall, const struct mesh_agent *t,
		  const struct mesh_msm *msms, size_t nmsms, const char *stopped, int64_t probes,
		  struct mesh_plan *p)
{
	static const int afs[2] = { 4, 6 };
	int rc = 0;
	for (int f = 0; f < 2 && rc == 0; f++) {
		const char *addr = addr_in(t, afs[f]);
		for (int ty = MESH_PING; addr && ty <= MESH_TRACE && rc == 0; ty++) {
			struct mesh_msm m = { .target = t->id, .af = afs[f], .type = (enum mesh_type)ty };
			struct ids w = { 0 };
			if (covered(msms, nmsms, stopped, t->id, m.af, m.type))
				continue;
			strncpy(m.address, addr, sizeof m.address - 1);
			rc = want(all, nall, t->id, m.af, NULL, 0, probes, &w);
			if (rc == 0 && w.n)
				rc = push(p, MESH_CREATE, &m, &w);
			free(w.v);
		}
	}
	return rc;
}

/* See mesh_plan.h. */
int mesh_plan_make(const struct mesh_agent *agents, size_t nagents, const struct mesh_msm *msms,
		   size_t nmsms, int64_t probes, struct mesh_plan *out)
{
	char *stopped = calloc(nmsms + 1, 1);
	int rc = stopped ? 0 : -1;
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < nmsms && rc == 0; i++)
		if ((stopped[i] = (char)must_stop(agents, nagents, msms, stopped, i)))
			rc = push(out, MESH_STOP, &msms[i], NULL);
	for (size_t i = 0; i < nmsms && rc == 0; i++)
		if (!stopped[i])
			rc = change(agents, nagents, &msms[i], probes, out);
	for (size_t i = 0; i < nagents && rc == 0; i++)
		if (agents[i].anchor && agents[i].eligible)
			rc = create(agents, nagents, &agents[i], msms, nmsms, stopped, probes, out);
	free(stopped);
	if (rc < 0)
		mesh_plan_free(out);
	return rc;
}

/* See mesh_plan.h. */
void mesh_plan_free(struct mesh_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->a[i].agents);
	free(p->a);
	p->a = NULL;
	p->n = 0;
}
