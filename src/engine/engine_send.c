/*
 * engine_send: the send pump. It takes as many queued probes as the token
 * bucket allows, asks the policy, builds each packet (with the run key in
 * its payload), sends it, and arms its timeout; then it sleeps until the
 * next token. A probe leaves as an Ethernet frame on the packet socket when
 * that path is on and the kernel's next hop for it is known (nhcache.h),
 * else on the raw socket of its family and protocol.
 */
#include <errno.h>
#include <event2/event.h>
#include <arpa/inet.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/timerfd.h>

#include "engine/engine_int.h"
#include "msm/msm_result.h"
#include "net/ipv6.h"

#define PUMP_BATCH 256
/* Probes queued at once that start the packet path's sender thread (a
   sweep): for a few probes at a time it only adds a wake-up per probe. */
#define ENG_TXT_QUEUE 256

/* Which socket slot a probe leaves by. */
int eng_tx_slot(const struct net_probe *np)
{
	if (np->dst.family == AF_INET)
		return ENG_S4_TX;
	if (np->kind == NET_PROBE_UDP)
		return ENG_S6_UDP;
	return np->kind == NET_PROBE_ICMP_ECHO ? ENG_S6_ICMP : ENG_S6_TCP;
}

/* Offset samples tried at most, and the width of a pair good enough. */
#define OFFSET_TRIES 3
#define OFFSET_GOOD_NS 1000

/*
 * REALTIME - MONOTONIC now, the wall-clock reading taken between two
 * monotonic ones. Of up to OFFSET_TRIES samples the tightest pair wins, so
 * a preemption between the readings is not later taken for a clock step.
 * *mono gets the last monotonic reading, *err half the width of the pair.
 */
int64_t eng_offset_now(const struct engine *e, uint64_t *mono, uint32_t *err)
{
	const struct eng_clock *c = &e->opts.clock;
	uint64_t before = eng_clock_mono_ns(c), best_w = UINT64_MAX;
	int64_t best = 0;
	for (int i = 0; i < OFFSET_TRIES && best_w > OFFSET_GOOD_NS; i++) {
		int64_t real = eng_clock_real_ns(c);
		uint64_t after = eng_clock_mono_ns(c);
		uint64_t w = after > before ? after - before : 0;
		if (w < best_w) {
			best_w = w;
			best = real - (int64_t)(before + w / 2);
		}
		before = after;
	}
	*mono = before;
	*err = best_w / 2 > UINT32_MAX ? UINT32_MAX : (uint32_t)(best_w / 2);
	return best;
}

/*
 * Every turn's wait is on the pump's timerfd (a system call to arm), not on
 * libevent's timer, which wakes the loop early about every other turn:
 * libevent times its timers on CLOCK_MONOTONIC_COARSE (unless the base was
 * made with EVENT_BASE_FLAG_PRECISE_TIMER, which costs a timerfd_settime at
 * every loop turn), a clock of the kernel's ticks (4 ms here) that lags the
 * real one by 0 to 4 ms. It sleeps the timer's wait as that clock measured
 * it when the timer was added, and on waking finds the timer not yet due
 * whenever the lag is larger than it was then: one more wake-up (epoll_wait
 * with 1-3 ms) before the turn. Counted with perf trace on bench/team/agent
 * at 100/s: 298 such wake-ups beside 696 turns, 41 with the timerfd. With
 * nothing attached (4 interleaved pairs of runs) the agent was woken
 * 0.30-0.34 times a probe instead of 0.39-0.51, for 0.07-0.17 more system
 * calls a probe, and its CPU per probe was the same within the runs'
 * spread: the settime costs about what the wake-up did. (An earlier trial
 * found 10 % more CPU, with perf's system call tracepoints attached, which
 * make every system call dear on a PVM guest.) A periodic timerfd, armed
 * again only when a turn's time moves, would save both.
 */

/* Arm the pump's timerfd to fire once after delay_ns; false if it cannot. */
static bool arm_tfd(struct engine *e, uint64_t delay_ns)
{
	struct itimerspec its = { { 0, 0 }, { (time_t)(delay_ns / 1000000000ULL),
					      (long)(delay_ns % 1000000000ULL) } };
	if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
		its.it_value.tv_nsec = 1;
	return e->pump_tfd >= 0 && timerfd_settime(e->pump_tfd, 0, &its, NULL) == 0;
}

