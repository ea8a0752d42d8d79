/*
 * fuzz_topology: libFuzzer target for the lab's topology parser and address
 * plan (src/lab/topology.c, addrplan.c). Any input must parse or fail with a
 * "FILE:LINE: problem" message, never read outside the buffer; a parsed
 * topology's routes and ground truth are computed too, to exercise them on
 * odd shapes.
 */
#include "lab/routes.h"
#include "lab/topology.h"
#include "lab/truth.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Compute every node's routes and one truth, checking invariants. */
static void exercise(const struct lab_topo *t)
{
	static struct lab_dest d[LAB_MAX_DESTS];
	struct lab_nexthop nh[LAB_MAX_IFACES];
	struct lab_flow flow = { "udp", 0, 0 };
	int dist[LAB_MAX_NODES], n = lab_route_dests(t, 4, d);
	char err[256];
	json_t *j;

	for (int i = 0; i < n && i < 8; i++) {
		lab_route_dist(t, d[i].owners, dist);
		for (int k = 0; k < t->n_nodes; k++)
			if (lab_route_nexthops(t, dist, d[i].owners, k, NULL, nh) > LAB_MAX_IFACES)
				abort();
	}
	/* a large synthetic Internet takes seconds to generate: keep inputs fast */
	if (t->n_nodes >= 2 && !(t->nodes[t->n_nodes - 1].kind == LAB_INTERNET &&
				 t->nodes[t->n_nodes - 1].synth.prefixes > 5000)) {
		j = lab_truth(t, t->nodes[0].name, t->nodes[t->n_nodes - 1].name, 6, &flow, err, sizeof err);
		json_decref(j);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lab_topo t;
	char err[512];

	if (lab_topo_parse((const char *)data, size, "fuzz.conf", &t, err, sizeof err) == 0)
		exercise(&t);
	else if (strncmp(err, "fuzz.conf:", 10) != 0)
		abort();    /* every error names the file */
	return 0;
}
