/*
 * text_ping: a finished ping as ping(8) prints it: a header line, one line
 * per reply in arrival order (duplicates marked "(DUP!)"), and the
 * statistics.
 */
#include "format/text_result.h"
#include "format/fmt_common.h"

#include <errno.h>
#include <math.h>
#include <string.h>

/* The protocol word of a reply line. */
static const char *text_ping_seqword(uint8_t method)
{
	switch (method) {
	case PING_METHOD_UDP: return "udp_seq";
	case PING_METHOD_TCP_SYN:
	case PING_METHOD_TCP_ACK: return "tcp_seq";
	default: return "icmp_seq";
	}
}

/* Standard deviation of the non-duplicate RTTs, in ms (ping's "mdev"). */
static double text_ping_mdev(const struct ping_result *r)
{
	double sum = 0, sum2 = 0;
	unsigned n = 0;
	for (uint16_t i = 0; i < r->n_replies; i++) {
		if (r->replies[i].flags & MSM_REPLY_DUP)
			continue;
		double ms = fmt_ns_to_ms(r->replies[i].rtt_ns);
		sum += ms;
		sum2 += ms * ms;
		n++;
	}
	if (n == 0)
		return 0;
	double mean = sum / n, var = sum2 / n - mean * mean;
	return var > 0 ? sqrt(var) : 0;
}

/* Print the statistics lines. */
static void text_ping_stats(FILE *f, const struct ping_result *r, const char *dst)
{
	unsigned loss = r->sent ? (unsigned)(100u * (r->sent - r->rcvd) / r->sent) : 0;
	double ms = ((double)r->end.tv_sec - (double)r->start.tv_sec) * 1000.0 +
		    ((double)r->end.tv_nsec - (double)r->start.tv_nsec) / 1e6;
	fprintf(f, "\n--- %s ping statistics ---\n", dst);
	fprintf(f, "%u packets transmitted, %u received", r->sent, r->rcvd);
	if (r->dup)
		fprintf(f, ", +%u duplicates", r->dup);
	fprintf(f, ", %u%% packet loss, time %.0fms\n", loss, ms < 0 ? 0 : ms);
	if (r->rcvd)
		fprintf(f, "rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms\n",
			fmt_ns_to_ms(r->min_ns), fmt_ns_to_ms(r->avg_ns),
			fmt_ns_to_ms(r->max_ns), text_ping_mdev(r));
}

int text_write_ping(FILE *f, const struct ping_result *r, char *err, size_t errlen)
{
	char dst[FMT_ADDR_LEN], from[FMT_ADDR_LEN];
	fmt_addr(r->af, &r->dst, dst, sizeof dst);
	fprintf(f, "PING %s (%s) %u bytes of data (%s).\n", r->dst_name, dst,
		r->size, ping_method_name(r->method));
	for (uint16_t i = 0; i < r->n_replies; i++) {
		const struct ping_reply *p = &r->replies[i];
		fprintf(f, "%u bytes from %s: %s=%u ttl=%u time=%.3f ms%s%s\n",
			p->reply_size, fmt_addr(r->af, &p->from, from, sizeof from),
			text_ping_seqword(r->method), p->seq + 1u, p->reply_ttl,
			fmt_ns_to_ms(p->rtt_ns),
			(p->flags & MSM_REPLY_DUP) ? " (DUP!)" : "",
			(p->flags & MSM_REPLY_LATE) ? " (late)" : "");
	}
	text_ping_stats(f, r, r->dst_name);
	if (ferror(f)) {
		snprintf(err, errlen, "text: write failed: %s", strerror(errno));
		return -1;
	}
	return 0;
}
