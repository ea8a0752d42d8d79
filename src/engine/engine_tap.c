/*
 * engine_tap: giving sent probes the device tap's transmit stamp (see
 * txtap.h). The tap sees a probe before the driver does, so its frame is in
 * the ring before any reply to it can arrive: draining the ring before
 * replies are matched is enough. The tap serves the raw-socket path; the
 * packet-socket path of sweeps keeps the error-queue stamps alone (a tap
 * copies every frame, a cost a sweep should not pay).
 *
 * While the tap is open and keeps up, the raw sockets ask the kernel for no
 * TX stamps: each one cost an error-queue message made and read per probe
 * (ip_recv_error, __skb_tstamp_tx: about 5 % of the CPU at 10,000/s) for a
 * stamp only the fallback. Once the tap misses a frame of ours (its ring
 * overran: tp_drops, read once a ring's worth of frames; a frame without a
 * stamp; an answered probe it never showed), the kernel's stamps come back
 * on for the rest of the run. A probe that has neither stamp (the tap
 * missed it before that) is timed as a probe without a kernel TX stamp
 * always was: from the monotonic clock read before its send (rtt.h).
 */
#include "engine/engine_int.h"
#include "engine/match.h"

/* The raw path's sending sockets. */
static const int raw_tx[] = { ENG_S4_TX, ENG_S6_ICMP, ENG_S6_UDP, ENG_S6_TCP };

/* The kernel's TX stamps on the raw path: off while the tap stamps every
   probe, else on. */
void eng_tap_kernel_stamps(struct engine *e)
{
	bool on = e->tap.fd < 0 || e->stats.tap_missed > 0;
	for (size_t k = 0; k < sizeof raw_tx / sizeof raw_tx[0]; k++) {
		struct eng_sock *s = &e->socks[raw_tx[k]];
		if (s->rs.fd < 0 || !s->rs.ts_tx_ok || s->rs.ts_tx == on)
			continue;
		if (!on)
			eng_drain_txts(e, raw_tx[k]);
		while (!dl_empty(&s->txq)) { /* their stamps are not coming */
			struct eng_probe *p = DL_ENTRY(s->txq.next, struct eng_probe, txlink);
			dl_del(&p->txlink);
			e->stats.tx_ts_missing++;
		}
		rawsock_tx_stamps(&s->rs, on);
		s->read_key = 0;
	}
}

/* The tap missed frames (n of them, at least one): the kernel stamps again. */
static void tap_missed(struct engine *e, uint64_t n)
{
	bool first = e->stats.tap_missed == 0;
	e->stats.tap_missed += n;
	if (first)
		eng_tap_kernel_stamps(e);
}

/* Open the tap for the raw path unless it is open or not wanted. */
void eng_tap_open(struct engine *e)
{
	char err[128];
	if (e->tap.fd >= 0 || e->packet_on)
		return;
	if (txtap_open(&e->tap, err, sizeof err) < 0)
		e->stats.tap_errors++;
	else
		e->tap_checked = 0;
}

/* Probe p was answered without a tap stamp (the tap was drained). */
void eng_tap_unseen(struct engine *e, const struct eng_probe *p)
{
	if (e->tap.fd >= 0 && p->sock != ENG_PK_TX && p->nreplies == 0)
		tap_missed(e, 1);
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
	uint64_t unstamped = e->tap.unstamped;
	while (txtap_peek(&e->tap, &f)) {
		stamp_probe(e, &f);
		txtap_release(&e->tap);
	}
	if (e->tap.unstamped != unstamped)
		tap_missed(e, e->tap.unstamped - unstamped);
	/* a full ring drops frames: look once a ring's worth has passed */
	if (e->tap.fd >= 0 && e->tap.frames - e->tap_checked >= e->tap.nframes) {
		uint64_t before = e->tap.drops;
		e->tap_checked = e->tap.frames;
		if (txtap_drops(&e->tap) != before)
			tap_missed(e, e->tap.drops - before);
	}
}

/* The packet path is on: the tap is no longer read; close it. */
void eng_tap_close(struct engine *e)
{
	if (e->tap.fd >= 0) {
		eng_drain_tap(e);
		txtap_close(&e->tap);
		eng_tap_kernel_stamps(e);
	}
}
