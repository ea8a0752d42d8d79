/*
 * prefix_table: see prefix_table.h. The counts come from the scanner's own
 * target sets (scan/targets.h), so a team cycle and `vantage scan` agree on
 * what a table covers.
 */
#include "team/prefix_table.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan/targets.h"

/* What the walk over the lines carries. */
struct parse_ctx {
	struct prefix_table *t;
	struct scan_targets v4, v6;
	char *err;
	size_t errlen;
};

/* Append one entry and count its targets; 0, or -1 with err (memory, too many). */
static int take_entry(const struct pfx2as_entry *e, void *arg)
{
	struct parse_ctx *c = arg;
	struct prefix_table *t = c->t;
	if (t->n == PREFIX_TABLE_MAX) {
		snprintf(c->err, c->errlen, "more than %u prefixes", PREFIX_TABLE_MAX);
		return -1;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 1024;
		void *v = realloc(t->e, cap * sizeof *t->e);
		if (!v) {
			snprintf(c->err, c->errlen, "out of memory");
			return -1;
		}
		t->e = v;
		t->cap = cap;
	}
	t->e[t->n++] = *e;
	int v4 = e->prefix.addr.family == AF_INET;
	if (v4)
		t->v4_prefixes++;
	else
		t->v6_prefixes++;
	return scan_targets_add(v4 ? &c->v4 : &c->v6, &e->prefix, c->err, c->errlen);
}

/* Seal both target sets and keep their sizes; 0 or -1 with err. */
static int count_targets(struct parse_ctx *c)
{
	if (scan_targets_finish(&c->v4, c->err, c->errlen) < 0 ||
	    scan_targets_finish(&c->v6, c->err, c->errlen) < 0)
		return -1;
	c->t->slash24s = c->v4.n;
	c->t->v6_targets = c->v6.n;
	c->t->v6_too_long = c->v6.too_long;
	return 0;
}

long prefix_table_parse(struct prefix_table *t, const char *text, size_t len,
			char *err, size_t errlen)
{
	memset(t, 0, sizeof *t);
	struct parse_ctx c = { .t = t, .err = err, .errlen = errlen };
	int rc = scan_targets_init(&c.v4, AF_INET, 0, err, errlen);
	if (rc == 0)
		rc = scan_targets_init(&c.v6, AF_INET6, 0, err, errlen);
	if (rc == 0) {
		/* take_entry's -1 carries its own reason; pfx2as_parse names bad lines */
		rc = pfx2as_parse(text, len, take_entry, &c, err, errlen);
		rc = rc == 0 ? count_targets(&c) : -1;
	}
	scan_targets_free(&c.v4);
	scan_targets_free(&c.v6);
	if (rc < 0) {
		prefix_table_free(t);
		return -1;
	}
	return (long)t->n;
}

void prefix_table_free(struct prefix_table *t)
{
	free(t->e);
	memset(t, 0, sizeof *t);
}
