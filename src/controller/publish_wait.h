/*
 * publish_wait: how long the JetStream ingest waits for a publish's ack
 * before it sends the result again. A fixed 5 s is right for a cluster that
 * keeps up and wrong for one that is merely slow: with ingest_in_flight
 * results queued ahead of it, a publish on a cluster acking R results a
 * second waits in_flight / R seconds however healthy the cluster is, and
 * sending it again then only doubles the cluster's work (bench/controller at
 * 10,000 agents: 22,637 sends again for 29,984 acks). So the wait grows with
 * the time the results in flight take to drain at the measured ack rate:
 * three times that, at least 5 s, at most 2 minutes, doubled at each try of
 * the same result. Pure: the caller passes the clock.
 */
#ifndef VANTAGE_CONTROLLER_PUBLISH_WAIT_H
#define VANTAGE_CONTROLLER_PUBLISH_WAIT_H

#include <stddef.h>
#include <stdint.h>

#define PUBLISH_WAIT_MIN_MS 5000      /* a cluster that keeps up: as before */
#define PUBLISH_WAIT_MAX_MS 120000    /* a lost publish is sent again by then */

/* The ack rate, in acks a second, measured over windows of a second or more
 * and smoothed (each window weighs a half). */
struct ack_rate {
	int64_t window_ms;   /* start of the current window (monotonic ms); 0 before the first ack */
	size_t acks;         /* acks in the current window */
	double per_s;        /* smoothed rate; 0 until a window has closed */
};

/* n acks (or final failures) came at now_ms. */
void ack_rate_add(struct ack_rate *r, size_t n, int64_t now_ms);

/* The ack wait in ms for a result about to be sent for the (tries+1)th time
 * with in_flight results (this one included) published and not yet acked. */
int64_t publish_wait_ms(const struct ack_rate *r, size_t in_flight, unsigned tries);

#endif
