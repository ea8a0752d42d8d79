/*
 * rawsock: raw sockets with SO_TIMESTAMPING (see rawsock.h).
 */
#include "engine/rawsock.h"

#include <errno.h>
#include <linux/errqueue.h>
#include <linux/icmp.h>
#include <linux/if_packet.h>
#include <linux/net_tstamp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/clock.h"

/*
 * The SO_TIMESTAMPING flags for a socket that sends (tx) or only receives.
 * The TX stamp is the driver's (SCM_TSTAMP_SND), the last point before the
 * wire. SCM_TSTAMP_SCHED, at the entry of the device layer, comes about
 * 4.3 us earlier on the lab's veths (median of 100; 10.3 us while a packet
 * capture taps the interface, whose tap lies between the two): it would
 * make every RTT that much too long against the far end of the link.
 */
static int ts_flags(bool tx)
{
	int f = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
	if (tx)
		f |= SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_OPT_ID |
		     SOF_TIMESTAMPING_OPT_TSONLY;
	return f;
}

/*
 * Let an ICMP socket take in only the messages a probe can draw (echo
 * replies and requests, the errors that quote a probe), the kinds
 * net/reply.c knows. Neighbour discovery, MLD, redirects and router
 * adverts can match no probe and were counted unmatched (a sweep of 4,096
 * beside a CPU hog: received 4,097, matched 4,096). Best effort.
 */
static void filter_icmp(const struct rawsock *s)
{
	if (s->family == AF_INET && s->proto == IPPROTO_ICMP) {
		struct icmp_filter f = { ~((1u << 0) | (1u << 3) | (1u << 8) | (1u << 11) |
					  (1u << 12)) };
		(void)setsockopt(s->fd, SOL_RAW, ICMP_FILTER, &f, sizeof f);
	} else if (s->family == AF_INET6 && s->proto == IPPROTO_ICMPV6) {
		static const int pass[] = { 1, 2, 3, 4, 128, 129 };
		struct icmp6_filter f;
		ICMP6_FILTER_SETBLOCKALL(&f);
		for (size_t i = 0; i < sizeof pass / sizeof pass[0]; i++)
			ICMP6_FILTER_SETPASS(pass[i], &f);
		(void)setsockopt(s->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof f);
	}
}

/* Set the socket options of a fresh raw socket; 0 or -errno. */
static int setup(struct rawsock *s, bool tx)
{
	filter_icmp(s);
	int one = 1, big = 4 << 20; /* also the room for TX stamps (error queue) */
	int f = ts_flags(tx);
	if (setsockopt(s->fd, SOL_SOCKET, SO_TIMESTAMPING, &f, sizeof f) == 0)
		s->ts_tx = s->ts_tx_ok = tx;
	if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) != 0)
		(void)setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	if (s->family == AF_INET6 &&
	    setsockopt(s->fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof one) != 0)
		return -errno;
	return 0;
}

/* Open socket(family, SOCK_RAW, proto) and set it up; 0 or -errno with err. */
static int open_fd(struct rawsock *s, int family, int proto, bool tx, const char *what,
		   char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	s->family = family;
	s->proto = proto;
	s->fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (s->fd < 0) {
		int e = errno;
		snprintf(err, errlen, "cannot open a %s socket (%s)%s", what, strerror(e),
			 (e == EPERM || e == EACCES) ? ": CAP_NET_RAW is needed" : "");
		return -e;
	}
	int rc = setup(s, tx);
	if (rc < 0) {
		snprintf(err, errlen, "cannot set up a %s socket: %s", what, strerror(-rc));
		rawsock_close(s);
	}
	return rc;
}

/* Open a raw socket. */
int rawsock_open(struct rawsock *s, int family, int proto, bool tx,
		 char *err, size_t errlen)
{
	return open_fd(s, family, proto, tx, "raw", err, errlen);
}

/* Open the packet socket that sends whole frames. */
int rawsock_open_packet(struct rawsock *s, char *err, size_t errlen)
{
	/* protocol 0: the socket receives nothing, it only sends */
	return open_fd(s, AF_PACKET, 0, true, "packet", err, errlen);
}

