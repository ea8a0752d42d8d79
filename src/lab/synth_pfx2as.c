/*
 * synth_pfx2as: the synthetic Internet's prefix table in the RouteViews /
 * CAIDA prefix-to-AS text format: "prefix<TAB>length<TAB>ASN" a line, in
 * address order, the form `vantage scan` and team probing read.
 */
#include "lab/synth.h"

#include <arpa/inet.h>

/* Write the prefix table of family af (see synth.h). 0, or -1 on a write error. */
int synth_write_pfx2as(const struct synth *g, int af, FILE *f)
{
	size_t n = af == 4 ? g->n4 : g->n6;
	char buf[INET6_ADDRSTRLEN];
	uint8_t addr[16];
	int len;

	for (size_t i = 0; i < n; i++) {
		const struct synth_pfx *x = af == 4 ? &g->pfx4[i] : &g->pfx6[i];
		synth_pfx_addr(g, af, i, addr, &len);
		inet_ntop(af == 4 ? AF_INET : AF_INET6, addr, buf, sizeof buf);
		if (fprintf(f, "%s\t%d\t%u\n", buf, len, SYNTH_ASN_BASE + x->as) < 0)
			return -1;
	}
	return fflush(f) == 0 ? 0 : -1;
}
