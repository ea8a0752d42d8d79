/*
 * status: describe a running lab as JSON: its nodes (namespace, kind, role,
 * addresses, anyip prefixes, whether the namespace exists), its links (ends,
 * prefixes, veth or emulated, delay, loss, cut) and its keeper and owner.
 */
#include "lab/status.h"

#include <arpa/inet.h>

/* JSON array of node n's addresses of family af, one per link. */
static json_t *node_addrs(const struct lab_topo *t, int n, int af)
{
	json_t *a = json_array();
	char buf[INET6_ADDRSTRLEN];

	for (int i = 0; i < t->n_links; i++) {
		const struct lab_link *l = &t->links[i];
		if (l->a != n && l->b != n)
			continue;
		lab_addr_format(af, af == 4 ? (l->a == n ? l->a4 : l->b4) : (l->a == n ? l->a6 : l->b6),
				buf, sizeof buf);
		json_array_append_new(a, json_string(buf));
	}
	return a;
}

/* JSON object describing node n. */
static json_t *node_json(const struct lab *lab, int n)
{
	const struct lab_node *node = &lab->topo.nodes[n];
	json_t *o = json_object(), *any = json_array();
	char ns[64], buf[64];

	lab_ns(lab, n, ns, sizeof ns);
	for (int j = 0; j < node->n_anyip; j++) {
		lab_prefix_format(&node->anyip[j], buf, sizeof buf);
		json_array_append_new(any, json_string(buf));
	}
	json_object_set_new(o, "name", json_string(node->name));
	json_object_set_new(o, "kind", json_string(node->kind == LAB_ROUTER ? "router" :
						     node->kind == LAB_INTERNET ? "internet" : "host"));
	json_object_set_new(o, "role", json_string(node->role));
	json_object_set_new(o, "as", json_integer(node->as));
	json_object_set_new(o, "netns", json_string(ns));
	json_object_set_new(o, "netns_exists", json_boolean(lab_netns_exists(ns)));
	json_object_set_new(o, "ipv4", node_addrs(&lab->topo, n, 4));
	json_object_set_new(o, "ipv6", node_addrs(&lab->topo, n, 6));
	json_object_set_new(o, "anyip", any);
	json_object_set_new(o, "silent", json_boolean(node->silent));
	json_object_set_new(o, "ratelimit_ms", json_integer(node->ratelimit_ms));
	json_object_set_new(o, "filtered", json_integer(node->filter));
	return o;
}

/* JSON object describing link i. */
static json_t *link_json(const struct lab *lab, int i)
{
	const struct lab_link *l = &lab->topo.links[i];
	char n4[64], n6[64];

	lab_prefix_format(&l->net4, n4, sizeof n4);
	lab_prefix_format(&l->net6, n6, sizeof n6);
	return json_pack("{s:s, s:s, s:i, s:i, s:s, s:s, s:s, s:I, s:I, s:b}",
			 "a", lab->topo.nodes[l->a].name, "b", lab->topo.nodes[l->b].name,
			 "a_if", l->ifa, "b_if", l->ifb, "ipv4", n4, "ipv6", n6,
			 "kind", l->emu ? "emu" : "veth", "delay_ms", lab->delay_ms[i],
			 "loss_pct", lab->loss_pct[i], "cut", lab->cut[i]);
}

/* JSON for a recorded process: {"pid": N, "alive": B}, or null. */
static json_t *proc_json(const struct lab *lab, const char *what)
{
	struct lab_proc p;

	if (!lab_load_proc(lab, what, &p))
		return json_null();
	return json_pack("{s:i, s:b}", "pid", (int)p.pid, "alive", lab_proc_alive(&p));
}

/* Describe lab as JSON (see status.h). */
json_t *lab_status_json(const struct lab *lab)
{
	json_t *nodes = json_array(), *links = json_array();

	for (int i = 0; i < lab->topo.n_nodes; i++)
		json_array_append_new(nodes, node_json(lab, i));
	for (int i = 0; i < lab->topo.n_links; i++)
		json_array_append_new(links, link_json(lab, i));
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "name", lab->name, "file", lab->file,
			 "keeper", proc_json(lab, "keeper"), "owner", proc_json(lab, "owner"),
			 "nodes", nodes, "links", links);
}