/* Arrange for the pump to run after delay_ns (0 = at the next loop turn). */
void eng_schedule_pump(struct engine *e, uint64_t delay_ns)
{
	if (e->pump_armed || e->in_pump)
		return;
	if (delay_ns == 0) {
		event_active(e->pump_ev, EV_TIMEOUT, 0);
		e->pump_armed = true;
		return;
	}
	if (arm_tfd(e, delay_ns)) {
		e->pump_armed = true;
		return;
	}
	struct timeval tv = { (time_t)(delay_ns / 1000000000ULL),
			      (suseconds_t)((delay_ns % 1000000000ULL) / 1000) };
	if (tv.tv_sec == 0 && tv.tv_usec == 0)
		tv.tv_usec = 1;
	/* from now, not from when the loop woke (libevent's cached time): a
	   turn that wakes early costs a wake-up more */
	event_base_update_cache_time(e->base);
	event_add(e->pump_ev, &tv);
	e->pump_armed = true;
}

/* The packet of probe p as its owner describes it, with our identity fields. */
static void describe(const struct engine *e, const struct eng_probe *p, struct net_probe *np)
{
	memset(np, 0, sizeof *np);
	np->kind = (enum net_probe_kind)p->kind;
	np->dst.family = p->sig.key.family;
	memcpy(np->dst.a, p->sig.key.dst, 16);
	p->owner->ops->build(p->owner->ctx, p->cookie, np);
	np->kind = (enum net_probe_kind)p->kind;
	eng_stamp_identity(e, p, np);
}

/* Build the packet np into buf (room bytes); its length or a negative code. */
static int build(struct engine *e, const struct eng_probe *p, struct net_probe *np,
		 uint8_t *buf, size_t room)
{
	uint8_t payload[2048];
	size_t n = p->payload_len < sizeof payload ? p->payload_len : sizeof payload;
	memset(payload, 0, n);
	if (n >= 6)
		memcpy(payload + 2, &e->key, 4);
	np->payload = payload;
	np->payload_len = n;
	int len = net_probe_build(np, buf, room);
	np->payload = NULL;
	return len;
}

/* Tell the owner about a probe that did not leave, and free it. */
static void not_sent(struct engine *e, struct eng_probe *p, int err, bool refused)
{
	struct eng_owner *o = p->owner;
	uint32_t cookie = p->cookie;
	eng_probe_free(e, p);
	o->ops->sent(o->ctx, cookie, err, refused, 0);
}

/*
 * Build np as an Ethernet frame to the hop the kernel would use into buf
 * (room bytes): 0 with its length in *flen and the hop in *hop, or 1 when
 * this probe cannot take the packet path (the raw path then sends it).
 */
static int build_frame(struct engine *e, const struct eng_probe *p, struct net_probe *np,
		       uint64_t mono, uint8_t *buf, size_t room, size_t *flen,
		       struct nh_hop *hop)
{
	static const uint8_t zero[16];
	bool v6 = np->dst.family == AF_INET6;
	if (memcmp(np->src.a, zero, v6 ? 16 : 4) == 0 || !nh_lookup(&e->nh, &np->dst, mono, hop))
		return 1;
	size_t l3 = v6 ? ETH_HLEN + NET_IPV6_HLEN : ETH_HLEN;
	int len = build(e, p, np, buf + l3, room - l3);
	if (len < 0)
		return 1;
	size_t iplen = (size_t)len + (v6 ? NET_IPV6_HLEN : 0);
	if (iplen > hop->mtu)
		return 1; /* the kernel would fragment (v4) or refuse (v6) */
	if (v6) {
		struct net_ipv6 h = { .tclass = np->tos, .payload_len = (uint16_t)len,
				      .hlim = np->ttl, .next = (uint8_t)net_probe_proto(np->kind,
											 AF_INET6),
				      .src = np->src, .dst = np->dst };
		if (net_ipv6_build(&h, buf + ETH_HLEN, NET_IPV6_HLEN) < 0)
			return 1;
	}
	uint16_t type = htons(v6 ? ETH_P_IPV6 : ETH_P_IP);
	memcpy(buf, hop->dst_mac, 6);
	memcpy(buf + 6, hop->src_mac, 6);
	memcpy(buf + 12, &type, 2);
	*flen = ETH_HLEN + iplen;
	return 0;
}

/*
 * Probe p on the packet path: into the sender thread's ring when it runs
 * (2: p is then ENG_INFLIGHT), else staged in the turn (0); 1 when it cannot
 * take this path.
 */
