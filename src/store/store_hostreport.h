/*
 * store_hostreport: the newest check-host report each agent sent in its
 * session (HOST_REPORT, proto/msg.h), with when it arrived and the facts
 * read from it (host/host_report.h) that probe tags and admission use.
 * Kept apart from the report an operator gives at registration
 * (store_admission.h), so that one stays as the operator gave it.
 * Reached as st->ops->hostreport->... (sqlite_hostreport.c, pg_hostreport.c).
 */
#ifndef VANTAGE_STORE_STORE_HOSTREPORT_H
#define VANTAGE_STORE_STORE_HOSTREPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct store;

struct store_hostreport_ops {
	/* Keep (replace) the agent's report (compact JSON text) received at time
	   (Unix seconds), with whether it says the host is virtualised. 0 or -1. */
	int (*put)(struct store *st, int64_t agent_id, int64_t received, int virtualised,
		   const char *report, char *err, size_t errlen);
	/* The agent's newest report: 1 with *report (new reference) and *received,
	   0 when it sent none, -1 with err. */
	int (*get)(struct store *st, int64_t agent_id, json_t **report, int64_t *received,
		   char *err, size_t errlen);
};

#endif
