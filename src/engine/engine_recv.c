/*
 * engine_recv: reading sockets, matching replies to probes and timing them.
 * A reply's signature is taken from what it carries back of the probe:
 * the echo id/seq of an echo reply, the ports and sequence number of a TCP
 * reply, or the quoted header inside an ICMP error. The run key is checked
 * wherever the reply carries it (echo payload, TCP sequence numbers), so
 * stray or forged packets do not match.
 */
#include <event2/event.h>
#include <netinet/in.h>
#include <string.h>

#include "engine/engine_int.h"
#include "engine/rtt.h"
#include "engine/match.h"
#include "msm/msm_result.h"

#define READ_BATCH 256

/* Give the TX stamp with this key to its probe; probes before it missed theirs. */
static void attach_txts(struct engine *e, struct eng_sock *s, uint32_t key, int64_t ns)
{
	e->stats.tx_ts++;
	while (!dl_empty(&s->txq)) {
		struct eng_probe *p = DL_ENTRY(s->txq.next, struct eng_probe, txlink);
		if ((int32_t)(p->tx_key - key) > 0)
			return;
		dl_del(&p->txlink);
		if (p->tx_key == key) {
			p->tx_kernel_ns = ns;
			return;
		}
		e->stats.tx_ts_missing++;
	}
	if (s == &e->socks[ENG_PK_TX])
		eng_txt_stash(e, key, ns); /* before its send's outcome (txthread.h) */
}

/* Attach waiting TX stamps of socket slot i to their probes. */
void eng_drain_txts(struct engine *e, int i)
{
	struct eng_sock *s = &e->socks[i];
	if (i == ENG_PK_TX)
		eng_txt_drain(e); /* the probes the sender thread sent first */
	uint32_t keys[RAWSOCK_BATCH];
	int64_t ns[RAWSOCK_BATCH];
	int got, nts;
	do {
		got = rawsock_read_txts(&s->rs, keys, ns, RAWSOCK_BATCH, &nts);
		for (int k = 0; k < nts; k++)
			attach_txts(e, s, keys[k], ns[k]);
	} while (got == RAWSOCK_BATCH);
	s->read_key = s->rs.next_key;
}

/*
 * After a send error the OPT_ID counter of socket slot i is uncertain: read
 * the stamps that are there, restart the counter, and take every probe
 * still waiting on the socket off its queue, counted as missing its stamp:
 * its key belongs to the old count and no stamp will carry it. Left there,
 * the first of them (a frame the kernel took but never stamped, as when a
 * link goes down under a sweep) would hold back every stamp of the new
 * count, whose keys are smaller (attach_txts takes them for stale): the
 * probes sent after the error would get no kernel stamp, and an answered
 * one would fall back to user-space time.
 */
void eng_reset_keys(struct engine *e, int i)
{
	struct eng_sock *s = &e->socks[i];
	eng_drain_txts(e, i);
	rawsock_reset_keys(&s->rs);
	s->read_key = 0;
	while (!dl_empty(&s->txq)) {
		struct eng_probe *p = DL_ENTRY(s->txq.next, struct eng_probe, txlink);
		dl_del(&p->txlink);
		e->stats.tx_ts_missing++;
	}
}

/* Work out the flags and RTT of a reply to p and tell its owner. */
static void deliver(struct engine *e, struct eng_probe *p, const struct net_reply *r,
		    const struct rawsock_rx *rx, const struct eng_rxtime *at)
{
	if (p->tx_tap_ns == 0) {
		eng_drain_tap(e);
		if (p->tx_tap_ns == 0)
			eng_tap_unseen(e, p);
	}
	/* the error queue's stamp is the fallback: read only when needed */
	if (p->tx_tap_ns == 0 && p->tx_kernel_ns == 0 && !dl_empty(&p->txlink))
		eng_drain_txts(e, p->sock);
	int64_t tx_ns = p->tx_tap_ns ? p->tx_tap_ns : p->tx_kernel_ns;
	uint64_t rx_mono = at->mono;
	struct rtt_in in = { tx_ns, rx->kernel_ns, p->tx_mono_ns, rx_mono,
			     p->off_tx_ns, at->off, p->off_tx_err_ns, at->off_err };
	struct eng_reply rep = { r, 0, p->tx_mono_ns, 0 };
	rep.rtt_ns = rtt_compute(&in, &rep.flags);
	if (p->nreplies > 0) {
		rep.flags |= MSM_REPLY_DUP;
		e->stats.dups++;
	}
	if (p->timed_out) {
		rep.flags |= MSM_REPLY_LATE;
		e->stats.late++;
	}
	if (p->nreplies < 255)
		p->nreplies++;
	struct eng_owner *o = p->owner;
	uint32_t cookie = p->cookie;
	if (p->nreplies == 1 && !p->timed_out) {
		/* answered: keep it only for its linger time, for duplicates */
		if (p->linger_ms == 0)
			eng_probe_free(e, p);
		else {
			p->state = ENG_LINGER;
			eng_arm(e, p, rx_mono + (uint64_t)p->linger_ms * 1000000ULL);
		}
	}
	e->stats.matched++;
	o->ops->reply(o->ctx, cookie, &rep);
}

