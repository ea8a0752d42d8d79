/*
 * record: one measurement result as `vantage compare` needs it, whatever its
 * source: a RIPE Atlas JSON line today (atlas_read.h), the controller's store
 * later. A record says who measured (probe), what (dst), when (timestamp),
 * the RTTs of its packets, how many were sent and answered, and for a
 * traceroute the path (first responder per hop). A rec_set is a growable
 * array of records that owns them.
 */
#ifndef VANTAGE_ANALYSIS_RECORD_H
#define VANTAGE_ANALYSIS_RECORD_H

#include <stddef.h>
#include <stdint.h>

#define REC_MAX_RTT 32

enum rec_kind { REC_PING = 0, REC_TRACE = 1 };

struct rec {
	char probe[48];          /* prb_id in decimal, or the "from" address */
	char dst[48];            /* the target address */
	int64_t timestamp;       /* seconds since the epoch */
	uint8_t kind;            /* enum rec_kind */
	uint16_t sent, rcvd;     /* packets (a traceroute: 1, reached 0/1) */
	uint16_t nrtt;           /* RTTs in rtt[] (ms) */
	double rtt[REC_MAX_RTT];
	double min;              /* smallest RTT (ms), < 0 when none */
	char *path;              /* traceroute: "hop1|hop2|*|...", owned; else NULL */
	uint16_t path_len;       /* hops in path */
};

struct rec_set {
	struct rec *v;
	size_t n, cap;
};

/* Append a copy of r (taking ownership of r->path); returns 0 or -1. */
int rec_set_add(struct rec_set *s, struct rec *r);

/* Keep only the records with since <= timestamp < until (freeing the
   others' paths); returns how many were dropped. */
size_t rec_set_keep_between(struct rec_set *s, int64_t since, int64_t until);

/* Free every record and the array; leaves an empty set. */
void rec_set_free(struct rec_set *s);

#endif