/* Close the socket. */
void rawsock_close(struct rawsock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* Send one packet. */
int rawsock_send(struct rawsock *s, const uint8_t *pkt, size_t len,
		 const struct net_addr *dst, int hlim, uint32_t *key)
{
	struct sockaddr_storage ss;
	socklen_t sl = net_addr_to_sockaddr(dst, 0, &ss);
	struct iovec iov = { (void *)pkt, len };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} c;
	struct msghdr m = { .msg_name = &ss, .msg_namelen = sl,
			    .msg_iov = &iov, .msg_iovlen = 1 };
	if (s->family == AF_INET6) {
		memset(&c, 0, sizeof c);
		m.msg_control = c.buf;
		m.msg_controllen = sizeof c.buf;
		struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_HOPLIMIT;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &hlim, sizeof hlim);
	}
	if (sendmsg(s->fd, &m, 0) < 0)
		return -errno;
	*key = s->next_key++;
	return 0;
}

/* Room for one packet's address and IPv6 hop-limit control message. */
struct send_room {
	union {
		struct sockaddr_storage ss;
		struct sockaddr_ll ll;
	} name;
	struct iovec iov;
	/* last: clang takes CMSG_SPACE for a variable size */
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} c;
};

/* Point message m at out's packet and address (in room r). */
static void send_prepare(const struct rawsock *s, const struct rawsock_out *out,
			 struct send_room *r, struct msghdr *m)
{
	memset(m, 0, sizeof *m);
	r->iov = (struct iovec){ (void *)out->pkt, out->len };
	m->msg_iov = &r->iov;
	m->msg_iovlen = 1;
	m->msg_name = &r->name;
	if (s->family == AF_PACKET) {
		r->name.ll = (struct sockaddr_ll){ .sll_family = AF_PACKET,
						   .sll_ifindex = out->ifindex, .sll_halen = 6 };
		memcpy(r->name.ll.sll_addr, out->mac, 6);
		m->msg_namelen = sizeof r->name.ll;
		return;
	}
	m->msg_namelen = net_addr_to_sockaddr(&out->dst, 0, &r->name.ss);
	if (s->family == AF_INET6) {
		memset(&r->c, 0, sizeof r->c);
		m->msg_control = r->c.buf;
		m->msg_controllen = sizeof r->c.buf;
		struct cmsghdr *cm = CMSG_FIRSTHDR(m);
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_HOPLIMIT;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &out->hlim, sizeof out->hlim);
	}
}

/* Send a batch: sendmmsg from the first packet not yet sent; a packet the
   kernel refuses gets that call's errno and the rest go on. */
int rawsock_send_many(struct rawsock *s, struct rawsock_out *out, int n)
{
	struct mmsghdr mm[RAWSOCK_SEND_BATCH];
	struct send_room room[RAWSOCK_SEND_BATCH];
	int left = 0;
	if (n > RAWSOCK_SEND_BATCH)
		n = RAWSOCK_SEND_BATCH;
	for (int i = 0; i < n; i++) {
		send_prepare(s, &out[i], &room[i], &mm[i].msg_hdr);
		mm[i].msg_len = 0;
	}
	for (int i = 0; i < n;) {
		int got = sendmmsg(s->fd, &mm[i], (unsigned)(n - i), 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			out[i].err = got < 0 ? errno : EIO;
			i++;
			continue;
		}
		for (int k = 0; k < got; k++, i++) {
			out[i].err = 0;
			out[i].key = s->next_key++;
		}
		left += got;
	}
	return left;
}

/* See rawsock.h: the first of the three stamps is the software one. */
int64_t rawsock_cmsg_stamp(const struct cmsghdr *cm)
{
	struct timespec ts;
	if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_TIMESTAMPING ||
	    cm->cmsg_len < CMSG_LEN(sizeof ts))
		return 0;
	memcpy(&ts, CMSG_DATA(cm), sizeof ts);
	return eng_ts_ns(&ts);
}

/* See rawsock.h. */
int64_t rawsock_msg_stamp(struct msghdr *m)
{
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(m); cm; cm = CMSG_NXTHDR(m, cm)) {
		int64_t ns = rawsock_cmsg_stamp(cm);
		if (ns)
			return ns;
	}
	return 0;
}