static int stage_frame(struct engine *e, struct eng_probe *p, struct net_probe *np,
		       uint64_t mono)
{
	struct nh_hop hop;
	size_t room, len;
	uint8_t *buf = e->txt ? eng_txt_frame(e, &room) : eng_turn_buf(e, &room);
	if (buf == NULL)
		return 1; /* full (the pump prevents it) */
	if (build_frame(e, p, np, mono, buf, room, &len, &hop) != 0)
		return 1;
	if (e->txt) {
		eng_txt_push(e, p, len, hop.ifindex, hop.dst_mac);
		return 2;
	}
	eng_turn_add(e, p, ENG_PK_TX, len, &np->dst, np->ttl, hop.ifindex, hop.dst_mac);
	return 0;
}

/* Send np on the raw socket of its slot at once; 0 (*key set) or -errno. */
static int send_raw(struct engine *e, const struct eng_probe *p, struct net_probe *np,
		    int slot, uint32_t *key)
{
	int len = build(e, p, np, e->pkt, sizeof e->pkt);
	if (len < 0)
		return -EINVAL;
	if (e->socks[slot].rs.fd < 0)
		return -EBADF;
	return rawsock_send(&e->socks[slot].rs, e->pkt, (size_t)len, &np->dst, np->ttl, key);
}

/* A probe too large for a turn's slot leaves alone, at once. */
static void send_alone(struct engine *e, struct eng_probe *p, struct net_probe *np, int slot)
{
	uint64_t mono;
	uint32_t key = 0, off_err;
	int64_t off = eng_offset_now(e, &mono, &off_err);
	int rc = send_raw(e, p, np, slot, &key);
	eng_sent(e, p, slot, rc, key, mono, off, off_err);
}

/* Take one probe off the queue into the turn (or the sender thread). */
static void stage_one(struct engine *e, struct eng_probe *p, uint64_t now)
{
	struct net_probe np;
	describe(e, p, &np);
	if (e->opts.policy && !e->opts.policy(e->opts.policy_ctx, p->owner->method, &np.dst, now)) {
		e->stats.refused++;
		not_sent(e, p, 0, true);
		return;
	}
	if (e->txt == NULL && e->turn.n >= RAWSOCK_SEND_BATCH)
		eng_turn_flush(e);
	if (e->packet_on && e->socks[ENG_PK_TX].rs.fd >= 0 && stage_frame(e, p, &np, now) != 1)
		return;
	if (e->turn.n >= RAWSOCK_SEND_BATCH)
		eng_turn_flush(e);
	int slot = eng_tx_slot(&np);
	size_t room;
	uint8_t *buf = eng_turn_buf(e, &room);
	int len = build(e, p, &np, buf, room);
	if (len < 0) {
		send_alone(e, p, &np, slot);
		return;
	}
	eng_turn_add(e, p, slot, (size_t)len, &np.dst, np.ttl, 0, NULL);
}

/* After a send (or its failure): see engine_int.h. */
void eng_sent(struct engine *e, struct eng_probe *p, int slot, int rc, uint32_t key,
	      uint64_t mono, int64_t off, uint32_t off_err)
{
	struct eng_sock *s = &e->socks[slot];
	if (rc < 0) {
		e->stats.send_errors++;
		if (s->rs.fd >= 0 && s->rs.ts_tx)
			eng_reset_keys(e, slot);
		not_sent(e, p, -rc, false);
		return;
	}
	e->stats.sent++;
	e->fam_sent[p->sig.key.family == AF_INET6] = true;
	if (e->stats.first_send_ns == 0)
		e->stats.first_send_ns = mono;
	pacer_sent(&e->pacer, mono);
	e->stats.last_send_ns = mono;
	p->state = ENG_SENT;
	p->tx_mono_ns = mono;
	p->off_tx_ns = off;
	p->off_tx_err_ns = off_err;
	p->tx_key = key;
	p->tx_tap_ns = 0;
	p->sock = (uint8_t)slot;
	if (s->rs.ts_tx && p->tx_kernel_ns == 0) /* it may have come first */
		dl_push(&s->txq, &p->txlink);
	eng_arm(e, p, mono + (uint64_t)p->timeout_ms * 1000000ULL);
	p->owner->ops->sent(p->owner->ctx, p->cookie, 0, false, mono);
}

/* Stamps the kernel keeps on a socket nobody polls before they are read. */
#define QUIET_STAMPS_MAX 64

