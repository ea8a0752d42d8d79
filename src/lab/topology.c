/*
 * topology: parse a lab topology file (see topology.h for the grammar) into
 * nodes and links. Pure and bounded: each line is copied into a fixed buffer
 * and split into words; the first problem found is reported with its line.
 */
#include "lab/topology.h"
#include "lab/addrplan.h"
#include "util/numparse.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_WORDS 24

/* One line being parsed, with where it came from for error messages. */
struct line_ctx {
	const char *fname;
	int lineno;
	char *words[MAX_WORDS];
	int n_words;
	char *err;
	size_t errlen;
};

/* Write "FILE:LINE: message" into the error buffer; returns -1. */
static int fail(struct line_ctx *c, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "%s:%d: %s", c->fname, c->lineno, msg);
	return -1;
}

/* True when s is a valid node name: [a-z][a-z0-9]*, at most LAB_NAME_MAX. */
static bool valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > LAB_NAME_MAX || s[0] < 'a' || s[0] > 'z')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
			return false;
	return true;
}

/* Split buf in place into words at spaces and tabs. Returns the count or -1. */
static int split_words(char *buf, char **words)
{
	int n = 0;
	char *p = buf;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (*p == '\0' || *p == '#')
			return n;
		if (n == MAX_WORDS)
			return -1;
		words[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '#')
			p++;
		if (*p == '#') {
			*p = '\0';
			return n;
		}
		if (*p)
			*p++ = '\0';
	}
}

/* If word is "key=VALUE", return VALUE; else NULL. */
static const char *opt_value(const char *word, const char *key)
{
	size_t k = strlen(key);

	if (strncmp(word, key, k) == 0 && word[k] == '=')
		return word + k + 1;
	return NULL;
}

/* Parse a bounded number for option key; returns 0 or -1 with an error. */
static int opt_num(struct line_ctx *c, const char *key, const char *val,
		   long long min, long long max, long long *out)
{
	char why[64];

	if (parse_bounded(val, min, max, out, why, sizeof why))
		return 0;
	return fail(c, "%s: '%s' is %s", key, val, why);
}

/* Parse "udp,tcp,icmp" into LAB_F_* bits. Returns 0 or -1 with an error. */
static int parse_filter(struct line_ctx *c, const char *val, unsigned *out)
{
	char buf[64];
	char *save = NULL;

	if (strlen(val) >= sizeof buf)
		return fail(c, "filter: '%s' is too long", val);
	strcpy(buf, val);
	*out = 0;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (strcmp(t, "udp") == 0)
			*out |= LAB_F_UDP;
		else if (strcmp(t, "tcp") == 0)
			*out |= LAB_F_TCP;
		else if (strcmp(t, "icmp") == 0)
			*out |= LAB_F_ICMP;
		else
			return fail(c, "filter: unknown protocol '%s' (udp, tcp, icmp)", t);
	}
	if (*out == 0)
		return fail(c, "filter: no protocol given");
	return 0;
}

/* Parse a prefix that must lie in the lab's ranges. Returns 0 or -1. */
static int lab_range_prefix(struct line_ctx *c, const char *key, const char *val,
			    struct lab_prefix *p)
{
	if (!lab_prefix_parse(val, p))
		return fail(c, "%s: '%s' is not an address/length prefix", key, val);
	if (!addrplan_in_lab_range(p))
		return fail(c, "%s: %s is outside 198.18.0.0/15 and 2001:db8::/32", key, val);
	return 0;
}

/*
 * The next node of t, named c->words[1], of the given kind: its name checked
 * and unique, room left. NULL with the error in c when not.
 */
static struct lab_node *add_node(struct line_ctx *c, struct lab_topo *t, enum lab_kind kind)
{
	struct lab_node *n;

	if (!valid_name(c->words[1])) {
		fail(c, "bad name '%s' (a-z then a-z0-9, at most %d)", c->words[1], LAB_NAME_MAX);
		return NULL;
	}
	if (lab_topo_find(t, c->words[1]) >= 0) {
		fail(c, "'%s' is defined twice", c->words[1]);
		return NULL;
	}
	if (t->n_nodes == LAB_MAX_NODES) {
		fail(c, "too many nodes (maximum %d)", LAB_MAX_NODES);
		return NULL;
	}
	n = &t->nodes[t->n_nodes];
	memset(n, 0, sizeof *n);
	strcpy(n->name, c->words[1]);
	n->kind = kind;
	n->line = c->lineno;
	return n;
}

