/*
 * build: bring a lab up from a topology file: namespaces, sysctls, veth or
 * TUN links, addresses and routes (one `ip -batch` per namespace), nft rules
 * for silent routers and filtered hosts, then the keeper. Any failure tears
 * down what was built, so nothing is left half-built.
 */
#include "lab/lab.h"
#include "util/readfile.h"
#include "lab/routes.h"
#include "lab/synth.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define TOPO_MAX (256 * 1024)

/* Run `ip ARGS...` (NULL-terminated list). Returns 0 or -1 with err. */
#define IP(err, errlen, ...) lab_run((char *[]){ "ip", __VA_ARGS__, NULL }, false, err, errlen)

/* Create every node's namespace. Returns 0 or -1 with err. */
static int add_namespaces(struct lab *lab, char *err, size_t errlen)
{
	char ns[64];

	for (int i = 0; i < lab->topo.n_nodes; i++) {
		lab_ns(lab, i, ns, sizeof ns);
		if (lab_netns_exists(ns)) {
			snprintf(err, errlen, "namespace %s already exists (another lab '%s'?)", ns, lab->name);
			return -1;
		}
		if (IP(err, errlen, "netns", "add", ns) < 0)
			return -1;
	}
	return 0;
}

/* Set node n's sysctls: forwarding, hashing, DAD off, ICMP limits. */
static int set_sysctls(struct lab *lab, int n, char *err, size_t errlen)
{
	const struct lab_node *node = &lab->topo.nodes[n];
	const char *fwd = node->kind == LAB_ROUTER ? "1" : "0";
	char ns[64], fwd4[64], fwd6[64], rl4[64], rl6[64];
	const char *kv[] = {
		"net/ipv6/conf/all/accept_dad=0", "net/ipv6/conf/default/accept_dad=0",
		"net/ipv6/conf/all/accept_ra=0", "net/ipv6/conf/default/accept_ra=0",
		"net/ipv6/conf/all/keep_addr_on_down=1", "net/ipv6/conf/default/keep_addr_on_down=1",
		"net/ipv4/conf/all/rp_filter=0", "net/ipv4/conf/default/rp_filter=0",
		"net/ipv4/fib_multipath_hash_policy=1", "net/ipv6/fib_multipath_hash_policy=1",
		"net/ipv4/icmp_msgs_per_sec=1000000", "net/ipv4/icmp_msgs_burst=100000",
		fwd4, fwd6, rl4, rl6,
	};

	snprintf(fwd4, sizeof fwd4, "net/ipv4/ip_forward=%s", fwd);
	snprintf(fwd6, sizeof fwd6, "net/ipv6/conf/all/forwarding=%s", fwd);
	snprintf(rl4, sizeof rl4, "net/ipv4/icmp_ratelimit=%lld", node->ratelimit_ms);
	snprintf(rl6, sizeof rl6, "net/ipv6/icmp/ratelimit=%lld", node->ratelimit_ms);
	lab_ns(lab, n, ns, sizeof ns);
	return lab_sysctl(ns, kv, (int)(sizeof kv / sizeof kv[0]), err, errlen);
}

/* Create link l: a veth pair, or a TUN device at each end for the emulator. */
static int add_link(struct lab *lab, int l, char *err, size_t errlen)
{
	const struct lab_link *k = &lab->topo.links[l];
	char nsa[64], nsb[64], ifa[16], ifb[16];

	lab_ns(lab, k->a, nsa, sizeof nsa);
	lab_ns(lab, k->b, nsb, sizeof nsb);
	snprintf(ifa, sizeof ifa, "e%d", k->ifa);
	snprintf(ifb, sizeof ifb, "e%d", k->ifb);
	if (!k->emu)
		return IP(err, errlen, "link", "add", ifa, "netns", nsa, "type", "veth",
			  "peer", "name", ifb, "netns", nsb);
	if (IP(err, errlen, "-n", nsa, "tuntap", "add", "dev", ifa, "mode", "tun") < 0)
		return -1;
	return IP(err, errlen, "-n", nsb, "tuntap", "add", "dev", ifb, "mode", "tun");
}

