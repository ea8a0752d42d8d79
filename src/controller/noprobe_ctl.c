/*
 * noprobe_ctl: the controller's side of the platform no-probe list. The
 * admin socket's noprobe.add / noprobe.remove / noprobe.list change and show
 * the list in the store (store_noprobe.h); after each change the
 * controller's in-memory copy (policy/noprobe_list.h), which every create
 * is checked against, is reloaded from the store, so the two never differ.
 * On a store shared by several front-ends the others hear of the change
 * (frontend_changes.c) and call noprobe_sync, which reloads the list and,
 * if its version moved, pushes it to their agents.
 */
#include "controller/controller_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "policy/prefix.h"
#include "store/store_noprobe.h"

/* See controller_int.h. */
int noprobe_reload(struct controller *c, char *err, size_t errlen)
{
	json_t *rows = NULL;
	int64_t version = 0;
	if (c->store->ops->noprobe->list(c->store, &rows, &version, err, errlen) < 0)
		return -1;
	int rc = noprobe_list_set(&c->noprobe, rows, version, err, errlen);
	json_decref(rows);
	return rc;
}

/* See controller_int.h. */
int noprobe_sync(struct controller *c)
{
	char err[300];
	int64_t had = c->noprobe.version;
	if (noprobe_reload(c, err, sizeof err) < 0) {
		ctl_log(c, "no-probe list: %s", err);
		return -1;
	}
	if (c->noprobe.version == had)
		return 0;
	ctl_log(c, "no-probe list version %lld (changed at another front-end): %zu prefixes,"
		" sent to the agents here", (long long)c->noprobe.version, c->noprobe.n);
	noprobe_changed(c);
	return 1;
}

/* The request's "prefix" in canonical text into out; 0 or -1 with err. */
static int req_prefix(const json_t *req, char *out, size_t len, char *err, size_t errlen)
{
	const char *text = json_string_value(json_object_get(req, "prefix"));
	struct net_prefix p;
	char why[128];
	if (!text) {
		snprintf(err, errlen, "'prefix' is missing or not a string");
		return -1;
	}
	if (!net_prefix_parse(text, &p, why, sizeof why)) {
		snprintf(err, errlen, "prefix: %s", why);
		return -1;
	}
	net_prefix_str(&p, out, len);
	return 0;
}

/* A bounded, non-empty string field into out; 0 or -1 with err. */
static int req_text(const json_t *req, const char *name, char *out, size_t len, char *err,
		    size_t errlen)
{
	const json_t *v = json_object_get(req, name);
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) >= len ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		snprintf(err, errlen, "'%s' must be a non-empty string of at most %zu bytes", name,
			 len - 1);
		return -1;
	}
	snprintf(out, len, "%s", json_string_value(v));
	return 0;
}

/* noprobe.add {prefix, reason, who} → {prefix, version}. */
json_t *noprobe_add(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	char prefix[64], reason[NOPROBE_REASON_MAX], who[128];
	int64_t version;
	if (req_prefix(req, prefix, sizeof prefix, err, errlen) < 0 ||
	    req_text(req, "reason", reason, sizeof reason, err, errlen) < 0 ||
	    req_text(req, "who", who, sizeof who, err, errlen) < 0)
		return NULL;
	/* The store checks the cap with the insert, in one step: this front-end's copy
	   may lag another's add. */
	int rc = c->store->ops->noprobe->add(c->store, prefix, reason, who, time(NULL),
					     NOPROBE_LIST_MAX, &version, err, errlen);
	if (rc == 1)
		snprintf(err, errlen, "the no-probe list holds %d prefixes already", NOPROBE_LIST_MAX);
	if (rc != 0 || noprobe_reload(c, err, errlen) < 0)
		return NULL;
	ctl_log(c, "no-probe list version %lld: %s added by %s (%s)", (long long)version, prefix,
		who, reason);
	noprobe_changed(c);
	return json_pack("{s:s,s:I}", "prefix", prefix, "version", (json_int_t)version);
}

/* noprobe.remove {prefix} → {prefix, version}; an unlisted prefix is an error. */
json_t *noprobe_remove(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	char prefix[64];
	int64_t version;
	if (req_prefix(req, prefix, sizeof prefix, err, errlen) < 0)
		return NULL;
	int rc = c->store->ops->noprobe->remove(c->store, prefix, &version, err, errlen);
	if (rc == 0)
		snprintf(err, errlen, "%s is not on the no-probe list", prefix);
	if (rc <= 0 || noprobe_reload(c, err, errlen) < 0)
		return NULL;
	ctl_log(c, "no-probe list version %lld: %s removed", (long long)version, prefix);
	noprobe_changed(c);
	return json_pack("{s:s,s:I}", "prefix", prefix, "version", (json_int_t)version);
}

/* noprobe.list → {version, entries: [{prefix, reason, who, added}]}. */
json_t *noprobe_show(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	(void)req;
	json_t *rows = NULL;
	int64_t version;
	if (c->store->ops->noprobe->list(c->store, &rows, &version, err, errlen) < 0)
		return NULL;
	return json_pack("{s:I,s:o}", "version", (json_int_t)version, "entries", rows);
}

/* See controller_int.h. */
void noprobe_send(struct controller *c, struct session *s)
{
	json_t *prefixes = json_array();
	char err[256], pb[64];
	for (size_t i = 0; prefixes && i < c->noprobe.n; i++)
		json_array_append_new(prefixes, json_string(net_prefix_str(&c->noprobe.e[i].prefix,
									   pb, sizeof pb)));
	struct msg m = { .type = MSG_NOPROBE, .noprobe_version = c->noprobe.version,
			 .prefixes = prefixes };
	if (!prefixes || conn_send(s->conn, &m, err, sizeof err) < 0)
		ctl_log(c, "agent %lld: no-probe list: %s", (long long)s->agent.id,
			prefixes ? err : "out of memory");
	json_decref(prefixes);
}

/* See controller_int.h. */
void noprobe_changed(struct controller *c)
{
	struct session *s;
	TAILQ_FOREACH(s, &c->sessions, link)
		if (s->admitted)
			noprobe_send(c, s);
}

/* See controller_int.h. */
void noprobe_agent_state(const struct controller *c, json_t *row)
{
	const char *text = json_string_value(json_object_get(row, "status"));
	json_t *status = text ? json_loads(text, 0, NULL) : NULL;
	json_t *v = json_object_get(status, "noprobe_version");
	json_int_t enforced = json_is_integer(v) ? json_integer_value(v) : -1;
	json_decref(status);
	json_object_set_new(row, "noprobe", json_pack("{s:I,s:o,s:b}", "version",
		(json_int_t)c->noprobe.version, "enforced",
		enforced < 0 ? json_null() : json_integer(enforced),
		"behind", enforced < c->noprobe.version));
}
