/*
 * rawsock: the engine's raw sockets and their kernel timestamps. IPv4 probes
 * leave through an IPPROTO_RAW (IP_HDRINCL) socket; IPv4 replies come in on
 * raw ICMP and TCP sockets. IPv6 has one raw socket per protocol that both
 * sends (hop limit per packet as a control message) and receives (hop limit
 * and source from recvmsg). Every socket has SO_TIMESTAMPING: software RX
 * stamps come with each packet; software TX stamps come back on the error
 * queue carrying a per-socket counter (OPT_ID) that the sender tracks.
 * The packet-socket send path has one more: an AF_PACKET socket that sends
 * whole frames, with the same TX stamps.
 */
#ifndef VANTAGE_ENGINE_RAWSOCK_H
#define VANTAGE_ENGINE_RAWSOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/addr.h"

struct rawsock {
	int fd;          /* -1 when closed */
	int family;      /* AF_INET / AF_INET6 */
	int proto;       /* socket protocol (IPPROTO_RAW for the IPv4 sender) */
	bool ts_tx;      /* TX timestamps are enabled */
	bool ts_tx_ok;   /* ... could be (a sending socket whose option took) */
	uint32_t next_key; /* OPT_ID key the next successful send gets */
};

/* What recvmsg told about one received packet. */
struct rawsock_rx {
	struct net_addr src;   /* msg_name */
	int64_t kernel_ns;     /* SCM_TIMESTAMPING software stamp, 0 if none */
	int hlim;              /* IPv6 hop limit from IPV6_HOPLIMIT, -1 unknown */
};

/*
 * Open a raw socket (family, proto) for sending (tx) and/or receiving, with
 * timestamps, non-blocking. Returns 0, or -errno with a reason in err
 * (EPERM/EACCES means CAP_NET_RAW is missing).
 */
int rawsock_open(struct rawsock *s, int family, int proto, bool tx,
		 char *err, size_t errlen);

/*
 * Open an AF_PACKET socket that sends whole Ethernet frames (and receives
 * none), with TX timestamps on its error queue as above. 0 or -errno.
 */
int rawsock_open_packet(struct rawsock *s, char *err, size_t errlen);

/* Close if open. */
void rawsock_close(struct rawsock *s);

/*
 * One packet of a batch: for a raw socket pkt/len go to dst (hop limit hlim
 * on IPv6), for the packet socket the frame goes out of ifindex to mac.
 * rawsock_send_many fills key (the OPT_ID key) or err (an errno value).
 */
struct rawsock_out {
	const uint8_t *pkt;
	size_t len;
	struct net_addr dst;
	int hlim;
	int ifindex;
	uint8_t mac[6];
	uint32_t key;
	int err;
};

/* Most packets one rawsock_send_many call takes. */
#define RAWSOCK_SEND_BATCH 32

/*
 * Send out[0..n) (n <= RAWSOCK_SEND_BATCH) in order with as few sendmmsg
 * calls as the kernel allows (one when all go); each gets its key or its
 * errno. Returns how many left.
 */
int rawsock_send_many(struct rawsock *s, struct rawsock_out *out, int n);

/*
 * Send one packet to dst (IPv4: whole IP packet; IPv6: transport on, with
 * hop limit hlim). On success returns 0 and the packet's OPT_ID key in *key;
 * otherwise -errno.
 */
int rawsock_send(struct rawsock *s, const uint8_t *pkt, size_t len,
		 const struct net_addr *dst, int hlim, uint32_t *key);

/* Packets one receive call takes at most, and the bytes kept of each. */
#define RAWSOCK_BATCH 32
#define RAWSOCK_RXLEN 2048

/*
 * Receive up to n (<= RAWSOCK_BATCH) packets with one system call: packet i
 * into bufs[i], its length in lens[i] (at most RAWSOCK_RXLEN: longer ones are
 * cut, their headers say how long they were), what recvmsg said in rx[i].
 * Returns the number received, 0 when nothing is waiting, or -errno.
 */
int rawsock_recv_many(struct rawsock *s, uint8_t (*bufs)[RAWSOCK_RXLEN], int n,
		      size_t *lens, struct rawsock_rx *rx);

/*
 * Read up to n (<= RAWSOCK_BATCH) messages of the error queue with one
 * system call; the TX timestamps among them go to keys[] / ns[] (in order),
 * their number to *nts. Returns the number of messages read (0 = queue
 * empty; fewer than n = it is now empty).
 */
int rawsock_read_txts(struct rawsock *s, uint32_t *keys, int64_t *ns, int n, int *nts);

struct cmsghdr;
struct msghdr;

/*
 * The software stamp (CLOCK_REALTIME ns) a control message carries when it
 * is SOL_SOCKET / SCM_TIMESTAMPING and long enough to hold it; else 0.
 */
int64_t rawsock_cmsg_stamp(const struct cmsghdr *cm);

/* The first software stamp among a received message's control messages, 0 if none. */
int64_t rawsock_msg_stamp(struct msghdr *m);

/* Restart the OPT_ID counter at 0 (after a send error left it uncertain). */
void rawsock_reset_keys(struct rawsock *s);

/*
 * Turn a sending socket's TX stamps off (RX stamps stay) or back on, with
 * the OPT_ID counter restarted at 0 (the kernel counts only stamped sends).
 * The caller reads the waiting stamps first. Does nothing on a socket that
 * has none to turn.
 */
void rawsock_tx_stamps(struct rawsock *s, bool on);

/*
 * Find the source address the kernel would use towards dst (a connected UDP
 * socket, no packet sent). Returns 0 or -errno with a reason in err.
 */
int rawsock_source_for(const struct net_addr *dst, struct net_addr *src,
		       char *err, size_t errlen);

/*
 * The same with a reusable UDP socket per family (*fd4 / *fd6, -1 at first;
 * the caller closes them): three system calls per lookup instead of four,
 * and no socket made and freed.
 */
int rawsock_source_with(int *fd4, int *fd6, const struct net_addr *dst,
			struct net_addr *src, char *err, size_t errlen);

#endif
