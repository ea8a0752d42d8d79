/*
 * engine_tap: giving sent probes the device tap's transmit stamp (see
 * txtap.h). The tap sees a probe before the driver does, so its frame is in
 * the ring before any reply to it can arrive: draining the ring before
 * replies are matched is enough. The tap serves the raw-socket path; the
 * packet-socket path of sweeps keeps the error-queue stamps alone (a tap
 * copies every frame, a cost a sweep should not pay).
 */
#include "engine/engine_int.h"
#include "engine/match.h"

/* Open the tap for the raw path unless it is open or not wanted. */
void eng_tap_open(struct engine *e)
{
	char err[128];
	if (e->tap.fd >= 0 || e->packet_on)
		return;
	if (txtap_open(&e->tap, err, sizeof err) < 0)
		e->stats.tap_errors++;
}

/* Give the frame's stamp to the probe it shows leaving, if that is ours. */
static void stamp_probe(struct engine *e, const struct txtap_frame *f)
{
	struct net_quote q;
	struct eng_sig sig;
	if (f->ns == 0 || !net_quote_parse(f->ip, f->len, &q) ||
	    !eng_quote_sig(&q, e->key, &sig))
		return;
	struct sig_node *n = sigtab_find(&e->sigs, &sig);
	if (n == NULL)
		return;
	struct eng_probe *p = DL_ENTRY(n, struct eng_probe, sig);
	if (p->state != ENG_SENT || p->tx_tap_ns != 0)
		return;
	p->tx_tap_ns = f->ns;
	e->stats.tap_ts++;
}

/* Read every frame waiting in the tap's ring. */
void eng_drain_tap(struct engine *e)
{
	struct txtap_frame f;
	while (txtap_peek(&e->tap, &f)) {
		stamp_probe(e, &f);
		txtap_release(&e->tap);
	}
}

/* The packet path is on: the tap is no longer read; close it. */
void eng_tap_close(struct engine *e)
{
	if (e->tap.fd >= 0) {
		eng_drain_tap(e);
		txtap_close(&e->tap);
	}
}