/* Parse one received packet and hand it to its probe, if any. */
static void handle_packet(struct engine *e, int slot, const uint8_t *buf, size_t len,
			  const struct rawsock_rx *rx, const struct eng_rxtime *at)
{
	struct eng_sock *s = &e->socks[slot];
	struct net_rx in = { .buf = buf, .len = len };
	if (s->rs.family == AF_INET) {
		in.form = NET_RX_IPV4;
	} else {
		in.form = NET_RX_V6_L4;
		in.proto = (uint8_t)s->rs.proto;
		in.src = &rx->src;
		in.hlim = rx->hlim;
	}
	struct net_reply r;
	if (net_reply_parse(&in, &r) != 0) {
		e->stats.parse_errors++;
		return;
	}
	struct eng_sig sig;
	struct sig_node *n = NULL;
	if (eng_reply_sig(&r, buf, len, e->key, &sig))
		n = sigtab_find(&e->sigs, &sig);
	if (n == NULL) {
		e->stats.unmatched++;
		eng_stream_reply(e, &r, buf, len, rx, at);
		return;
	}
	struct eng_probe *p = DL_ENTRY(n, struct eng_probe, sig);
	if (p->state == ENG_INFLIGHT)
		p = eng_txt_settle(e, &sig);
	if (p == NULL || p->state == ENG_QUEUED || p->state == ENG_STAGED ||
	    p->state == ENG_HELD) {
		e->stats.unmatched++;
		return;
	}
	/* A reply the kernel took in after the probe's deadline is late, even
	   when the loop reads it before it runs the timer (a busy host): for an
	   owner that keeps late replies, the timeout comes first, as it would
	   have. The owner may end on it: look the probe up again. */
	uint64_t rx_mono = rx->kernel_ns ? (uint64_t)(rx->kernel_ns - at->off) : at->mono;
	if (p->linger_ms > 0 && eng_expire_if_due(e, p, rx_mono)) {
		n = sigtab_find(&e->sigs, &sig);
		p = n ? DL_ENTRY(n, struct eng_probe, sig) : NULL;
		if (p == NULL) {
			e->stats.unmatched++;
			return;
		}
	}
	deliver(e, p, &r, rx, at);
}

/* The sockets replies come in on: open and polled when reads are not deferred. */
static bool receives(const struct engine *e, int i)
{
	return e->socks[i].rs.fd >= 0 && e->socks[i].ev && i != ENG_S4_TX && i != ENG_PK_TX;
}

/* See engine_int.h. */
void eng_defer_reads(struct engine *e, bool defer)
{
	if (e->reads_deferred == defer)
		return;
	e->reads_deferred = defer;
	for (int i = 0; i < ENG_NSOCK; i++) {
		if (!receives(e, i))
			continue;
		if (defer)
			event_del(e->socks[i].ev);
		else
			event_add(e->socks[i].ev, NULL);
	}
}

/* Read socket s (data and error queue) until it is empty or READ_BATCH
   packets are read; true when it was found empty. */
static bool read_socket(struct engine *e, struct eng_sock *s)
{
	int slot = (int)(s - e->socks);
	eng_txt_drain(e);
	if (s->rs.ts_tx)
		eng_drain_txts(e, slot);
	eng_drain_tap(e);
	for (int round = 0; round < READ_BATCH / RAWSOCK_BATCH; round++) {
		struct rawsock_rx rx[RAWSOCK_BATCH];
		size_t lens[RAWSOCK_BATCH];
		int n = rawsock_recv_many(&s->rs, e->rx, RAWSOCK_BATCH, lens, rx);
		if (n <= 0)
			return true;
		struct eng_rxtime at;
		at.off = eng_offset_now(e, &at.mono, &at.off_err);
		e->stats.received += (uint64_t)n;
		if (e->reads_deferred)
			e->stats.read_at_turns += (uint64_t)n;
		for (int i = 0; i < n; i++)
			handle_packet(e, slot, e->rx[i], lens[i], &rx[i], &at);
		if (n < RAWSOCK_BATCH)
			return true;
	}
	return false;
}

/* See engine_int.h; sockets of a family no probe used are not asked. */
void eng_read_all(struct engine *e)
{
	uint64_t start = eng_clock_mono_ns(&e->opts.clock);
	bool empty = true;
	for (int i = 0; i < ENG_NSOCK; i++)
		if (receives(e, i) && e->fam_sent[e->socks[i].rs.family == AF_INET6])
			empty = read_socket(e, &e->socks[i]) && empty;
	if (empty)
		e->read_empty_ns = start;
}

/* See engine_int.h. */
void eng_read_drained(struct engine *e)
{
	uint64_t before;
	int rounds = 0; /* bounded: a flood must not hold the loop */
	do {
		before = e->stats.received;
		eng_read_all(e);
	} while (e->stats.received - before >= READ_BATCH && ++rounds < 64);
}

/* A socket is readable (data or error queue). */
void eng_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct eng_sock *s = arg;
	(void)fd;
	(void)what;
	(void)read_socket(s->e, s);
}
