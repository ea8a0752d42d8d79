/*
 * agent_noprobe: the platform no-probe list on the agent. The controller
 * sends the whole list (a NOPROBE message) when the agent connects and
 * whenever it changes; the agent parses it into a fresh prefix trie and, only
 * if every prefix is good, hands it to the site policy that checks
 * definitions (gate) and to the runner that checks every packet right before
 * it is sent, beside the site's own no-probe list. The version it enforces
 * goes out in the next STATUS, sent at once.
 */
#include "agent/agent_int.h"

#include <stdio.h>

#include "policy/prefix.h"
#include "policy/trie.h"

/* Bits a prefix may take in the trie: an IPv6 /128 path, plus slack. */
#define NODES_PER_PREFIX 130

/* Parse the message's prefixes into a new trie; NULL with err naming the bad one. */
static struct ptrie *trie_from_msg(const struct msg *m, char *err, size_t errlen)
{
	size_t n = json_array_size(m->prefixes), i;
	struct ptrie *t = ptrie_new((n + 1) * NODES_PER_PREFIX);
	const json_t *v;
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	json_array_foreach(m->prefixes, i, v) {
		struct net_prefix p;
		char why[128] = "too many prefixes";
		if (!net_prefix_parse(json_string_value(v), &p, why, sizeof why) ||
		    ptrie_insert(t, &p, (uint32_t)i) < 0) {
			snprintf(err, errlen, "prefix %zu: %s", i, why);
			ptrie_free(t);
			return NULL;
		}
	}
	return t;
}

/* See agent_int.h. */
void agent_noprobe_put(struct agent *a, const struct msg *m)
{
	char err[256];
	struct ptrie *t = trie_from_msg(m, err, sizeof err);
	if (!t) {
		agent_log(a, "platform no-probe list version %lld refused: %s",
			  (long long)m->noprobe_version, err);
		return;
	}
	a->gate.aup.platform_noprobe = t;
	if (a->rops->set_noprobe)
		a->rops->set_noprobe(a->runner, t);
	ptrie_free(a->noprobe);
	a->noprobe = t;
	if (a->noprobe_version != m->noprobe_version)
		agent_log(a, "platform no-probe list version %lld: %zu prefixes",
			  (long long)m->noprobe_version, json_array_size(m->prefixes));
	a->noprobe_version = m->noprobe_version;
	agent_send_status(a);
}
