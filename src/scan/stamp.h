/*
 * stamp: the stateless probe encoding of `vantage scan`. Everything needed
 * to match and time a reply travels in the probe and comes back in the
 * reply (in the ICMP quote, or echoed by the destination), as yarrp does,
 * so the scanner keeps nothing per probe in flight.
 *
 * A probe carries a 32-bit word W = ts(16) | ttl(6) | mac10(10): ts is the
 * send time in units of SCAN_TS_UNIT_NS since the scan started (mod 2^16,
 * so an RTT up to 4.19 s is read right), ttl the TTL it was sent with, and
 * mac10 a keyed MAC of (target, ttl, ts). Where W goes, per method:
 *
 *   icmp-paris  echo id:seq = W; the ICMP checksum is pinned to the
 *               target's flow value F (so the flow stays one per target);
 *               IPv4 ID and payload bytes 2-3 = mac16
 *   udp-paris   source port from F, destination port SCAN_UDP_DPORT; the UDP
 *               checksum = W's low half (never 0: ttl >= 1); ts in the IPv4
 *               ID, for IPv6 in payload bytes 2-3 (IPv6 quotes carry it)
 *   tcp-ack     source port from F, destination port SCAN_TCP_DPORT;
 *               sequence and acknowledgment numbers = W (a RST answers
 *               with our ack as its seq); IPv4 ID = mac16
 *
 * F and mac16 are keyed hashes of the target (and of W), so a blind forger
 * must guess 26 to 42 bits for a reply to be taken. Only the fields every
 * router quotes are used (IP header + 8 transport bytes) except for IPv6
 * UDP, whose quote always holds the payload (RFC 4443 quotes up to 1280).
 */
#ifndef VANTAGE_SCAN_STAMP_H
#define VANTAGE_SCAN_STAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/probe.h"
#include "net/reply.h"
#include "scan/keyhash.h"

#define SCAN_TS_UNIT_NS 64000u /* 64 us */
#define SCAN_TTL_MAX 63
#define SCAN_UDP_DPORT 33435
#define SCAN_TCP_DPORT 80
#define SCAN_PAYLOAD_LEN 4

enum scan_method { SCAN_ICMP_PARIS = 0, SCAN_UDP_PARIS = 1, SCAN_TCP_ACK = 2 };

/* The method's command-line name, and the packet-method name the policy sees. */
const char *scan_method_name(enum scan_method m);
/* Parse a method name; -1 when unknown. */
int scan_method_parse(const char *name);

/* What the encoder needs: the method and the MAC key. */
struct scan_stamp {
	enum scan_method method;
	struct keyhash_key key;
};

/* What a probe carries. */
struct scan_fields {
	struct net_addr dst;
	uint8_t ttl;   /* 1..SCAN_TTL_MAX */
	uint16_t ts;   /* send time in SCAN_TS_UNIT_NS units, mod 2^16 */
};

/* A stamp keyed from the seed. */
void scan_stamp_init(struct scan_stamp *s, enum scan_method m, uint64_t seed);

/*
 * Fill np (kind, dst, ttl, ids, ports, checksum pin, payload pointing into
 * payload[SCAN_PAYLOAD_LEN]) for the probe f. np->src is left to the caller.
 */
void scan_stamp_encode(const struct scan_stamp *s, const struct scan_fields *f,
		       struct net_probe *np, uint8_t payload[SCAN_PAYLOAD_LEN]);

/* What a reply says about its probe. */
struct scan_match {
	struct scan_fields f;    /* the probe: target, ttl, send time */
	bool from_target;        /* the target itself answered (echo reply,
				    TCP reply, or an ICMP error sent by it) */
	uint8_t quoted_ttl;      /* the probe's TTL as quoted, 0 if no quote */
};

/*
 * Decode reply r (parsed from buf[0..len), as received) against s. Returns
 * true with *m filled when r answers one of our probes and its MAC holds;
 * false for anything else (other traffic, a forged or damaged reply).
 */
bool scan_stamp_decode(const struct scan_stamp *s, const struct net_reply *r,
		       const uint8_t *buf, size_t len, struct scan_match *m);

#endif
