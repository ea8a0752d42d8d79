/*
 * synth_params: the parameters of a synthetic Internet, as written on a
 * topology line `node NAME internet seed=N prefixes=N ...`, with defaults,
 * bounds, and an error naming the parameter for every bad value.
 */
#ifndef VANTAGE_LAB_SYNTH_PARAMS_H
#define VANTAGE_LAB_SYNTH_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct synth_params {
	uint64_t seed;
	long long prefixes;         /* routed IPv4 prefixes */
	long long ases;             /* 0: prefixes / 13 */
	uint8_t v4[4];              /* IPv4 space */
	int v4len;
	uint8_t v6[16];             /* IPv6 space */
	int v6len;
	int v6_pct;                 /* ASes that announce IPv6 */
	int responsive_pct;         /* /24s (IPv4) or /64s (IPv6) holding live hosts */
	int alive_pct;              /* addresses alive in a responsive IPv4 /24 */
	int ecmp_pct;               /* paths crossing a per-flow load balancer */
	int perpacket_pct;          /* of those, balanced per packet instead */
	int silent_pct;             /* routers that never answer */
	int ratelimit_pct;          /* routers that rate-limit their ICMP */
	int ratelimit_pps;          /* their rate (and burst) */
	int mpls_pct;               /* transit providers running MPLS tunnels */
	int mpls_hidden_pct;        /* of those, tunnels that hide their hops */
	int otherif_pct;            /* routers answering from another interface */
	int unreach_pct;            /* prefixes unreachable beyond their border */
	int loop_pct;               /* prefixes caught in a forwarding loop */
};

/* Fill p with the defaults (see lab/README.md for where they come from). */
void synth_params_default(struct synth_params *p);

/*
 * Take one "key=value" word into p. Returns 0 when taken, 1 when the key is
 * not a parameter, -1 with "key: 'value' is ..." in err when the value is bad.
 */
int synth_params_word(struct synth_params *p, const char *word, char *err, size_t errlen);

/*
 * Check the parameters as a whole. lab: the spaces must be lab address space
 * (198.18.0.0/15 and 2001:db8::/32). 0, or -1 with err.
 */
int synth_params_check(const struct synth_params *p, bool lab, char *err, size_t errlen);

#endif
