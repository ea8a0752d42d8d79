/*
 * test_net_pcap: a tiny reader of the classic pcap file format for the codec's
 * tests (no libpcap): loads a whole file and hands out each Ethernet frame's
 * IP packet with its ethertype. Test-only; header-only so each test links it.
 */
#ifndef VANTAGE_TEST_NET_PCAP_H
#define VANTAGE_TEST_NET_PCAP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCAP_MAX_PKTS 512

struct pcap_pkt {
	const uint8_t *ip; /* the IP packet (after the Ethernet header) */
	size_t len;
	bool v6;
};

struct pcap_file {
	uint8_t *data;
	size_t n;
	struct pcap_pkt pkts[PCAP_MAX_PKTS];
};

/* A 32-bit value in the file's byte order. */
static uint32_t pcap_u32(const uint8_t *p, bool swap)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

/* Read the whole file at path; returns its bytes (malloc'd) or NULL. */
static uint8_t *pcap_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	uint8_t *buf = malloc(1 << 20);
	*len = buf ? fread(buf, 1, 1 << 20, f) : 0;
	fclose(f);
	return buf;
}

/*
 * Load tests/data/pcap/NAME.pcap (under $VANTAGE_SOURCE_ROOT) into *pf.
 * Keeps only Ethernet frames carrying IPv4 or IPv6. Returns false on a bad
 * file. Free with pcap_close.
 */
static bool pcap_open(const char *name, struct pcap_file *pf)
{
	const char *root = getenv("VANTAGE_SOURCE_ROOT");
	char path[1024];
	snprintf(path, sizeof path, "%s/tests/data/pcap/%s.pcap", root ? root : ".", name);
	size_t len;
	memset(pf, 0, sizeof *pf);
	pf->data = pcap_slurp(path, &len);
	if (pf->data == NULL || len < 24)
		return false;
	uint32_t magic = pcap_u32(pf->data, false);
	bool swap = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
	if (!swap && magic != 0xa1b2c3d4 && magic != 0xa1b23c4d)
		return false;
	if (pcap_u32(pf->data + 20, swap) != 1) /* LINKTYPE_ETHERNET */
		return false;
	for (size_t off = 24; off + 16 <= len && pf->n < PCAP_MAX_PKTS;) {
		size_t incl = pcap_u32(pf->data + off + 8, swap);
		const uint8_t *fr = pf->data + off + 16;
		if (off + 16 + incl > len)
			return false;
		off += 16 + incl;
		if (incl < 14)
			continue;
		uint16_t et = (uint16_t)(fr[12] << 8 | fr[13]);
		if (et != 0x0800 && et != 0x86dd)
			continue;
		pf->pkts[pf->n++] = (struct pcap_pkt){ fr + 14, incl - 14, et == 0x86dd };
	}
	return true;
}

/* Release what pcap_open loaded. */
static void pcap_close(struct pcap_file *pf)
{
	free(pf->data);
	pf->data = NULL;
}

#endif
