/*
 * store_mesh: which measurements are the anchoring mesh's (issue 15): each
 * is marked with the anchor it measures, its family and type, so the
 * controller can keep the mesh (controller/mesh_ctl.c) and the API can
 * list it (/api/v2/anchor-measurements/). The measurements themselves are
 * ordinary ones, owned by no key (so charged to nobody); their participants
 * join and leave as anchors and probes come and go. Reached as
 * st->ops->mesh (NULL on a store without it); 0 (or a documented count)
 * or -1 with a reason in err.
 */
#ifndef VANTAGE_STORE_STORE_MESH_H
#define VANTAGE_STORE_STORE_MESH_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* Why a participant that left the mesh no longer takes part (msm_agents.refused). */
#define STORE_MESH_LEFT "left the anchoring mesh"

struct store_mesh_ops {
	/* Mark measurement msm_id as the mesh's toward anchor target (af 4|6, type
	   "ping"|"traceroute"), created at now. */
	int (*mark)(struct store *st, int64_t msm_id, int64_t target, int af, const char *type,
		    int64_t now, char *err, size_t errlen);
	/* The mesh measurements not stopped, oldest first: rows {id, target, af, type,
	   address (the definition's target), sources (JSON text: ids of the participants
	   taking part)}. */
	int (*running)(struct store *st, json_t **rows, char *err, size_t errlen);
	/* Make agents take part in msm_id (again, if they left the mesh before);
	   returns how many changed. */
	int (*join)(struct store *st, int64_t msm_id, const int64_t *agents, size_t n,
		    char *err, size_t errlen);
	/* Take agents out of msm_id (refused = STORE_MESH_LEFT); returns how many changed. */
	int (*leave)(struct store *st, int64_t msm_id, const int64_t *agents, size_t n,
		     char *err, size_t errlen);
	/* Every approved agent (not removed), by id, with all the mesh plans on,
	   in one query (a pass must not cost queries per agent): rows {id, role,
	   address_v4, address_v6 (its attributes; null when unknown), adm_address,
	   adm_prefix, adm_asn (its admission; null without one), and its sessions
	   as store_uptime.h's facts: first_connected, last_connected,
	   last_disconnected, open_sessions, closed_seconds (0 when none)}. */
	int (*agents)(struct store *st, json_t **rows, char *err, size_t errlen);
	/* One page, by mark order, of the running mesh measurements (only the one whose
	   mark is id, when id is not 0) as rows {id (the mark's), msm_id, target, af,
	   type}, and how many there are. */
	int (*page)(struct store *st, int64_t id, int64_t offset, int limit, json_t **rows,
		    int64_t *count, char *err, size_t errlen);
};

#endif
