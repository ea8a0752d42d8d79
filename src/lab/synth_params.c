/*
 * synth_params: defaults, the "key=value" parser and the whole-set check of
 * a synthetic Internet's parameters (see synth_params.h).
 */
#include "lab/synth_params.h"
#include "util/numparse.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fill p with the defaults; lab/README.md says where each comes from. */
void synth_params_default(struct synth_params *p)
{
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x80 };

	memset(p, 0, sizeof *p);
	p->seed = 1;
	p->prefixes = 120;
	p->v4[0] = 198;
	p->v4[1] = 19;
	p->v4len = 16;
	memcpy(p->v6, v6, 16);
	p->v6len = 33;
	p->v6_pct = 30;
	p->responsive_pct = 65;
	p->alive_pct = 21;
	p->ecmp_pct = 39;
	p->perpacket_pct = 5;
	p->silent_pct = 8;
	p->ratelimit_pct = 10;
	p->ratelimit_pps = 100;
	p->mpls_pct = 30;
	p->mpls_hidden_pct = 25;
	p->otherif_pct = 10;
	p->unreach_pct = 3;
	p->loop_pct = 1;
}

/* A percentage parameter: its key and where it lives. */
struct pct_param {
	const char *key;
	size_t off;
	int min, max;
};

#define PCT(k, f, lo, hi) { k, offsetof(struct synth_params, f), lo, hi }

static const struct pct_param pct_params[] = {
	PCT("v6share", v6_pct, 0, 100), PCT("responsive", responsive_pct, 0, 100),
	PCT("alive", alive_pct, 0, 100), PCT("ecmp", ecmp_pct, 0, 100),
	PCT("perpacket", perpacket_pct, 0, 100), PCT("silent", silent_pct, 0, 100),
	PCT("ratelimit", ratelimit_pct, 0, 100), PCT("ratelimit_pps", ratelimit_pps, 1, 1000000),
	PCT("mpls", mpls_pct, 0, 100), PCT("mpls_hidden", mpls_hidden_pct, 0, 100),
	PCT("otherif", otherif_pct, 0, 100), PCT("unreach", unreach_pct, 0, 100),
	PCT("loop", loop_pct, 0, 100),
};

/* Parse "ADDR/LEN" of family af into addr/len. False when it is not one. */
static bool parse_space(const char *v, int af, uint8_t *addr, int *len)
{
	char buf[64], *slash;
	long long l;
	char why[64];

	if (strlen(v) >= sizeof buf)
		return false;
	strcpy(buf, v);
	if (!(slash = strchr(buf, '/')))
		return false;
	*slash = '\0';
	if (!parse_bounded(slash + 1, af == 4 ? 0 : 1, af == 4 ? 16 : 40, &l, why, sizeof why))
		return false;
	if (inet_pton(af == 4 ? AF_INET : AF_INET6, buf, addr) != 1)
		return false;
	*len = (int)l;
	return true;
}

/* Take a space parameter (v4= or v6=). 0 or -1 with err. */
static int space_word(struct synth_params *p, int af, const char *v, char *err, size_t errlen)
{
	bool ok = af == 4 ? parse_space(v, 4, p->v4, &p->v4len) : parse_space(v, 6, p->v6, &p->v6len);

	if (!ok) {
		snprintf(err, errlen, "v%d: '%s' is not an IPv%d prefix of length %s", af, v, af,
			 af == 4 ? "0..16" : "1..40");
		return -1;
	}
	return 0;
}

/* Take one "key=value" word into p (see synth_params.h). */
int synth_params_word(struct synth_params *p, const char *word, char *err, size_t errlen)
{
	const char *eq = strchr(word, '=');
	char key[32], why[64];
	long long v;

	if (!eq || (size_t)(eq - word) >= sizeof key)
		return 1;
	memcpy(key, word, (size_t)(eq - word));
	key[eq - word] = '\0';
	eq++;
	if (!strcmp(key, "v4") || !strcmp(key, "v6"))
		return space_word(p, key[1] == '4' ? 4 : 6, eq, err, errlen);
	if (!strcmp(key, "seed") || !strcmp(key, "prefixes") || !strcmp(key, "ases")) {
		long long max = key[0] == 's' ? (1LL << 62) : 12000000;
		if (!parse_bounded(eq, key[0] == 'a' ? 0 : 1, max, &v, why, sizeof why)) {
			snprintf(err, errlen, "%s: '%s' is %s", key, eq, why);
			return -1;
		}
		if (key[0] == 's')
			p->seed = (uint64_t)v;
		else if (key[0] == 'p')
			p->prefixes = v;
		else
			p->ases = v;
		return 0;
	}
	for (size_t i = 0; i < sizeof pct_params / sizeof pct_params[0]; i++) {
		const struct pct_param *q = &pct_params[i];
		if (strcmp(key, q->key))
			continue;
		if (!parse_bounded(eq, q->min, q->max, &v, why, sizeof why)) {
			snprintf(err, errlen, "%s: '%s' is %s", key, eq, why);
			return -1;
		}
		*(int *)((char *)p + q->off) = (int)v;
		return 0;
	}
	return 1;
}

/* True when addr/len lies inside base/blen (af 4 or 6). */
static bool inside(const uint8_t *addr, int len, const uint8_t *base, int blen)
{
	if (len < blen)
		return false;
	for (int b = 0; b < blen; b++) {
		int mask = 0x80 >> (b % 8);
		if ((addr[b / 8] & mask) != (base[b / 8] & mask))
			return false;
	}
	return true;
}

/* True when no bit below the prefix length is set. */
static bool aligned(const uint8_t *addr, int len, int bytes)
{
	for (int b = len; b < bytes * 8; b++)
		if (addr[b / 8] & (0x80 >> (b % 8)))
			return false;
	return true;
}

/* Check the parameters as a whole (see synth_params.h). */
int synth_params_check(const struct synth_params *p, bool lab, char *err, size_t errlen)
{
	static const uint8_t r198[4] = { 198, 18 };
	static const uint8_t r6[16] = { 0x20, 0x01, 0x0d, 0xb8 };

	if (!aligned(p->v4, p->v4len, 4) || !aligned(p->v6, p->v6len, 16)) {
		snprintf(err, errlen, "%s: the space has bits set below its length",
			 aligned(p->v4, p->v4len, 4) ? "v6" : "v4");
		return -1;
	}
	if (lab && !inside(p->v4, p->v4len, r198, 15)) {
		snprintf(err, errlen, "v4: the space must lie in 198.18.0.0/15");
		return -1;
	}
	if (lab && !inside(p->v6, p->v6len, r6, 32)) {
		snprintf(err, errlen, "v6: the space must lie in 2001:db8::/32");
		return -1;
	}
	if (p->ases > p->prefixes) {
		snprintf(err, errlen, "ases: %lld ASes cannot share %lld prefixes (at most one AS a prefix)",
			 p->ases, p->prefixes);
		return -1;
	}
	return 0;
}