/* Pull the timestamp and hop limit out of a received message's cmsgs. */
static void read_cmsgs(struct msghdr *m, struct rawsock_rx *rx)
{
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(m); cm; cm = CMSG_NXTHDR(m, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPING) {
			rx->kernel_ns = rawsock_cmsg_stamp(cm);
		} else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_HOPLIMIT) {
			int h;
			memcpy(&h, CMSG_DATA(cm), sizeof h);
			rx->hlim = h;
		}
	}
}

/* Room for the control messages of one received packet. */
union rawsock_ctl {
	char buf[256];
	struct cmsghdr align;
};

/*
 * Point mm[0..n) at buffers: data at base + i * stride (len bytes each),
 * control room ctl[i], and names[i] when names is not NULL.
 */
static void mm_prepare(struct mmsghdr *mm, struct iovec *iov, int n, uint8_t *base,
		       size_t stride, size_t len, union rawsock_ctl *ctl,
		       struct sockaddr_storage *names)
{
	memset(mm, 0, sizeof mm[0] * (size_t)n);
	for (int i = 0; i < n; i++) {
		iov[i].iov_base = base + (size_t)i * stride;
		iov[i].iov_len = len;
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_hdr.msg_control = ctl[i].buf;
		mm[i].msg_hdr.msg_controllen = sizeof ctl[i].buf;
		if (names) {
			mm[i].msg_hdr.msg_name = &names[i];
			mm[i].msg_hdr.msg_namelen = sizeof names[i];
		}
	}
}

/* Receive up to n packets with one recvmmsg. */
int rawsock_recv_many(struct rawsock *s, uint8_t (*bufs)[RAWSOCK_RXLEN], int n,
		      size_t *lens, struct rawsock_rx *rx)
{
	struct mmsghdr mm[RAWSOCK_BATCH];
	struct iovec iov[RAWSOCK_BATCH];
	struct sockaddr_storage ss[RAWSOCK_BATCH];
	union rawsock_ctl c[RAWSOCK_BATCH];
	if (n > RAWSOCK_BATCH)
		n = RAWSOCK_BATCH;
	mm_prepare(mm, iov, n, bufs[0], RAWSOCK_RXLEN, RAWSOCK_RXLEN, c, ss);
	int got = recvmmsg(s->fd, mm, (unsigned)n, MSG_DONTWAIT, NULL);
	if (got < 0)
		return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -errno;
	for (int i = 0; i < got; i++) {
		struct msghdr *m = &mm[i].msg_hdr;
		memset(&rx[i], 0, sizeof rx[i]);
		rx[i].hlim = -1;
		net_addr_from_sockaddr((struct sockaddr *)&ss[i], m->msg_namelen, &rx[i].src);
		read_cmsgs(m, &rx[i]);
		lens[i] = mm[i].msg_len > RAWSOCK_RXLEN ? RAWSOCK_RXLEN : mm[i].msg_len;
	}
	return got;
}

/* The TX timestamp and key of one error-queue message; true if it is one. */
static bool txts_of(struct msghdr *m, uint32_t *key, int64_t *ns)
{
	bool have_ts = false, have_key = false;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(m); cm; cm = CMSG_NXTHDR(m, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPING) {
			*ns = rawsock_cmsg_stamp(cm);
			have_ts = *ns != 0;
		} else if (((cm->cmsg_level == SOL_IP && cm->cmsg_type == IP_RECVERR) ||
			    (cm->cmsg_level == SOL_IPV6 && cm->cmsg_type == IPV6_RECVERR) ||
			    (cm->cmsg_level == SOL_PACKET &&
			     cm->cmsg_type == PACKET_TX_TIMESTAMP)) &&
			   cm->cmsg_len >= CMSG_LEN(sizeof(struct sock_extended_err))) {
			struct sock_extended_err ee;
			memcpy(&ee, CMSG_DATA(cm), sizeof ee);
			if (ee.ee_origin == SO_EE_ORIGIN_TIMESTAMPING &&
			    ee.ee_info == SCM_TSTAMP_SND) {
				*key = ee.ee_data;
				have_key = true;
			}
		}
	}
	return have_ts && have_key;
}

