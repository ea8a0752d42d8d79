/*
 * msm_reply: the fields every measurement type records from a reply packet
 * the same way (ping replies, trace probes): its size and TTL cut to the
 * record's width, and what kind of reply it was (ICMP type and code, or the
 * TCP flags byte with MSM_REPLY_TCP). Pure functions over net/reply.h.
 */
#ifndef VANTAGE_MSM_MSM_REPLY_H
#define VANTAGE_MSM_MSM_REPLY_H

#include <stdint.h>

#include "net/reply.h"

/* The reply's IP packet size in bytes, at most 65535. */
uint16_t msm_reply_size(const struct net_reply *r);

/* The reply's TTL / hop limit, 0 when not known. */
uint8_t msm_reply_ttl(const struct net_reply *r);

/*
 * The reply's kind: for TCP *type = its flags byte and *code = 0, returning
 * MSM_REPLY_TCP; else *type and *code = its ICMP(v6) type and code, returning 0.
 */
uint8_t msm_reply_kind(const struct net_reply *r, uint8_t *type, uint8_t *code);

#endif