/* Add a node of the given kind from a "router"/"host" line. */
static int parse_node(struct line_ctx *c, struct lab_topo *t, enum lab_kind kind)
{
	struct lab_node *n;

	if (c->n_words < 2)
		return fail(c, "%s needs a name", c->words[0]);
	if (!(n = add_node(c, t, kind)))
		return -1;
	for (int i = 2; i < c->n_words; i++) {
		const char *w = c->words[i], *v;
		if (kind == LAB_ROUTER && strcmp(w, "silent") == 0) {
			n->silent = true;
		} else if (kind == LAB_ROUTER && (v = opt_value(w, "ratelimit"))) {
			if (opt_num(c, "ratelimit", v, 1, 60000, &n->ratelimit_ms) < 0)
				return -1;
		} else if ((v = opt_value(w, "as"))) {
			if (opt_num(c, "as", v, 1, 4294967295LL, &n->as) < 0)
				return -1;
		} else if ((v = opt_value(w, "role"))) {
			if (!valid_name(v))
				return fail(c, "role: bad word '%s'", v);
			strcpy(n->role, v);
		} else if (kind == LAB_HOST && (v = opt_value(w, "anyip"))) {
			if (n->n_anyip == LAB_MAX_ANYIP)
				return fail(c, "too many anyip prefixes (maximum %d)", LAB_MAX_ANYIP);
			if (lab_range_prefix(c, "anyip", v, &n->anyip[n->n_anyip]) < 0)
				return -1;
			n->n_anyip++;
		} else if (kind == LAB_HOST && (v = opt_value(w, "filter"))) {
			if (parse_filter(c, v, &n->filter) < 0)
				return -1;
		} else {
			return fail(c, "unknown %s option '%s'", c->words[0], w);
		}
	}
	t->n_nodes++;
	return 0;
}

/* Add a synthetic Internet from a "node NAME internet KEY=VALUE..." line. */
static int parse_internet(struct line_ctx *c, struct lab_topo *t)
{
	struct lab_node *n;
	char why[256];

	if (c->n_words < 3 || strcmp(c->words[2], "internet") != 0)
		return fail(c, "node: give NAME internet [seed=N] [prefixes=N] ...");
	if (!(n = add_node(c, t, LAB_INTERNET)))
		return -1;
	synth_params_default(&n->synth);
	for (int i = 3; i < c->n_words; i++) {
		int rc = synth_params_word(&n->synth, c->words[i], why, sizeof why);
		if (rc < 0)
			return fail(c, "internet %s: %s", n->name, why);
		if (rc > 0)
			return fail(c, "internet %s: unknown parameter '%s'", n->name, c->words[i]);
	}
	if (synth_params_check(&n->synth, true, why, sizeof why) < 0)
		return fail(c, "internet %s: %s", n->name, why);
	/* the routers route its spaces to it, as to a host's anyip prefixes */
	n->anyip[0] = (struct lab_prefix){ .af = 4, .len = n->synth.v4len };
	memcpy(n->anyip[0].addr, n->synth.v4, 4);
	n->anyip[1] = (struct lab_prefix){ .af = 6, .len = n->synth.v6len };
	memcpy(n->anyip[1].addr, n->synth.v6, 16);
	n->n_anyip = 2;
	t->n_nodes++;
	return 0;
}

/* Take the endpoint named word for a link; returns its index or -1. */
static int link_end(struct line_ctx *c, struct lab_topo *t, const char *word)
{
	int i = lab_topo_find(t, word);

	if (i < 0)
		return fail(c, "link: unknown node '%s' (define it above)", word);
	if (t->nodes[i].n_ifaces == LAB_MAX_IFACES)
		return fail(c, "link: '%s' has too many links (maximum %d)", word, LAB_MAX_IFACES);
	if (t->nodes[i].kind == LAB_INTERNET && t->nodes[i].n_ifaces > 0)
		return fail(c, "link: internet '%s' attaches by one link only", word);
	return i;
}

/* Parse one link option word into l. Returns 0 or -1 with an error. */
static int parse_link_opt(struct line_ctx *c, struct lab_link *l, const char *w)
{
	const char *v;

	if (strcmp(w, "emu") == 0) {
		l->emu = true;
	} else if ((v = opt_value(w, "delay"))) {
		l->emu = true;
		return opt_num(c, "delay", v, 0, 10000, &l->delay_ms);
	} else if ((v = opt_value(w, "loss"))) {
		l->emu = true;
		return opt_num(c, "loss", v, 0, 100, &l->loss_pct);
	} else if ((v = opt_value(w, "v4"))) {
		if (lab_range_prefix(c, "v4", v, &l->net4) < 0)
			return -1;
		if (l->net4.af != 4 || l->net4.len < 16 || l->net4.len > 30)
			return fail(c, "v4: '%s' must be an IPv4 prefix of length 16..30", v);
	} else if ((v = opt_value(w, "v6"))) {
		if (lab_range_prefix(c, "v6", v, &l->net6) < 0)
			return -1;
		if (l->net6.af != 6 || l->net6.len < 48 || l->net6.len > 126)
			return fail(c, "v6: '%s' must be an IPv6 prefix of length 48..126", v);
	} else {
		return fail(c, "unknown link option '%s'", w);
	}
	return 0;
}

