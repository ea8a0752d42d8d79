/*
 * fuzz_synth_answer: the synthetic Internet's answer function (src/lab/
 * synth_answer.c) over arbitrary packets from the lab's TUN: it must never
 * read outside the packet, and whatever it answers must be a whole IPv4 or
 * IPv6 packet of the length its header says, from the Internet's space.
 * The first input byte picks the TTL-independent knobs: silent and
 * rate-limited routers on or off, MPLS, balancers.
 */
#include "lab/synth.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One small Internet per knob setting, made once. */
static struct synth *internet(uint8_t knobs)
{
	static struct synth g[4];
	static bool made[4];
	int k = knobs & 3;

	if (!made[k]) {
		struct synth_params p;
		char err[256];
		synth_params_default(&p);
		p.prefixes = 300;
		/* In process only (no packet is sent): a space larger than the lab's. */
		memset(p.v4, 0, sizeof p.v4);
		p.v4[0] = 240;
		p.v4len = 4;
		if (k & 1) {
			p.ecmp_pct = p.perpacket_pct = p.mpls_pct = p.unreach_pct = p.loop_pct = 50;
			p.responsive_pct = 100;
		}
		if (k & 2)
			p.silent_pct = p.ratelimit_pct = 0;
		if (synth_init(&g[k], &p, err, sizeof err) < 0)
			abort();
		made[k] = true;
	}
	return &g[k];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct synth_reply r;
	uint8_t *pkt;
	int rc;

	if (size < 1)
		return 0;
	pkt = malloc(size - 1 ? size - 1 : 1);     /* exact size: ASan sees any overread */
	memcpy(pkt, data + 1, size - 1);
	rc = synth_answer(internet(data[0]), pkt, size - 1, (uint64_t)data[0] << 20, &r);
	if (rc < -1 || rc > 1)
		abort();
	if (rc == 1) {
		size_t want = r.data[0] >> 4 == 4 ? (size_t)(r.data[2] << 8 | r.data[3]) :
			      40 + (size_t)(r.data[4] << 8 | r.data[5]);
		if (r.len > SYNTH_REPLY_MAX || r.len < 28 || want != r.len ||
		    (r.data[0] >> 4 != 4 && r.data[0] >> 4 != 6))
			abort();
	}
	free(pkt);
	return 0;
}