/* Read up to n error-queue messages with one recvmmsg. */
int rawsock_read_txts(struct rawsock *s, uint32_t *keys, int64_t *ns, int n, int *nts)
{
	struct mmsghdr mm[RAWSOCK_BATCH];
	struct iovec iov[RAWSOCK_BATCH];
	uint8_t data[RAWSOCK_BATCH][64];
	union rawsock_ctl c[RAWSOCK_BATCH];
	*nts = 0;
	if (n > RAWSOCK_BATCH)
		n = RAWSOCK_BATCH;
	mm_prepare(mm, iov, n, data[0], sizeof data[0], sizeof data[0], c, NULL);
	int got = recvmmsg(s->fd, mm, (unsigned)n, MSG_ERRQUEUE | MSG_DONTWAIT, NULL);
	if (got <= 0)
		return 0;
	for (int i = 0; i < got; i++)
		if (txts_of(&mm[i].msg_hdr, &keys[*nts], &ns[*nts]))
			(*nts)++;
	return got;
}

/* Restart the OPT_ID counter: turning the option off and on resets it. */
void rawsock_reset_keys(struct rawsock *s)
{
	int off = 0, f = ts_flags(true), nts;
	uint32_t k[RAWSOCK_BATCH];
	int64_t ns[RAWSOCK_BATCH];
	while (rawsock_read_txts(s, k, ns, RAWSOCK_BATCH, &nts) != 0)
		;
	(void)setsockopt(s->fd, SOL_SOCKET, SO_TIMESTAMPING, &off, sizeof off);
	(void)setsockopt(s->fd, SOL_SOCKET, SO_TIMESTAMPING, &f, sizeof f);
	s->next_key = 0;
}

/* See rawsock.h. */
void rawsock_tx_stamps(struct rawsock *s, bool on)
{
	if (s->fd < 0 || !s->ts_tx_ok || s->ts_tx == on)
		return;
	if (on) {
		rawsock_reset_keys(s);
		s->ts_tx = true;
		return;
	}
	int f = ts_flags(false);
	if (setsockopt(s->fd, SOL_SOCKET, SO_TIMESTAMPING, &f, sizeof f) == 0)
		s->ts_tx = false;
}

/* The kernel's source address towards dst. */
int rawsock_source_for(const struct net_addr *dst, struct net_addr *src,
		       char *err, size_t errlen)
{
	struct sockaddr_storage ss, me;
	socklen_t sl = net_addr_to_sockaddr(dst, 33434, &ss), ml = sizeof me;
	int fd = socket(dst->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc = 0;
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, sl) != 0 ||
	    getsockname(fd, (struct sockaddr *)&me, &ml) != 0 ||
	    !net_addr_from_sockaddr((struct sockaddr *)&me, ml, src)) {
		rc = -errno;
		snprintf(err, errlen, "no route to the destination: %s", strerror(errno));
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

/*
 * The kernel's source address towards dst, on a kept UDP socket. A UDP
 * socket keeps the source address of its first connect through every later
 * one (Linux sets it only while unset), so a host with two interfaces would
 * get the first route's address for every destination: the socket is
 * disconnected (AF_UNSPEC) first, which clears it.
 */
int rawsock_source_with(int *fd4, int *fd6, const struct net_addr *dst,
			struct net_addr *src, char *err, size_t errlen)
{
	int *fd = dst->family == AF_INET6 ? fd6 : fd4;
	struct sockaddr_storage ss, me;
	socklen_t sl = net_addr_to_sockaddr(dst, 33434, &ss), ml = sizeof me;
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	if (*fd < 0)
		*fd = socket(dst->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	else if (connect(*fd, &unspec, sizeof unspec) != 0)
		goto fail;
	if (*fd < 0 || connect(*fd, (struct sockaddr *)&ss, sl) != 0 ||
	    getsockname(*fd, (struct sockaddr *)&me, &ml) != 0 ||
	    !net_addr_from_sockaddr((struct sockaddr *)&me, ml, src))
		goto fail;
	return 0;
fail:;
	int e = errno;
	snprintf(err, errlen, "no route to the destination: %s", strerror(e));
	return -e;
}