/* Read the TX stamps of the sockets that are not polled (see engine_sock.c). */
void eng_drain_quiet_txts(struct engine *e, bool all)
{
	static const int quiet[] = { ENG_S4_TX, ENG_PK_TX };
	for (size_t i = 0; i < sizeof quiet / sizeof quiet[0]; i++) {
		struct eng_sock *s = &e->socks[quiet[i]];
		if (s->rs.fd < 0 || !s->rs.ts_tx || (quiet[i] == ENG_PK_TX && e->txt))
			continue;
		int32_t unread = (int32_t)(s->rs.next_key - s->read_key);
		if (all || unread >= QUIET_STAMPS_MAX || unread < 0)
			eng_drain_txts(e, quiet[i]);
	}
}

/* The packet path pays where one thread cannot send fast enough: unpaced
   sweeps, or paced above this. Below it, AUTO stays on the raw path: the
   device tap stamps its probes without a system call (and with the sender
   thread, handing frames over cost 3 context switches a probe at 1,000/s). */
#define ENG_TXT_MIN_PPS 100000

/* The pump: send a turn's worth, then sleep until the next turn. */
void eng_pump_cb(evutil_socket_t fd, short what, void *arg)
{
	struct engine *e = arg;
	(void)fd;
	(void)what;
	e->pump_armed = false;
	e->in_pump = true;
	if (e->reads_deferred)
		eng_read_all(e); /* replies first: they may queue probes */
	eng_expire_due(e); /* and timeouts: a paced run's ride on its turns */
	bool thread_pays = e->opts.pps == 0 || e->opts.pps >= ENG_TXT_MIN_PPS;
	/* the packet path pays for sweeps; paced below that, the raw path
	   has its stamps from the device tap without a system call */
	if (e->opts.send_path == ENG_PATH_AUTO && e->nqueued >= ENG_PACKET_AUTO_QUEUE &&
	    thread_pays && !e->packet_on) {
		e->packet_on = true;
		eng_tap_close(e);
	}
	eng_drain_tap(e);
	if (e->packet_on && (e->txt || e->nqueued >= ENG_TXT_QUEUE) &&
	    eng_txt_start(e))
		eng_drain_txts(e, ENG_PK_TX); /* the sender's outcomes, then stamps */
	uint32_t want = e->nqueued < PUMP_BATCH ? (uint32_t)e->nqueued : PUMP_BATCH;
	uint32_t room = eng_txt_room(e); /* the sender thread's free slots */
	want = want < room ? want : room;
	uint64_t now = eng_clock_mono_ns(&e->opts.clock);
	uint32_t n = pacer_take(&e->pacer, now, want);
	while (n-- > 0 && !dl_empty(&e->sendq)) {
		struct eng_probe *p = DL_ENTRY(e->sendq.next, struct eng_probe, qlink);
		dl_del(&p->qlink);
		e->nqueued--;
		if (p->owner->rate)
			eng_rate_left(e, p->owner->rate);
		stage_one(e, p, now);
	}
	eng_turn_flush(e);
	eng_drain_tap(e);
	if (e->txt) /* outcomes and stamps; asks for a wake-up for what is out */
		eng_drain_txts(e, ENG_PK_TX);
	eng_drain_quiet_txts(e, false);
	if (e->stream && !e->stream_idle && dl_empty(&e->sendq))
		eng_stream_pump(e, pacer_take(&e->pacer, eng_clock_mono_ns(&e->opts.clock),
					      PUMP_BATCH));
	if (dl_empty(&e->sendq) && e->stats.sent > 0 && e->idle_since == 0)
		e->idle_since = eng_clock_mono_ns(&e->opts.clock);
	/* probes wait for a turn, in the queue or in a rate class whose release
	   brings one: it will read the replies (engine_int.h). Without the
	   classes, a team member's replies each woke the agent (bench/team/agent:
	   one wake-up a probe, twice the system calls of the turns alone) */
	eng_defer_reads(e, e->opts.pps > 0 && (!dl_empty(&e->sendq) || eng_rates_holding(e)) &&
			   eng_txt_room(e) > 0);
	e->in_pump = false;
	/* with the sender's ring full, consuming its outcomes restarts the pump */
	if (!dl_empty(&e->sendq) && eng_txt_room(e) > 0) {
		uint32_t q = e->nqueued < PUMP_BATCH ? (uint32_t)e->nqueued : PUMP_BATCH;
		eng_schedule_pump(e, pacer_wait_ns(&e->pacer,
						   eng_clock_mono_ns(&e->opts.clock), q));
	} else if (e->stream && !e->stream_idle) {
		eng_schedule_pump(e, pacer_wait_ns(&e->pacer,
						   eng_clock_mono_ns(&e->opts.clock), 1));
	}
}