/* Add a link from a "link A B ..." line. */
static int parse_link(struct line_ctx *c, struct lab_topo *t)
{
	struct lab_link *l;
	int a, b;

	if (c->n_words < 3)
		return fail(c, "link needs two node names");
	if ((a = link_end(c, t, c->words[1])) < 0 || (b = link_end(c, t, c->words[2])) < 0)
		return -1;
	if (a == b)
		return fail(c, "link: '%s' cannot link to itself", c->words[1]);
	if (t->n_links == LAB_MAX_LINKS)
		return fail(c, "too many links (maximum %d)", LAB_MAX_LINKS);
	l = &t->links[t->n_links];
	memset(l, 0, sizeof *l);
	l->a = a;
	l->b = b;
	l->line = c->lineno;
	for (int i = 3; i < c->n_words; i++)
		if (parse_link_opt(c, l, c->words[i]) < 0)
			return -1;
	if (t->nodes[a].kind == LAB_INTERNET || t->nodes[b].kind == LAB_INTERNET) {
		int other = t->nodes[a].kind == LAB_INTERNET ? b : a;
		if (t->nodes[other].kind != LAB_ROUTER)
			return fail(c, "link: an internet attaches to a router, not to '%s'",
				    t->nodes[other].name);
		l->emu = true;          /* the keeper answers on the router's TUN */
	}
	l->ifa = t->nodes[a].n_ifaces++;
	l->ifb = t->nodes[b].n_ifaces++;
	t->n_links++;
	return 0;
}

/* Parse the words of one line into t. Returns 0 or -1 with an error. */
static int parse_statement(struct line_ctx *c, struct lab_topo *t)
{
	if (strcmp(c->words[0], "router") == 0)
		return parse_node(c, t, LAB_ROUTER);
	if (strcmp(c->words[0], "host") == 0)
		return parse_node(c, t, LAB_HOST);
	if (strcmp(c->words[0], "link") == 0)
		return parse_link(c, t);
	if (strcmp(c->words[0], "node") == 0)
		return parse_internet(c, t);
	return fail(c, "unknown statement '%s' (router, host, node or link)", c->words[0]);
}

/* Parse text into *t (see topology.h). Returns 0, or -1 with err filled. */
int lab_topo_parse(const char *text, size_t len, const char *fname,
		   struct lab_topo *t, char *err, size_t errlen)
{
	struct line_ctx c = { .fname = fname, .err = err, .errlen = errlen };
	char buf[LAB_LINE_MAX];
	size_t pos = 0;

	memset(t, 0, sizeof *t);
	while (pos < len) {
		size_t end = pos;
		while (end < len && text[end] != '\n')
			end++;
		c.lineno++;
		if (end - pos >= sizeof buf)
			return fail(&c, "line too long (maximum %d characters)", LAB_LINE_MAX - 1);
		memcpy(buf, text + pos, end - pos);
		buf[end - pos] = '\0';
		if (strlen(buf) != end - pos)
			return fail(&c, "NUL byte in line");
		pos = end + 1;
		c.n_words = split_words(buf, c.words);
		if (c.n_words < 0)
			return fail(&c, "too many words (maximum %d)", MAX_WORDS);
		if (c.n_words > 0 && parse_statement(&c, t) < 0)
			return -1;
	}
	if (t->n_nodes == 0) {
		snprintf(err, errlen, "%s: no hosts or routers defined", fname);
		return -1;
	}
	for (int i = 0; i < t->n_nodes; i++)
		if (t->nodes[i].kind == LAB_INTERNET && t->nodes[i].n_ifaces != 1) {
			snprintf(err, errlen, "%s:%d: internet %s: link it to one router", fname,
				 t->nodes[i].line, t->nodes[i].name);
			return -1;
		}
	return addrplan_assign(t, fname, err, errlen);
}

/* Index of the node called name, or -1. */
int lab_topo_find(const struct lab_topo *t, const char *name)
{
	for (int i = 0; i < t->n_nodes; i++)
		if (strcmp(t->nodes[i].name, name) == 0)
			return i;
	return -1;
}

/* Index of the first link joining nodes a and b (either order), or -1. */
int lab_topo_link_between(const struct lab_topo *t, int a, int b)
{
	for (int i = 0; i < t->n_links; i++) {
		const struct lab_link *l = &t->links[i];
		if ((l->a == a && l->b == b) || (l->a == b && l->b == a))
			return i;
	}
	return -1;
}