/* Write node n's addresses, interfaces and local prefixes as ip batch lines. */
static void write_base(const struct lab *lab, int n, FILE *f)
{
	const struct lab_node *node = &lab->topo.nodes[n];
	char a4[64], a6[64];

	fprintf(f, "link set lo up\n");
	for (int i = 0; i < lab->topo.n_links; i++) {
		const struct lab_link *l = &lab->topo.links[i];
		if (l->a != n && l->b != n)
			continue;
		int ifn = l->a == n ? l->ifa : l->ifb;
		lab_addr_format(4, l->a == n ? l->a4 : l->b4, a4, sizeof a4);
		lab_addr_format(6, l->a == n ? l->a6 : l->b6, a6, sizeof a6);
		fprintf(f, "addr add %s/%d dev e%d\n", a4, l->net4.len, ifn);
		fprintf(f, "addr add %s/%d dev e%d nodad\n", a6, l->net6.len, ifn);
		if (l->emu)
			fprintf(f, "link set e%d txqueuelen %d\n", ifn, LAB_TUN_QLEN);
		if (!lab->cut[i])
			fprintf(f, "link set e%d up\n", ifn);
	}
	for (int j = 0; j < node->n_anyip; j++) {
		lab_prefix_format(&node->anyip[j], a4, sizeof a4);
		fprintf(f, "route add local %s dev lo\n", a4);
	}
}

/* lab_batch_fn: node n's interfaces, addresses, AnyIP routes and routes. */
static void write_node(const struct lab *lab, int n, FILE *f)
{
	write_base(lab, n, f);
	lab_write_routes(lab, n, 4, f);
	lab_write_routes(lab, n, 6, f);
}

/* Configure node n in its namespace with one `ip -batch`. 0 or -1 with err. */
static int configure_node(struct lab *lab, int n, char *err, size_t errlen)
{
	return lab_ip_batch(lab, n, "ip", write_node, err, errlen);
}

/* Write node n's nft rules (silent router, filtered host) into f. */
static void write_nft(const struct lab_node *node, FILE *f)
{
	fprintf(f, "table inet vantagelab {\n");
	if (node->silent)
		fprintf(f, " chain out { type filter hook output priority 0; policy accept;\n"
			"  meta l4proto icmp drop\n"
			"  icmpv6 type { destination-unreachable, packet-too-big, time-exceeded,"
			" parameter-problem, echo-reply } drop\n }\n");
	if (node->filter) {
		fprintf(f, " chain in { type filter hook input priority 0; policy accept;\n");
		if (node->filter & LAB_F_UDP)
			fprintf(f, "  meta l4proto udp drop\n");
		if (node->filter & LAB_F_TCP)
			fprintf(f, "  meta l4proto tcp drop\n");
		if (node->filter & LAB_F_ICMP)
			fprintf(f, "  icmp type echo-request drop\n  icmpv6 type echo-request drop\n");
		fprintf(f, " }\n");
	}
	fprintf(f, "}\n");
}

/* Load nft rules into node n when it is silent or filtered. 0 or -1. */
static int filter_node(struct lab *lab, int n, char *err, size_t errlen)
{
	const struct lab_node *node = &lab->topo.nodes[n];
	char path[200], ns[64];
	FILE *f;

	if (!node->silent && !node->filter)
		return 0;
	snprintf(path, sizeof path, "%s/nft-%s.conf", lab->dir, node->name);
	if (!(f = fopen(path, "w"))) {
		snprintf(err, errlen, "cannot write %s", path);
		return -1;
	}
	write_nft(node, f);
	if (fclose(f) != 0) {
		snprintf(err, errlen, "cannot write %s", path);
		return -1;
	}
	lab_ns(lab, n, ns, sizeof ns);
	return IP(err, errlen, "netns", "exec", ns, "nft", "-f", path);
}

