/*
 * engine_sock: opening the raw (and packet) sockets a (family, protocol) pair needs, on
 * first use, and registering them with the event loop.
 */
#include <event2/event.h>
#include <netinet/in.h>
#include <stdio.h>

#include "engine/engine_int.h"
#include "engine/tslive.h"

/*
 * Open socket slot i (family, proto; tx = it sends) unless open. The
 * sockets that only send (the IPv4 sender, the packet socket) are not
 * polled: epoll reports a waiting TX stamp as an error, a wake-up per probe
 * for a stamp that is only the fallback of the device tap's. Their stamps
 * are read when a reply needs one and every few dozen probes
 * (eng_drain_quiet_txts).
 */
static int open_slot(struct engine *e, int i, int family, int proto, bool tx,
		     char *err, size_t errlen)
{
	struct eng_sock *s = &e->socks[i];
	if (s->rs.fd >= 0)
		return 0;
	if (family == AF_PACKET ? rawsock_open_packet(&s->rs, err, errlen) < 0
				: rawsock_open(&s->rs, family, proto, tx, err, errlen) < 0)
		return -1;
	s->e = e;
	dl_init(&s->txq);
	bool quiet = i == ENG_S4_TX || i == ENG_PK_TX;
	s->ev = event_new(e->base, s->rs.fd, EV_READ | EV_PERSIST, eng_read_cb, s);
	if (s->ev == NULL || (!quiet && event_add(s->ev, NULL) != 0)) {
		snprintf(err, errlen, "cannot watch a raw socket");
		return -1;
	}
	return 0;
}

/*
 * Open what probes of (family, proto) need: a sender and the receivers, and
 * the packet socket unless the raw path is asked for (without it, probes
 * take the raw path).
 */
static int open_family(struct engine *e, int family, int proto, char *err, size_t errlen)
{
	char perr[128];
	if (e->opts.send_path != ENG_PATH_RAW)
		(void)open_slot(e, ENG_PK_TX, AF_PACKET, 0, true, perr, sizeof perr);
	eng_tap_open(e);
	if (family == AF_INET) {
		if (open_slot(e, ENG_S4_TX, AF_INET, IPPROTO_RAW, true, err, errlen) ||
		    open_slot(e, ENG_S4_ICMP, AF_INET, IPPROTO_ICMP, false, err, errlen))
			return -1;
		if (proto == IPPROTO_TCP)
			return open_slot(e, ENG_S4_TCP, AF_INET, IPPROTO_TCP, false, err, errlen);
		return 0;
	}
	if (family != AF_INET6) {
		snprintf(err, errlen, "unknown address family");
		return -1;
	}
	if (open_slot(e, ENG_S6_ICMP, AF_INET6, IPPROTO_ICMPV6, true, err, errlen))
		return -1;
	if (proto == IPPROTO_UDP)
		return open_slot(e, ENG_S6_UDP, AF_INET6, IPPROTO_UDP, true, err, errlen);
	if (proto == IPPROTO_TCP)
		return open_slot(e, ENG_S6_TCP, AF_INET6, IPPROTO_TCP, true, err, errlen);
	return 0;
}

/* How long the first prepare waits for the kernel's stamps to come on. */
#define TSLIVE_WAIT_MS 200

/*
 * Open what probes of (family, proto) need; the first time, also wait until
 * the kernel stamps packets (tslive.h), so a run's first probes and replies
 * get kernel stamps too.
 */
int engine_prepare(struct engine *e, int family, int proto, char *err, size_t errlen)
{
	if (open_family(e, family, proto, err, errlen) < 0)
		return -1;
	eng_tap_kernel_stamps(e); /* off on new sockets while the tap stamps */
	if (!e->stamps_checked) {
		e->stamps_checked = true;
		if (tslive_wait(TSLIVE_WAIT_MS) < 0)
			e->stats.stamps_not_live++;
	}
	return 0;
}
