/*
 * match: the signature a received packet carries of the probe that drew it
 * (see sigtab.h), and the check of the engine's run key where the packet
 * carries it. Pure: no state, bounded by the packet.
 */
#ifndef VANTAGE_ENGINE_MATCH_H
#define VANTAGE_ENGINE_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/sigtab.h"
#include "net/reply.h"

/*
 * Fill *sig from a parsed reply r (buf/len: the bytes it was parsed from).
 * Returns false when the reply cannot belong to a probe of ours: no quote,
 * not an echo reply or TCP reply, or the run key it carries differs from key.
 */
bool eng_reply_sig(const struct net_reply *r, const uint8_t *buf, size_t len,
		   uint32_t key, struct eng_sig *sig);

/*
 * Fill *sig from a probe's identity fields q: quoted in an ICMP error, or
 * read off the probe itself as it left. False when q lacks the transport
 * fields, is of a protocol we do not probe with, or its TCP sequence number
 * does not carry key.
 */
bool eng_quote_sig(const struct net_quote *q, uint32_t key, struct eng_sig *sig);

#endif
