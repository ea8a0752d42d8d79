/*
 * txtap: an AF_PACKET socket with a TPACKET_V2 receive ring and a classic
 * BPF filter that keeps outgoing IPv4/IPv6 packets only, cut to their head
 * (see txtap.h).
 */
#include "engine/txtap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/net_tstamp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

/* Ring geometry: 512 frames of 256 bytes (128 KiB), twice a pump batch. */
#define TAP_FRAME 256
#define TAP_BLOCK 4096
#define TAP_BLOCKS 32
/* Bytes kept of each packet, link header included: enough for the IP and
   transport headers that identify a probe. */
#define TAP_SNAP 160

/* Keep outgoing IPv4 and IPv6 packets, their first TAP_SNAP bytes. */
static int attach_filter(int fd)
{
	static struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IPV6, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, TAP_SNAP),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { sizeof code / sizeof code[0], code };
	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog);
}

/* Ring version, software stamps (the tap's), the ring itself. */
static int setup_ring(struct txtap *t)
{
	int v = TPACKET_V2, ts = SOF_TIMESTAMPING_SOFTWARE;
	struct tpacket_req req = { TAP_BLOCK, TAP_BLOCKS, TAP_FRAME,
				   TAP_BLOCK / TAP_FRAME * TAP_BLOCKS };
	if (setsockopt(t->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof v) < 0 ||
	    setsockopt(t->fd, SOL_PACKET, PACKET_TIMESTAMP, &ts, sizeof ts) < 0 ||
	    setsockopt(t->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) < 0)
		return -1;
	t->ring_len = (size_t)TAP_BLOCK * TAP_BLOCKS;
	void *m = mmap(NULL, t->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED, t->fd, 0);
	if (m == MAP_FAILED)
		return -1;
	t->ring = m;
	t->nframes = req.tp_frame_nr;
	t->frame_size = TAP_FRAME;
	return 0;
}

/* A closed tap. */
void txtap_init(struct txtap *t)
{
	memset(t, 0, sizeof *t);
	t->fd = -1;
}

/* Open: the socket takes no packets until the filter and ring are in place. */
int txtap_open(struct txtap *t, char *err, size_t errlen)
{
	txtap_init(t);
	t->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (t->fd < 0) {
		snprintf(err, errlen, "packet socket: %s", strerror(errno));
		return -1;
	}
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	if (attach_filter(t->fd) < 0 || setup_ring(t) < 0 ||
	    bind(t->fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
		snprintf(err, errlen, "device tap: %s", strerror(errno));
		txtap_close(t);
		return -1;
	}
	return 0;
}

/* The header of ring frame i. */
static struct tpacket2_hdr *frame_hdr(const struct txtap *t, uint32_t i)
{
	return (struct tpacket2_hdr *)(t->ring + (size_t)i * t->frame_size);
}

/* The next frame, if the kernel has handed it over. */
int txtap_peek(struct txtap *t, struct txtap_frame *f)
{
	if (t->fd < 0)
		return 0;
	struct tpacket2_hdr *h = frame_hdr(t, t->next);
	uint32_t st = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
	if (!(st & TP_STATUS_USER))
		return 0;
	size_t room = t->frame_size;
	size_t net = h->tp_net, mac = h->tp_mac;
	f->ip = (const uint8_t *)h + net;
	f->len = 0;
	if (net >= mac && net < room && h->tp_snaplen >= net - mac) {
		f->len = h->tp_snaplen - (net - mac);
		if (f->len > room - net)
			f->len = room - net;
	}
	f->ns = (st & TP_STATUS_TS_SOFTWARE)
		? (int64_t)h->tp_sec * 1000000000LL + h->tp_nsec : 0;
	t->frames++;
	if (f->ns == 0)
		t->unstamped++;
	return 1;
}

/* Hand the current frame back and move on. */
void txtap_release(struct txtap *t)
{
	__atomic_store_n(&frame_hdr(t, t->next)->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
	t->next = (t->next + 1) % t->nframes;
}

/* See txtap.h. */
uint64_t txtap_drops(struct txtap *t)
{
	struct tpacket_stats st;
	socklen_t len = sizeof st;
	if (t->fd >= 0 && getsockopt(t->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
		t->drops += st.tp_drops;
	return t->drops;
}

/* Unmap and close. */
void txtap_close(struct txtap *t)
{
	if (t->ring)
		munmap(t->ring, t->ring_len);
	if (t->fd >= 0)
		close(t->fd);
	txtap_init(t);
}
