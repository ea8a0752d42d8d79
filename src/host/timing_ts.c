/*
 * timing_ts: the kernel-timestamp part of timing_sample(): bursts of UDP
 * datagrams from one loopback socket to another, with SO_TIMESTAMPING
 * software TX timestamps (read from the sender's error queue) and RX
 * timestamps (from the receiver's control messages). Nothing leaves lo.
 */
#include "host/timing_int.h"
#include "analysis/quant.h"
#include "analysis/stats.h"
#include "engine/rawsock.h"
#include "engine/tslive.h"

#include <errno.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BURST 8

/* The two loopback sockets of the measurement. */
struct ts_pair {
	int tx, rx;
};

/* Receive one message (data or error queue) and return its timestamp. */
static int64_t recv_ts(int fd, int flags)
{
	char data[64], ctrl[512];
	struct iovec iov = { data, sizeof data };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctrl, .msg_controllen = sizeof ctrl };
	struct pollfd p = { fd, flags & MSG_ERRQUEUE ? 0 : POLLIN, 0 };
	if (poll(&p, 1, 50) <= 0)
		return -2;
	if (recvmsg(fd, &msg, flags | MSG_DONTWAIT) < 0)
		return -2;
	int64_t ns = rawsock_msg_stamp(&msg);
	return ns ? ns : -1;
}

/* Open and connect the sender and receiver with timestamping on. */
static int ts_open(struct ts_pair *p, char *err, size_t errlen)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof a;
	int rxf = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
	int txf = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE |
		  SOF_TIMESTAMPING_OPT_TSONLY;
	p->rx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	p->tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (p->rx < 0 || p->tx < 0 ||
	    bind(p->rx, (struct sockaddr *)&a, sizeof a) < 0 ||
	    getsockname(p->rx, (struct sockaddr *)&a, &alen) < 0 ||
	    connect(p->tx, (struct sockaddr *)&a, sizeof a) < 0) {
		snprintf(err, errlen, "loopback UDP: %s", strerror(errno));
		return -1;
	}
	if (setsockopt(p->rx, SOL_SOCKET, SO_TIMESTAMPING, &rxf, sizeof rxf) < 0 ||
	    setsockopt(p->tx, SOL_SOCKET, SO_TIMESTAMPING, &txf, sizeof txf) < 0) {
		snprintf(err, errlen, "SO_TIMESTAMPING: %s", strerror(errno));
		return -1;
	}
	/* the kernel turns stamping on a little later (engine/tslive.h): the
	   first bursts would otherwise come back unstamped */
	(void)tslive_wait(200);
	return 0;
}

/* Close whichever of the pair is open. */
static void ts_close(struct ts_pair *p)
{
	if (p->rx >= 0)
		close(p->rx);
	if (p->tx >= 0)
		close(p->tx);
}

/*
 * Send one burst and collect its RX timestamps into rx[*nrx] and the
 * kernel TX-to-RX times (ns) into loop[*nloop].
 */
static void ts_burst(struct ts_pair *p, int64_t *rx, unsigned *nrx,
		     double *loop, unsigned *nloop)
{
	int64_t tx[BURST];
	unsigned sent = 0;
	for (unsigned i = 0; i < BURST; i++)
		if (send(p->tx, "v", 1, 0) == 1)
			sent++;
	for (unsigned i = 0; i < sent; i++)
		tx[i] = recv_ts(p->tx, MSG_ERRQUEUE);
	for (unsigned i = 0; i < sent; i++) {
		int64_t t = recv_ts(p->rx, 0);
		if (t < 0)
			continue;
		rx[(*nrx)++] = t;
		if (tx[i] > 0 && t >= tx[i])
			loop[(*nloop)++] = (double)(t - tx[i]);
	}
}

/* Smallest positive step and count of zero steps in rx[0..n). */
static void ts_steps(const int64_t *rx, unsigned n, struct timing_report *out,
		     double *deltas, unsigned *nd)
{
	out->ts_step_ns = 0;
	*nd = 0;
	for (unsigned i = 1; i < n; i++) {
		int64_t d = rx[i] - rx[i - 1];
		if (d == 0)
			out->ts_equal++;
		if (d > 0 && (out->ts_step_ns == 0 || d < out->ts_step_ns))
			out->ts_step_ns = (long)d;
		if (d > 0)
			deltas[(*nd)++] = (double)d;
	}
}

/* Measure kernel timestamps over loopback into out (see file comment). */
void timing_kernel_ts(const struct timing_opts *o, struct timing_report *out)
{
	struct ts_pair p = { -1, -1 };
	unsigned cap = o->ts_bursts * BURST, nrx = 0, nloop = 0, nd = 0;
	int64_t *rx = calloc(cap + 1, sizeof *rx);
	double *loop = calloc(cap + 1, sizeof *loop), *deltas = calloc(cap + 1, sizeof *deltas);
	if (!rx || !loop || !deltas) {
		snprintf(out->ts_error, sizeof out->ts_error, "out of memory");
	} else if (ts_open(&p, out->ts_error, sizeof out->ts_error) == 0) {
		for (unsigned b = 0; b < o->ts_bursts; b++)
			ts_burst(&p, rx, &nrx, loop, &nloop);
		out->ts_samples = nrx;
		out->ts_ok = nrx > 1;
		out->tx_ts_ok = nloop > 0;
		if (!out->ts_ok)
			snprintf(out->ts_error, sizeof out->ts_error, "no RX timestamps arrived");
		ts_steps(rx, nrx, out, deltas, &nd);
		struct quant_params qp;
		struct quant_result qr;
		quant_params_default(&qp, 1.0); /* deltas are whole nanoseconds */
		qp.min_step = 100;              /* grids finer than 100 ns do not matter */
		if (quant_detect(deltas, nd, &qp, &qr) == QUANT_FOUND)
			out->ts_quantum_ns = qr.step;
		stats_sort(loop, nloop);
		out->loop_us = nloop ? stats_quantile_sorted(loop, nloop, 0.5) / 1000 : 0;
	}
	ts_close(&p);
	free(rx);
	free(loop);
	free(deltas);
}
