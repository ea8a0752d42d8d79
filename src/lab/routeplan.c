/*
 * routeplan: turn the lab's shortest-path routing (routes.c) into the
 * `ip -batch` lines of one node: "route replace PREFIX via ADDR dev eN", or
 * a multipath route with one "nexthop" per equal-cost branch. Links that are
 * cut are left out, so the lines can be replayed when a link is restored.
 */
#include "lab/lab.h"
#include "lab/routes.h"

#include <stdio.h>
#include <stdlib.h>

/* Write node n's routes of family af as ip batch lines into f. */
void lab_write_routes(const struct lab *lab, int n, int af, FILE *f)
{
	struct lab_dest *d = calloc(LAB_MAX_DESTS, sizeof *d);
	struct lab_nexthop nh[LAB_MAX_IFACES];
	int dist[LAB_MAX_NODES], count;
	char pfx[64], via[64];

	if (!d)
		return;
	count = lab_route_dests(&lab->topo, af, d);
	for (int i = 0; i < count; i++) {
		int k;
		if (d[i].owners >> n & 1)
			continue;
		lab_route_dist(&lab->topo, d[i].owners, dist);
		k = lab_route_nexthops(&lab->topo, dist, d[i].owners, n, lab->cut, nh);
		if (k == 0)
			continue;
		lab_prefix_format(&d[i].p, pfx, sizeof pfx);
		fprintf(f, "route replace %s", pfx);
		for (int j = 0; j < k; j++) {
			const struct lab_link *l = &lab->topo.links[nh[j].link];
			lab_addr_format(af, lab_link_addr(l, nh[j].node, af), via, sizeof via);
			fprintf(f, "%s via %s dev e%d", k > 1 ? " nexthop" : "", via,
				lab_link_ifnum(l, n));
		}
		fprintf(f, "\n");
	}
	free(d);
}
