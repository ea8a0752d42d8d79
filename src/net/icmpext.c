/*
 * icmpext: find and walk the RFC 4884 extension structure of an ICMP error:
 * MPLS label stack objects (RFC 4950, class 1) and interface information
 * objects (RFC 5837, class 2). Other classes are counted and skipped.
 */
#include "net/icmpext.h"

#include <netinet/in.h>
#include <string.h>

#include "net/bytes.h"
#include "net/checksum.h"
#include "net/err.h"

#define EXT_HDR_LEN 4
#define OBJ_HDR_LEN 4
#define CLASS_MPLS 1
#define CLASS_IFINFO 2
#define LEGACY_QUOTE 128
#define OBJECTS_MAX 64

/* Append the label stack entries of an MPLS object body. */
static int parse_mpls(const uint8_t *p, size_t len, struct net_icmpext *out)
{
	if (len % 4 != 0)
		return NET_EHEADER;
	for (size_t i = 0; i + 4 <= len; i += 4) {
		uint32_t e = get32(p + i);
		if (out->mpls_total < 255)
			out->mpls_total++;
		if (out->mpls_count >= NET_MPLS_MAX)
			continue;
		struct net_mpls *m = &out->mpls[out->mpls_count++];
		m->label = e >> 12;
		m->tc = (uint8_t)((e >> 9) & 7);
		m->s = (uint8_t)((e >> 8) & 1);
		m->ttl = (uint8_t)e;
	}
	return 0;
}

/* Read the IP address sub-object at p[*off]; advances *off. */
static int ifinfo_addr(const uint8_t *p, size_t len, size_t *off, struct net_ifinfo *ii)
{
	if (*off + 4 > len)
		return NET_ETRUNC;
	uint16_t afi = get16(p + *off);
	size_t alen = afi == 1 ? 4 : afi == 2 ? 16 : 0;
	if (alen == 0)
		return NET_EHEADER;
	if (*off + 4 + alen > len)
		return NET_ETRUNC;
	if (alen == 4)
		net_addr_set4(&ii->addr, p + *off + 4);
	else
		net_addr_set6(&ii->addr, p + *off + 4);
	ii->has_addr = true;
	*off += 4 + alen;
	return 0;
}

/* Read the interface name sub-object at p[*off]; advances *off. */
static int ifinfo_name(const uint8_t *p, size_t len, size_t *off, struct net_ifinfo *ii)
{
	if (*off + 1 > len)
		return NET_ETRUNC;
	size_t nl = p[*off]; /* includes the length octet; multiple of 4, <= 64 */
	if (nl < 4 || nl % 4 != 0 || nl > NET_IFNAME_MAX)
		return NET_EHEADER;
	if (*off + nl > len)
		return NET_ETRUNC;
	size_t n = nl - 1;
	memcpy(ii->name, p + *off + 1, n);
	ii->name[n < NET_IFNAME_MAX ? n : NET_IFNAME_MAX - 1] = '\0';
	ii->has_name = true;
	*off += nl;
	return 0;
}

/* Parse an interface information object (c-type flags, then its fields). */
static int parse_ifinfo(uint8_t ctype, const uint8_t *p, size_t len, struct net_icmpext *out)
{
	struct net_ifinfo ii;
	memset(&ii, 0, sizeof ii);
	ii.role = ctype >> 6;
	size_t off = 0;
	int rc;
	if (ctype & 0x08) {
		if (off + 4 > len)
			return NET_ETRUNC;
		ii.ifindex = get32(p + off);
		ii.has_ifindex = true;
		off += 4;
	}
	if ((ctype & 0x04) && (rc = ifinfo_addr(p, len, &off, &ii)) < 0)
		return rc;
	if ((ctype & 0x02) && (rc = ifinfo_name(p, len, &off, &ii)) < 0)
		return rc;
	if (ctype & 0x01) {
		if (off + 4 > len)
			return NET_ETRUNC;
		ii.mtu = get32(p + off);
		ii.has_mtu = true;
	}
	if (out->ifinfo_count < NET_IFINFO_MAX)
		out->ifinfo[out->ifinfo_count++] = ii;
	return 0;
}

/* Dispatch one object body by class; unknown classes are skipped. */
static int parse_object(uint8_t cls, uint8_t ctype, const uint8_t *body, size_t blen,
                        struct net_icmpext *out)
{
	if (cls == CLASS_MPLS && ctype == 1)
		return parse_mpls(body, blen, out);
	if (cls == CLASS_IFINFO)
		return parse_ifinfo(ctype, body, blen, out);
	return 0;
}

/* Parse the extension structure at p[0..len); 0 or a negative NET_E* code. */
int net_icmpext_parse(const uint8_t *p, size_t len, struct net_icmpext *out)
{
	memset(out, 0, sizeof *out);
	if (len < EXT_HDR_LEN)
		return NET_ETRUNC;
	if (p[0] >> 4 != 2)
		return NET_EVERSION;
	out->present = true;
	out->cksum_ok = get16(p + 2) == 0 || net_checksum(p, len) == 0;
	size_t off = EXT_HDR_LEN;
	while (off + OBJ_HDR_LEN <= len) {
		size_t olen = get16(p + off);
		if (olen < OBJ_HDR_LEN)
			return NET_EHEADER;
		if (off + olen > len)
			return NET_ETRUNC;
		if (++out->n_objects > OBJECTS_MAX)
			return NET_EDEPTH;
		int rc = parse_object(p[off + 2], p[off + 3], p + off + OBJ_HDR_LEN,
		                      olen - OBJ_HDR_LEN, out);
		if (rc < 0)
			return rc;
		off += olen;
	}
	return off == len ? 0 : NET_ETRUNC;
}

/* True when msg's type carries the RFC 4884 length field. */
static bool has_length_field(uint8_t type, bool v6)
{
	if (v6)
		return type == 1 || type == 3; /* unreachable, time exceeded */
	return type == 3 || type == 11 || type == 12;
}

/* Find the extension structure of an ICMP error; see icmpext.h. */
bool net_icmpext_locate(const uint8_t *msg, size_t len, bool v6,
                        size_t *off, size_t *quote_len)
{
	*quote_len = len >= 8 ? len - 8 : 0;
	if (len < 8 || !has_length_field(msg[0], v6))
		return false;
	size_t words = v6 ? (size_t)msg[4] * 8 : (size_t)msg[5] * 4;
	if (words != 0) {
		/* RFC 4884: the quote is padded to `words`, at least 128 bytes */
		if (words < LEGACY_QUOTE || 8 + words + EXT_HDR_LEN > len)
			return false;
		if (msg[8 + words] >> 4 != 2)
			return false;
		*off = 8 + words;
		*quote_len = words;
		return true;
	}
	/* Older routers: 128 bytes of quote, no length, then the extension */
	size_t at = 8 + LEGACY_QUOTE;
	if (at + EXT_HDR_LEN > len || msg[at] >> 4 != 2 || get16(msg + at + 2) == 0 ||
	    net_checksum(msg + at, len - at) != 0)
		return false;
	*off = at;
	*quote_len = LEGACY_QUOTE;
	return true;
}
