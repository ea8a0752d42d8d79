/*
 * mesh_plan: what the anchoring mesh should change, as a pure function. In
 * go the platform's agents (anchors and probes, each with whether it may
 * take part now, its addresses and its AS and routed prefix) and the mesh
 * measurements that run (target anchor, family, type, target address and
 * current participants); out come the actions that make the mesh what it
 * should be: create a measurement toward an anchor, add participants to
 * one, take participants out of one, stop one.
 *
 * What the mesh should be: toward each anchor that may take part, for each
 * family it has an address in, a ping and a traceroute measurement, run by
 * every other such anchor with an address in that family and by up to
 * `probes` software probes with an address in that family, spread over
 * ASes first, then routed prefixes, then the rest. Probes already taking
 * part are kept while they may, so the mesh does not churn. A measurement
 * whose anchor left, or whose anchor's address changed, is stopped (a new
 * one takes the new address). Nothing is created without a participant.
 */
#ifndef VANTAGE_CONTROLLER_MESH_PLAN_H
#define VANTAGE_CONTROLLER_MESH_PLAN_H

#include <stddef.h>
#include <stdint.h>

enum mesh_type { MESH_PING = 0, MESH_TRACE = 1 };

/* One agent of the platform. */
struct mesh_agent {
	int64_t id;
	int anchor;            /* role anchor (else a software probe) */
	int eligible;          /* approved, registered and not abandoned */
	char addr[2][64];      /* [0] IPv4, [1] IPv6; "" when it has none */
	int64_t asn;           /* 0: unknown */
	char prefix[64];       /* routed prefix; "": unknown */
};

/* One running mesh measurement. */
struct mesh_msm {
	int64_t id;
	int64_t target;        /* the anchor measured */
	int af;                /* 4 or 6 */
	enum mesh_type type;
	char address[64];      /* the target address it measures */
	const int64_t *sources;   /* its participants now */
	size_t nsources;
};

enum mesh_kind { MESH_CREATE, MESH_ADD, MESH_REMOVE, MESH_STOP };

/* One change. */
struct mesh_action {
	enum mesh_kind kind;
	int64_t msm_id;        /* the measurement (0 for MESH_CREATE) */
	int64_t target;
	int af;
	enum mesh_type type;
	char address[64];
	int64_t *agents;       /* CREATE: participants; ADD/REMOVE: those to add/take out */
	size_t n;
};

struct mesh_plan {
	struct mesh_action *a;
	size_t n;
};

/*
 * The actions that make msms the mesh agents call for, with up to probes
 * software probes per measurement, into *out (free with mesh_plan_free).
 * Stops come first, then changes to running measurements, then creations.
 * Returns 0, or -1 when out of memory (out is then empty).
 */
int mesh_plan_make(const struct mesh_agent *agents, size_t nagents, const struct mesh_msm *msms,
		   size_t nmsms, int64_t probes, struct mesh_plan *out);

void mesh_plan_free(struct mesh_plan *p);

/* "ping" or "traceroute". */
const char *mesh_type_name(enum mesh_type t);

#endif
