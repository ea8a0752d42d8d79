/*
 * gate: the site-policy check of measurement definitions (see gate.h), with
 * its small prefix parser and matcher.
 */
#include "agent/gate.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/numparse.h"

/* See gate.h. */
int gate_prefix_parse(const char *text, struct gate_prefix *p, char *err, size_t errlen)
{
	char addr[64];
	const char *slash = strchr(text, '/');
	size_t al = slash ? (size_t)(slash - text) : strlen(text);
	memset(p, 0, sizeof *p);
	if (al >= sizeof addr) {
		snprintf(err, errlen, "'%s' is not a prefix", text);
		return -1;
	}
	memcpy(addr, text, al);
	addr[al] = 0;
	p->af = strchr(addr, ':') ? 6 : 4;
	if (inet_pton(p->af == 4 ? AF_INET : AF_INET6, addr, p->addr) != 1) {
		snprintf(err, errlen, "'%s' is not an address", addr);
		return -1;
	}
	long long len = p->af == 4 ? 32 : 128;
	char why[96];
	if (slash && !parse_bounded(slash + 1, 0, len, &len, why, sizeof why)) {
		snprintf(err, errlen, "'%s': prefix length %s", text, why);
		return -1;
	}
	p->len = (int)len;
	snprintf(p->text, sizeof p->text, "%s", text);
	return 0;
}

/* True if the address a (af) lies in p. */
static int contains(const struct gate_prefix *p, int af, const uint8_t *a)
{
	if (p->af != af)
		return 0;
	int full = p->len / 8, rest = p->len % 8;
	if (memcmp(p->addr, a, (size_t)full) != 0)
		return 0;
	return rest == 0 || ((p->addr[full] ^ a[full]) & (0xff << (8 - rest))) == 0;
}

/* The first prefix of list (n) containing a, or NULL. */
static const struct gate_prefix *find(const struct gate_prefix *list, size_t n, int af,
				      const uint8_t *a)
{
	for (size_t i = 0; i < n; i++)
		if (contains(&list[i], af, a))
			return &list[i];
	return NULL;
}

/* Parse n prefix texts into a new array *out. */
static int parse_list(char (*texts)[64], int n, struct gate_prefix **out, size_t *count,
		      const char *what, char *err, size_t errlen)
{
	*out = calloc((size_t)n + 1, sizeof **out);
	*count = 0;
	for (int i = 0; i < n; i++) {
		char why[160];
		if (gate_prefix_parse(texts[i], &(*out)[i], why, sizeof why) < 0) {
			snprintf(err, errlen, "%s: %s", what, why);
			return -1;
		}
		(*count)++;
	}
	return 0;
}

/* Load the no-probe file: one prefix per line, '#' comments. */
static int load_noprobe(struct gate *g, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	char line[256], why[160];
	size_t cap = 0;
	for (int no = 1; fgets(line, sizeof line, f); no++) {
		line[strcspn(line, "#\r\n")] = 0;
		char *p = line + strspn(line, " \t");
		p[strcspn(p, " \t")] = 0;
		if (!*p)
			continue;
		if (g->n_noprobe == cap) {
			cap = cap ? cap * 2 : 16;
			struct gate_prefix *n = realloc(g->noprobe, cap * sizeof *n);
			if (!n)
				break;
			g->noprobe = n;
		}
		if (gate_prefix_parse(p, &g->noprobe[g->n_noprobe], why, sizeof why) < 0) {
			snprintf(err, errlen, "%s:%d: %s", path, no, why);
			fclose(f);
			return -1;
		}
		g->n_noprobe++;
	}
	fclose(f);
	return 0;
}

/* See gate.h. */
int gate_init(struct gate *g, const struct agent_config *cfg, char *err, size_t errlen)
{
	memset(g, 0, sizeof *g);
	snprintf(g->methods, sizeof g->methods, "%s", cfg->methods);
	char (*allow)[64] = (char (*)[64])cfg->allow, (*forbid)[64] = (char (*)[64])cfg->forbid;
	if (parse_list(allow, cfg->n_allow, &g->allow, &g->n_allow, "allow", err, errlen) < 0 ||
	    parse_list(forbid, cfg->n_forbid, &g->forbid, &g->n_forbid, "forbid", err, errlen) < 0 ||
	    (cfg->noprobe[0] && load_noprobe(g, cfg->noprobe, err, errlen) < 0)) {
		gate_free(g);
		return -1;
	}
	return 0;
}

/* See gate.h. */
void gate_free(struct gate *g)
{
	free(g->allow);
	free(g->forbid);
	free(g->noprobe);
	memset(g, 0, sizeof *g);
}

/* True if the comma- or space-separated list holds name. */
static int listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; *p; ) {
		p += strspn(p, ", ");
		size_t l = strcspn(p, ", ");
		if (l == n && strncmp(p, name, n) == 0)
			return 1;
		p += l;
	}
	return 0;
}

/* See gate.h. */
int gate_check(const struct gate *g, const json_t *def, char *reason, size_t len)
{
	const char *type = json_string_value(json_object_get(def, "type"));
	const char *target = json_string_value(json_object_get(def, "target"));
	if (!type || !target) {
		snprintf(reason, len, "definition lacks a type or a target");
		return -1;
	}
	if (g->methods[0] && !listed(g->methods, type) &&
	    !(strcmp(type, "traceroute") == 0 && listed(g->methods, "trace"))) {
		snprintf(reason, len, "method '%.32s' not allowed by site policy", type);
		return -1;
	}
	uint8_t a[16];
	int af = strchr(target, ':') ? 6 : 4;
	if (inet_pton(af == 4 ? AF_INET : AF_INET6, target, a) != 1) {
		snprintf(reason, len, "target '%.64s' is not an address", target);
		return -1;
	}
	const struct gate_prefix *p;
	if ((p = find(g->noprobe, g->n_noprobe, af, a)))
		snprintf(reason, len, "%s is on the no-probe list (%s)", target, p->text);
	else if ((p = find(g->forbid, g->n_forbid, af, a)))
		snprintf(reason, len, "%s is in a forbidden range (%s)", target, p->text);
	else if (g->n_allow && !find(g->allow, g->n_allow, af, a))
		snprintf(reason, len, "%s is outside the allowed ranges", target);
	else
		return 0;
	return -1;
}
