/*
 * txtap: transmit timestamps from the device tap. Every packet the kernel
 * hands to a network device passes the device layer's tap (where tcpdump
 * and every packet capture take their copy) and is stamped there, once, for
 * all captures, before any of them runs and before the driver. A packet
 * socket with a receive ring that accepts only outgoing IP packets gets
 * that stamp for each of our probes.
 *
 * Why not only the error queue (SO_TIMESTAMPING, SCM_TSTAMP_SND): the
 * driver's stamp is taken after every capture on the interface has had its
 * copy, so it runs late by what the captures cost (6 us a capture on the lab
 * VM), and a capture (tcpdump) on the vantage point, the reference for "the
 * wire", stamps at the tap. The tap stamp is the same instant a capture
 * records. The error-queue stamp stays as the fallback.
 *
 * The ring is read without system calls: frames are checked and given back
 * in order; a full ring drops frames (their probes fall back).
 */
#ifndef VANTAGE_ENGINE_TXTAP_H
#define VANTAGE_ENGINE_TXTAP_H

#include <stddef.h>
#include <stdint.h>

struct txtap {
	int fd;             /* -1 = not open */
	uint8_t *ring;
	size_t ring_len;
	uint32_t nframes, frame_size, next;
	uint64_t frames, unstamped; /* frames read; of them without a tap stamp */
	uint64_t drops;     /* frames the kernel dropped, ring full (as of
			       the last txtap_drops) */
};

/* One outgoing packet from the ring. */
struct txtap_frame {
	const uint8_t *ip;  /* from its IP header on */
	size_t len;         /* bytes captured of it (the head) */
	int64_t ns;         /* tap stamp, CLOCK_REALTIME ns; 0 = none */
};

/* A closed tap (fd -1). */
void txtap_init(struct txtap *t);

/* Open the tap on every interface of this network namespace. 0, or -1 with
   a reason in err (no CAP_NET_RAW, no packet sockets). */
int txtap_open(struct txtap *t, char *err, size_t errlen);

/* The next frame waiting in the ring: 1 and *f, or 0 when none waits. The
   frame stays the reader's until txtap_release. */
int txtap_peek(struct txtap *t, struct txtap_frame *f);

/* Give the frame txtap_peek returned back to the kernel. */
void txtap_release(struct txtap *t);

/* Add the frames the kernel dropped since the last call (PACKET_STATISTICS,
   a system call) to t->drops and return it. */
uint64_t txtap_drops(struct txtap *t);

/* Close (a closed tap is fine). */
void txtap_close(struct txtap *t);

#endif
