/*
 * synth_node: a synthetic Internet node at work inside the keeper. It reads
 * the probes the attach router sends into its TUN device, answers them with
 * synth_answer and writes each reply back after its round trip (a timer
 * wheel of 1 ms ticks). At start it writes the prefix tables to the lab's
 * state folder as NODE.pfx2as (IPv4) and NODE.pfx2as6 (IPv6); about once a
 * second while it works it rewrites NODE.stats with its counters.
 */
#ifndef VANTAGE_LAB_SYNTH_NODE_H
#define VANTAGE_LAB_SYNTH_NODE_H

#include "lab/synth.h"
#include "lab/synth_wheel.h"

struct lab;

struct synth_node {
	int node;                   /* the internet node's index */
	int fd;                     /* the attach router's TUN */
	struct synth g;
	struct synth_wheel wheel;
	uint64_t probes, replies;
	uint64_t first_ns, last_ns; /* first and last probe read */
	uint64_t stats_ns;          /* when NODE.stats was last written */
	char stats_path[256];
};

/*
 * Generate node n's Internet of lab, write its prefix tables, and answer on
 * TUN fd (taken over). 0, or -1 with err.
 */
int synth_node_start(struct synth_node *s, const struct lab *lab, int n, int fd, char *err,
		     size_t errlen);

/* Read and answer the waiting probes (up to a batch). */
void synth_node_read(struct synth_node *s, uint64_t now_ns);

/* Send the replies due by now_ns; returns when the next may be due (UINT64_MAX: none). */
uint64_t synth_node_send(struct synth_node *s, uint64_t now_ns);

/* Stop: close the TUN, free the Internet. */
void synth_node_stop(struct synth_node *s);

/* Write node n's prefix tables into the lab's state folder. 0, or -1 with err. */
int synth_node_write_tables(const struct synth *g, const char *dir, const char *name, char *err,
			    size_t errlen);

#endif
