/*
 * topology: the lab's description of a small Internet, parsed from plain text.
 *
 * A topology file has one statement per line ('#' starts a comment):
 *
 *   router NAME [as=N] [silent] [ratelimit=MS]
 *   host   NAME [role=WORD] [anyip=PREFIX]... [filter=udp,tcp,icmp]
 *   link   A B  [v4=PREFIX] [v6=PREFIX] [delay=MS] [loss=PCT] [emu]
 *   node   NAME internet [seed=N] [prefixes=N] [KEY=VALUE]...   (synth_params.h)
 *
 * The parser is a pure function over the text: it never reads outside the
 * buffer, assigns every address that was not given (from 198.18.0.0/15 and
 * 2001:db8::/32 only) and reports the first problem as "FILE:LINE: problem".
 */
#ifndef VANTAGE_LAB_TOPOLOGY_H
#define VANTAGE_LAB_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lab/synth_params.h"

#define LAB_MAX_NODES   64      /* node sets are kept in a uint64_t */
#define LAB_MAX_LINKS   128
#define LAB_MAX_ANYIP   4       /* prefixes one host may answer for */
#define LAB_MAX_IFACES  16      /* links per node */
#define LAB_NAME_MAX    12      /* node name length, without the NUL */
#define LAB_LINE_MAX    512

/* LAB_INTERNET: a synthetic Internet answered in user space (lab/synth.h),
 * attached by one link to one router; it routes like a host owning its spaces. */
enum lab_kind { LAB_HOST, LAB_ROUTER, LAB_INTERNET };

/* Protocols a filtered host drops on input. */
enum lab_filter { LAB_F_UDP = 1, LAB_F_TCP = 2, LAB_F_ICMP = 4 };

/* An IPv4 (af 4) or IPv6 (af 6) prefix; IPv4 uses the first 4 bytes. */
struct lab_prefix {
	int af;
	uint8_t addr[16];
	int len;
};

struct lab_node {
	char name[LAB_NAME_MAX + 1];
	enum lab_kind kind;
	int line;
	long long as;               /* AS number, 0 if not given */
	bool silent;                /* sends no ICMP at all */
	long long ratelimit_ms;     /* ICMP rate limit per peer, 0 = none */
	unsigned filter;            /* LAB_F_* dropped on input */
	char role[LAB_NAME_MAX + 1];
	struct lab_prefix anyip[LAB_MAX_ANYIP];
	int n_anyip;
	int n_ifaces;               /* interfaces are named e0, e1, ... */
	struct synth_params synth;  /* LAB_INTERNET only */
};

struct lab_link {
	int a, b;                   /* node indexes */
	int ifa, ifb;               /* interface number on a and on b */
	int line;
	struct lab_prefix net4, net6;
	uint8_t a4[4], b4[4];       /* addresses of a and b on this link */
	uint8_t a6[16], b6[16];
	bool emu;                   /* a TUN pair driven by the link emulator */
	long long delay_ms;
	long long loss_pct;
};

struct lab_topo {
	struct lab_node nodes[LAB_MAX_NODES];
	int n_nodes;
	struct lab_link links[LAB_MAX_LINKS];
	int n_links;
};

/*
 * Parse len bytes of text (need not be NUL-terminated) named fname into *t and
 * assign all addresses. Returns 0 on success; on failure returns -1, writes
 * "FILE:LINE: problem" into err and leaves *t unspecified.
 */
int lab_topo_parse(const char *text, size_t len, const char *fname,
		   struct lab_topo *t, char *err, size_t errlen);

/* Index of the node called name, or -1. */
int lab_topo_find(const struct lab_topo *t, const char *name);

/* Index of the first link joining nodes a and b (either order), or -1. */
int lab_topo_link_between(const struct lab_topo *t, int a, int b);

/* Parse "ADDR/LEN" (IPv4 or IPv6) into *p. Returns true on success. */
bool lab_prefix_parse(const char *text, struct lab_prefix *p);

/* True when address addr (of family af) lies inside prefix p. */
bool lab_prefix_contains(const struct lab_prefix *p, int af, const uint8_t *addr);

/* Format prefix p as "ADDR/LEN" into buf. */
void lab_prefix_format(const struct lab_prefix *p, char *buf, size_t len);

/* Format one address of family af (4 or 6) into buf. */
void lab_addr_format(int af, const uint8_t *addr, char *buf, size_t len);

#endif