/* Fork the keeper (daemonised, detached) and wait until it is ready. */
static int start_keeper(struct lab *lab, pid_t owner, char *err, size_t errlen)
{
	int p[2];
	char c = 0;
	pid_t pid;
	struct pollfd pfd;

	if (pipe(p) < 0)
		return -1;
	fflush(NULL);
	if ((pid = fork()) == 0) {
		close(p[0]);
		setsid();
		if (fork() == 0)
			lab_keeper_main(lab, owner, p[1]);
		_exit(0);
	}
	close(p[1]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	pfd.fd = p[0];
	pfd.events = POLLIN;
	if (pid < 0 || poll(&pfd, 1, 10000) <= 0 || read(p[0], &c, 1) != 1 || c != 'R') {
		close(p[0]);
		snprintf(err, errlen, "lab '%s': the keeper did not start (see %s/keeper.log)",
			 lab->name, lab->dir);
		return -1;
	}
	close(p[0]);
	return 0;
}

/* Build everything of an initialised lab. Returns 0 or -1 with err. */
static int build_all(struct lab *lab, pid_t owner, char *err, size_t errlen)
{
	if (add_namespaces(lab, err, errlen) < 0)
		return -1;
	for (int i = 0; i < lab->topo.n_nodes; i++)
		if (set_sysctls(lab, i, err, errlen) < 0)
			return -1;
	for (int i = 0; i < lab->topo.n_links; i++)
		if (add_link(lab, i, err, errlen) < 0)
			return -1;
	for (int i = 0; i < lab->topo.n_nodes; i++)
		if (configure_node(lab, i, err, errlen) < 0 || filter_node(lab, i, err, errlen) < 0)
			return -1;
	if (lab->napi && lab_napi(lab, err, errlen) < 0)
		return -1;
	return start_keeper(lab, owner, err, errlen);
}

/* Generate every synthetic Internet once, so a bad one fails here, clearly. */
static int check_internets(const struct lab *lab, const char *file, char *err, size_t errlen)
{
	for (int i = 0; i < lab->topo.n_nodes; i++) {
		const struct lab_node *n = &lab->topo.nodes[i];
		struct synth *g;
		char why[256];
		int rc;
		if (n->kind != LAB_INTERNET)
			continue;
		if (!(g = calloc(1, sizeof *g)))
			return -1;
		rc = synth_init(g, &n->synth, why, sizeof why);
		if (rc == 0)
			synth_free(g);
		free(g);
		if (rc < 0) {
			snprintf(err, errlen, "%s:%d: internet %s: %s", file, n->line, n->name, why);
			return -1;
		}
	}
	return 0;
}

/* Read and parse topology file `file` into lab. Returns 0 or -1 with err. */
static int read_topology(struct lab *lab, const char *file, char **text, long *len,
			 char *err, size_t errlen)
{
	if (!(*text = malloc(TOPO_MAX)))
		return -1;
	if ((*len = read_small_file(file, *text, TOPO_MAX)) < 0) {
		snprintf(err, errlen, "%s: cannot read: %s", file, strerror(errno));
		return -1;
	}
	if (*len >= TOPO_MAX - 1) {
		snprintf(err, errlen, "%s: too large (maximum %d bytes)", file, TOPO_MAX - 2);
		return -1;
	}
	snprintf(lab->file, sizeof lab->file, "%s", file);
	if (lab_topo_parse(*text, (size_t)*len, file, &lab->topo, err, errlen) < 0)
		return -1;
	return check_internets(lab, file, err, errlen);
}

/*
 * Create the state folder and its first files. Returns 0, -2 when the lab is
 * already up (its folder exists), or -1 with err.
 */
static int make_state(struct lab *lab, const char *text, long len, pid_t owner,
		      char *err, size_t errlen)
{
	char path[200];
	struct lab_proc me, own;

	mkdir(LAB_STATE_ROOT, 0755);
	if (mkdir(lab->dir, 0755) < 0) {
		bool exists = errno == EEXIST;
		snprintf(err, errlen, exists ?
			 "lab '%s' is already up ('vantage lab down --name %s' first)" :
			 "lab '%s': cannot create its state folder", lab->name, lab->name);
		return exists ? -2 : -1;
	}
	for (int i = 0; i < lab->topo.n_links; i++) {
		lab->delay_ms[i] = lab->topo.links[i].delay_ms;
		lab->loss_pct[i] = lab->topo.links[i].loss_pct;
	}
	snprintf(path, sizeof path, "%s/topology.conf", lab->dir);
	if (lab_write_file(path, text, (size_t)len) < 0)
		return -1;
	snprintf(path, sizeof path, "%s/source", lab->dir);
	if (lab_write_file(path, lab->file, strlen(lab->file)) < 0)
		return -1;
	/* until the keeper runs, this process answers for the lab */
	if (!lab_proc_get(getpid(), &me) || lab_save_proc(lab, "keeper", &me) < 0)
		return -1;
	if (owner > 0 && (!lab_proc_get(owner, &own) || lab_save_proc(lab, "owner", &own) < 0)) {
		snprintf(err, errlen, "owner process %d does not exist", (int)owner);
		return -1;
	}
	return lab_save_links(lab, err, errlen);
}

/* Build the lab from topology file `file` (see lab.h). */
int lab_up(struct lab *lab, const char *file, pid_t owner, char *err, size_t errlen)
{
	char *text = NULL, ignore[256];
	long len = 0;
	int rc;

	if (read_topology(lab, file, &text, &len, err, errlen) < 0) {
		free(text);
		return -1;
	}
	rc = make_state(lab, text, len, owner, err, errlen);
	free(text);
	if (rc < 0) {
		if (rc != -2)   /* -2: another run owns this lab; leave it alone */
			lab_down(lab->name, ignore, sizeof ignore);
		return -1;
	}
	if (build_all(lab, owner, err, errlen) < 0) {
		lab_down(lab->name, ignore, sizeof ignore);
		return -1;
	}
	return 0;
}
