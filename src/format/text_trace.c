/*
 * text_trace: a finished trace as traceroute(8) prints it: a header line,
 * then one line per TTL with each probe's RTT (or "*"), the replying address
 * printed whenever it changes, traceroute's "!H"-style marks for
 * unreachables, and MPLS labels as "traceroute -e" shows them.
 */
#include "format/text_result.h"
#include "format/fmt_common.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

/* traceroute's mark for an unreachable reply ("!H", "!N", ...), or "". */
static const char *text_unreach_mark(uint8_t af, const struct trace_probe *p,
				     char *buf, size_t len)
{
	if (p->flags & (MSM_REPLY_TCP | MSM_REPLY_UDP))
		return "";
	if (af == AF_INET && p->icmp_type == 3) {
		switch (p->icmp_code) {
		case 0: return " !N";
		case 1: return " !H";
		case 2: return " !P";
		case 3: return "";
		case 4: return " !F";
		case 5: return " !S";
		case 13: return " !X";
		}
	} else if (af == AF_INET6 && p->icmp_type == 1) {
		switch (p->icmp_code) {
		case 0: return " !N";
		case 1: return " !X";
		case 3: return " !H";
		case 4: return "";
		}
	} else {
		return "";
	}
	snprintf(buf, len, " !<%u>", p->icmp_code);
	return buf;
}

/* Print p's MPLS labels as " <MPLS:L=..,E=..,S=..,T=..>". */
static void text_mpls(FILE *f, const struct trace_result *r, const struct trace_probe *p)
{
	for (unsigned i = 0; i < p->mpls_n && (size_t)p->mpls_off + i < r->n_mpls; i++) {
		msm_mpls_t e = r->mpls[p->mpls_off + i];
		fprintf(f, " <MPLS:L=%u,E=%u,S=%u,T=%u>", msm_mpls_label(e),
			msm_mpls_exp(e), msm_mpls_s(e), msm_mpls_ttl(e));
	}
}

/* Print the line of one TTL. */
static void text_trace_hop(FILE *f, const struct trace_result *r, unsigned ttl)
{
	const struct msm_addr *last = NULL;
	char addr[FMT_ADDR_LEN], mark[16];
	fprintf(f, "%2u ", ttl);
	for (uint16_t i = 0; i < r->n_probes; i++) {
		const struct trace_probe *p = &r->probes[i];
		if (p->ttl != ttl || (p->flags & MSM_REPLY_DUP))
			continue;
		if (!(p->flags & MSM_REPLY_GOT)) {
			fprintf(f, " *");
			continue;
		}
		if (last == NULL || !fmt_addr_equal(last, &p->from)) {
			fprintf(f, " %s", fmt_addr(r->af, &p->from, addr, sizeof addr));
			text_mpls(f, r, p);
			last = &p->from;
		}
		fprintf(f, "  %.3f ms%s", fmt_ns_to_ms(p->rtt_ns),
			text_unreach_mark(r->af, p, mark, sizeof mark));
	}
	fputc('\n', f);
}

int text_write_trace(FILE *f, const struct trace_result *r, char *err, size_t errlen)
{
	char dst[FMT_ADDR_LEN];
	fprintf(f, "traceroute to %s (%s), %u hops max, %u byte packets, %s\n",
		r->dst_name, fmt_addr(r->af, &r->dst, dst, sizeof dst), r->max_ttl,
		r->size, trace_method_name(r->method));
	for (unsigned ttl = r->first_ttl; ttl <= r->probe_ttl_max; ttl++)
		text_trace_hop(f, r, ttl);
	fprintf(f, "stop: %s\n", trace_stop_name(r->stop_reason));
	if (ferror(f)) {
		snprintf(err, errlen, "text: write failed: %s", strerror(errno));
		return -1;
	}
	return 0;
}
