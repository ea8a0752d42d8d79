/*
 * synth_truth: the ground truth of a synthetic Internet. For one destination
 * it lists, hop by hop, every router a probe may meet (all branches of a
 * load balancer), the address each answers from, and whether it is silent,
 * rate-limited or inside an MPLS tunnel, then how the path ends. For the
 * whole Internet it lists every interface that answers and every link
 * between two answering hops, which is what a mapper's recall is scored on.
 */
#ifndef VANTAGE_LAB_SYNTH_TRUTH_H
#define VANTAGE_LAB_SYNTH_TRUTH_H

#include "lab/synth.h"
#include "lab/truth.h"

#include <jansson.h>
#include <stdio.h>

/*
 * Append to hops (a JSON array) the synthetic hops from src to dst (family
 * af), numbered from ttl_base + 1, and set on top how the path ends
 * ("prefix", "asn", "end", "reached", ...). flow: the probe's protocol and
 * ports, used to name the branch a UDP or TCP flow takes ("flow_addr").
 */
void synth_truth_path(const struct synth *g, int af, const uint8_t *src, const uint8_t *dst,
		      const struct lab_flow *flow, int ttl_base, json_t *hops, json_t *top);

/*
 * Write every answering interface ("iface ADDR") and every link between
 * two answering consecutive hops ("link ADDR ADDR"), each once, over the
 * paths to every /24 (IPv4) or every prefix's first /64 (IPv6) and every
 * branch. Returns 0, or -1 on a write error or out of memory.
 */
int synth_truth_all(const struct synth *g, int af, const uint8_t *src, FILE *f);

#endif
