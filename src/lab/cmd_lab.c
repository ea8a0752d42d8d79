/*
 * cmd_lab: `vantage lab ...`, the command line over the lab (see lab.h).
 * Options are parsed once into a struct lab_args; each action is one small
 * function. The lab's name comes from --name, else $VANTAGE_LAB, else "vl".
 */
#include "lab/cmd_lab.h"
#include "lab/lab.h"
#include "util/readfile.h"
#include "lab/status.h"
#include "lab/truth.h"
#include "lab/synth_truth.h"
#include "util/numparse.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_POS 4096

static const char usage_text[] =
	"usage: vantage lab up FILE [--name NAME] [--owner PID] [--napi]\n"
	"       vantage lab down [--name NAME] | down --stale\n"
	"       vantage lab status [--name NAME] [--json]\n"
	"       vantage lab exec [--name NAME] HOST -- CMD [ARGS...]\n"
	"       vantage lab truth [--name NAME | --file FILE] SRC DST [DST...] [-4|-6]\n"
	"                         [--proto udp|tcp|icmp] [--sport N] [--dport N]\n"
	"       vantage lab truth [--name NAME | --file FILE] SRC --all INTERNET [-4|-6]\n"
	"       vantage lab prefixes [--name NAME | --file FILE] INTERNET [-4|-6]\n"
	"       vantage lab link cut|restore A B [--name NAME]\n"
	"       vantage lab link set A B [delay=MS] [loss=PCT] [--name NAME]\n"
	"NAME (default $VANTAGE_LAB, else vl) prefixes every namespace: NAME-NODE.\n";

/* Everything the command line said. */
struct lab_args {
	const char *action;
	const char *name, *file;
	const char *pos[MAX_POS];
	int n_pos;
	char **cmd;                 /* after "--" */
	long long owner, sport, dport;
	bool json, stale, all, napi;
	int af;
	const char *proto;
	char err[512];
};

/* Parse a numeric option's value; returns 0 or -1 with the error printed. */
static int num_opt(struct lab_args *a, const char *opt, const char *val, long long max,
		   long long *out)
{
	if (parse_option_num(opt, val, 0, max, out, a->err, sizeof a->err))
		return 0;
	fprintf(stderr, "vantage lab: %s\n", a->err);
	return -1;
}

/* Handle option argv[*i] (with its value); returns 0, or -1 when bad. */
static int parse_opt(struct lab_args *a, int argc, char **argv, int *i)
{
	const char *o = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
	bool takes = !strcmp(o, "--name") || !strcmp(o, "--owner") || !strcmp(o, "--file") ||
		     !strcmp(o, "--proto") || !strcmp(o, "--sport") || !strcmp(o, "--dport");

	if (takes && !v) {
		fprintf(stderr, "vantage lab: %s needs a value\n", o);
		return -1;
	}
	if (takes)
		(*i)++;
	if (!strcmp(o, "--name"))
		a->name = v;
	else if (!strcmp(o, "--file"))
		a->file = v;
	else if (!strcmp(o, "--proto"))
		a->proto = v;
	else if (!strcmp(o, "--owner"))
		return num_opt(a, o, v, 4194304, &a->owner);
	else if (!strcmp(o, "--sport"))
		return num_opt(a, o, v, 65535, &a->sport);
	else if (!strcmp(o, "--dport"))
		return num_opt(a, o, v, 65535, &a->dport);
	else if (!strcmp(o, "--json"))
		a->json = true;
	else if (!strcmp(o, "--stale"))
		a->stale = true;
	else if (!strcmp(o, "--all"))
		a->all = true;
	else if (!strcmp(o, "--napi"))
		a->napi = true;
	else if (!strcmp(o, "-4") || !strcmp(o, "-6"))
		a->af = o[1] - '0';
	else {
		fprintf(stderr, "vantage lab: unknown option '%s'\n%s", o, usage_text);
		return -1;
	}
	return 0;
}

/* Parse argv into a. Returns 0, or -1 after printing the problem. */
static int parse_args(struct lab_args *a, int argc, char **argv)
{
	const char *env = getenv("VANTAGE_LAB"), *napi = getenv("VANTAGE_LAB_NAPI");

	a->name = env && *env ? env : LAB_DEFAULT_NAME;
	a->af = 4;
	a->proto = "udp";
	a->napi = napi && !strcmp(napi, "1");
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			a->cmd = argv + i + 1;
			break;
		}
		if (argv[i][0] == '-' && argv[i][1]) {
			if (parse_opt(a, argc, argv, &i) < 0)
				return -1;
		} else if (a->n_pos < MAX_POS) {
			a->pos[a->n_pos++] = argv[i];
		} else {
			fprintf(stderr, "vantage lab: too many arguments\n");
			return -1;
		}
	}
	return 0;
}

/* Load the running lab named in a; prints the problem on failure. */
static struct lab *load(struct lab_args *a)
{
	struct lab *lab = calloc(1, sizeof *lab);

	if (lab && lab_load(lab, a->name, a->err, sizeof a->err) == 0)
		return lab;
	fprintf(stderr, "vantage lab: %s\n", lab ? a->err : "out of memory");
	free(lab);
	return NULL;
}

/* `up FILE`: build the lab. */
static int do_up(struct lab_args *a)
{
	struct lab *lab = calloc(1, sizeof *lab);
	int rc = 1;

	if (a->n_pos != 1) {
		fprintf(stderr, "vantage lab up: give one topology FILE\n");
		free(lab);
		return 1;
	}
	if (!lab || lab_init(lab, a->name, a->err, sizeof a->err) < 0) {
		fprintf(stderr, "vantage lab up: %s\n", lab ? a->err : "out of memory");
		free(lab);
		return 1;
	}
	lab->napi = a->napi;
	if (lab_up(lab, a->pos[0], (pid_t)a->owner, a->err, sizeof a->err) < 0) {
		fprintf(stderr, "vantage lab up: %s\n", a->err);
	} else {
		printf("lab '%s' is up: %d nodes, %d links from %s%s\n", lab->name, lab->topo.n_nodes,
		       lab->topo.n_links, a->pos[0],
		       lab->napi ? " (--napi: hosts' links through threaded NAPI)" : "");
		rc = 0;
	}
	free(lab);
	return rc;
}

/* `down`: tear the lab (or every stale lab) down. */
static int do_down(struct lab_args *a)
{
	int n;

	if (a->stale) {
		if ((n = lab_down_stale(a->err, sizeof a->err)) < 0) {
			fprintf(stderr, "vantage lab down: %s\n", a->err);
			return 1;
		}
		printf("removed %d stale lab(s)\n", n);
		return 0;
	}
	if (lab_name_check(a->name, a->err, sizeof a->err) < 0 ||
	    lab_down(a->name, a->err, sizeof a->err) < 0) {
		fprintf(stderr, "vantage lab down: %s\n", a->err);
		return 1;
	}
	return 0;
}

/* Print status as a human table. */
static void print_status(json_t *s)
{
	size_t i;
	json_t *v;

	printf("lab %s from %s, keeper %s\n", json_string_value(json_object_get(s, "name")),
	       json_string_value(json_object_get(s, "file")),
	       json_is_true(json_object_get(json_object_get(s, "keeper"), "alive")) ? "running" : "GONE");
	printf("%-8s %-6s %-7s %-4s %-16s %s\n", "node", "kind", "role", "ns", "ipv4", "ipv6");
	json_array_foreach(json_object_get(s, "nodes"), i, v)
		printf("%-8s %-6s %-7s %-4s %-16s %s%s%s\n", json_string_value(json_object_get(v, "name")),
		       json_string_value(json_object_get(v, "kind")),
		       json_string_value(json_object_get(v, "role")),
		       json_is_true(json_object_get(v, "netns_exists")) ? "ok" : "GONE",
		       json_string_value(json_array_get(json_object_get(v, "ipv4"), 0)),
		       json_string_value(json_array_get(json_object_get(v, "ipv6"), 0)),
		       json_is_true(json_object_get(v, "silent")) ? "  silent" : "",
		       json_array_size(json_object_get(v, "anyip")) ? "  anyip" : "");
	json_array_foreach(json_object_get(s, "links"), i, v)
		printf("link %s-%s %s %s %s delay=%lldms loss=%lld%%%s\n",
		       json_string_value(json_object_get(v, "a")), json_string_value(json_object_get(v, "b")),
		       json_string_value(json_object_get(v, "ipv4")), json_string_value(json_object_get(v, "ipv6")),
		       json_string_value(json_object_get(v, "kind")),
		       (long long)json_integer_value(json_object_get(v, "delay_ms")),
		       (long long)json_integer_value(json_object_get(v, "loss_pct")),
		       json_is_true(json_object_get(v, "cut")) ? " CUT" : "");
}

/* `status`: show the running lab. */
static int do_status(struct lab_args *a)
{
	struct lab *lab = load(a);
	json_t *s;

	if (!lab)
		return 1;
	s = lab_status_json(lab);
	if (a->json) {
		json_dumpf(s, stdout, JSON_INDENT(2));
		printf("\n");
	} else {
		print_status(s);
	}
	json_decref(s);
	free(lab);
	return 0;
}

/* `exec HOST -- CMD`: run CMD inside HOST's namespace (replaces this process). */
static int do_exec(struct lab_args *a)
{
	struct lab *lab;
	char ns[64], **argv;
	int n, count = 0;

	if (a->n_pos != 1 || !a->cmd || !a->cmd[0]) {
		fprintf(stderr, "vantage lab exec: give HOST -- CMD [ARGS...]\n");
		return 2;
	}
	if (!(lab = load(a)))
		return 1;
	if ((n = lab_topo_find(&lab->topo, a->pos[0])) < 0) {
		fprintf(stderr, "vantage lab exec: lab '%s' has no node '%s'\n", lab->name, a->pos[0]);
		free(lab);
		return 1;
	}
	lab_ns(lab, n, ns, sizeof ns);
	free(lab);
	while (a->cmd[count])
		count++;
	argv = calloc((size_t)count + 5, sizeof *argv);
	if (!argv)
		return 1;
	argv[0] = "ip";
	argv[1] = "netns";
	argv[2] = "exec";
	argv[3] = ns;
	memcpy(argv + 4, a->cmd, (size_t)count * sizeof *argv);
	execvp("ip", argv);
	perror("vantage lab exec: ip");
	free(argv);
	return 127;
}

/* Load the topology for truth: from --file, else from the running lab. */
static struct lab *truth_lab(struct lab_args *a)
{
	struct lab *lab;
	char *text;
	long n;

	if (!a->file)
		return load(a);
	lab = calloc(1, sizeof *lab);
	text = malloc(256 * 1024);
	if (!lab || !text || (n = read_small_file(a->file, text, 256 * 1024)) < 0 ||
	    lab_topo_parse(text, (size_t)n, a->file, &lab->topo, a->err, sizeof a->err) < 0) {
		fprintf(stderr, "vantage lab truth: %s\n", text && lab ? a->err : "cannot read");
		free(lab);
		lab = NULL;
	}
	free(text);
	return lab;
}

/* Generate the synthetic Internet of node `name` of lab; NULL after printing why. */
static struct synth *internet_of(struct lab_args *a, const struct lab *lab, const char *name)
{
	int n = lab_topo_find(&lab->topo, name);
	struct synth *g;

	if (n < 0 || lab->topo.nodes[n].kind != LAB_INTERNET) {
		fprintf(stderr, "vantage lab: '%s' is not an internet node\n", name);
		return NULL;
	}
	if (!(g = calloc(1, sizeof *g)) || synth_init(g, &lab->topo.nodes[n].synth, a->err, sizeof a->err) < 0) {
		fprintf(stderr, "vantage lab: internet %s: %s\n", name, g ? a->err : "out of memory");
		free(g);
		return NULL;
	}
	return g;
}

/* `truth SRC --all INTERNET`: every interface and link of a synthetic Internet. */
static int truth_all(struct lab_args *a, const struct lab *lab)
{
	int src = lab_topo_find(&lab->topo, a->pos[0]);
	uint8_t addr[16] = { 0 };
	struct synth *g;
	int rc;

	if (src < 0 || !lab_node_addr(&lab->topo, src, a->af, addr)) {
		fprintf(stderr, "vantage lab truth: no node called '%s'\n", a->pos[0]);
		return 1;
	}
	if (!(g = internet_of(a, lab, a->pos[1])))
		return 1;
	rc = synth_truth_all(g, a->af, addr, stdout);
	synth_free(g);
	free(g);
	return rc < 0 ? 1 : 0;
}

/* `prefixes INTERNET`: the prefix table of a synthetic Internet. */
static int do_prefixes(struct lab_args *a)
{
	struct lab *lab;
	struct synth *g;
	int rc;

	if (a->n_pos != 1) {
		fprintf(stderr, "vantage lab prefixes: give the INTERNET node\n");
		return 2;
	}
	if (!(lab = truth_lab(a)))
		return 1;
	g = internet_of(a, lab, a->pos[0]);
	free(lab);
	if (!g)
		return 1;
	rc = synth_write_pfx2as(g, a->af, stdout);
	synth_free(g);
	free(g);
	return rc < 0 ? 1 : 0;
}

/* `truth SRC DST...`: print the expected paths as JSON (one a line when several). */
static int do_truth(struct lab_args *a)
{
	struct lab_flow flow = { a->proto, a->sport, a->dport };
	struct lab *lab;
	json_t *j;
	int rc = 0;

	if (a->n_pos < 2) {
		fprintf(stderr, "vantage lab truth: give SRC and DST\n");
		return 2;
	}
	if (strcmp(a->proto, "udp") && strcmp(a->proto, "tcp") && strcmp(a->proto, "icmp")) {
		fprintf(stderr, "vantage lab truth: --proto '%s' is not udp, tcp or icmp\n", a->proto);
		return 2;
	}
	if (!(lab = truth_lab(a)))
		return 1;
	if (a->all) {
		rc = truth_all(a, lab);
		free(lab);
		return rc;
	}
	struct lab_truth_cache *cache = calloc(1, sizeof *cache);
	for (int i = 1; cache && i < a->n_pos; i++) {
		j = lab_truth_cached(&lab->topo, a->pos[0], a->pos[i], a->af, &flow, cache, a->err,
				     sizeof a->err);
		if (!j) {
			fprintf(stderr, "vantage lab %s\n", a->err);
			rc = 1;
			continue;
		}
		json_dumpf(j, stdout, a->n_pos > 2 ? JSON_COMPACT : JSON_INDENT(2));
		printf("\n");
		json_decref(j);
	}
	if (cache)
		lab_truth_cache_free(cache);
	free(cache);
	free(lab);
	return rc;
}

/* Parse "delay=MS" / "loss=PCT" words of `link set` into lab's current values. */
static int link_set_values(struct lab_args *a, long long *delay, long long *loss)
{
	for (int i = 3; i < a->n_pos; i++) {
		const char *w = a->pos[i];
		if (!strncmp(w, "delay=", 6) && !num_opt(a, "delay", w + 6, 10000, delay))
			continue;
		if (!strncmp(w, "loss=", 5) && !num_opt(a, "loss", w + 5, 100, loss))
			continue;
		fprintf(stderr, "vantage lab link set: bad setting '%s' (delay=MS, loss=PCT)\n", w);
		return -1;
	}
	return 0;
}

/* `link cut|restore|set A B ...`. */
static int do_link(struct lab_args *a)
{
	struct lab *lab;
	const char *verb = a->n_pos ? a->pos[0] : "";
	int l = -1, rc = -1;

	if (a->n_pos < 3 || (strcmp(verb, "cut") && strcmp(verb, "restore") && strcmp(verb, "set"))) {
		fprintf(stderr, "vantage lab link: give cut|restore|set A B\n");
		return 2;
	}
	if (!(lab = load(a)))
		return 1;
	l = lab_topo_link_between(&lab->topo, lab_topo_find(&lab->topo, a->pos[1]),
				  lab_topo_find(&lab->topo, a->pos[2]));
	if (l < 0) {
		snprintf(a->err, sizeof a->err, "lab '%s' has no link %s-%s", lab->name, a->pos[1], a->pos[2]);
	} else if (!strcmp(verb, "set")) {
		long long delay = lab->delay_ms[l], loss = lab->loss_pct[l];
		if (link_set_values(a, &delay, &loss) < 0) {
			free(lab);
			return 2;
		}
		rc = lab_link_set(lab, l, delay, loss, a->err, sizeof a->err);
	} else {
		rc = lab_link_state(lab, l, !strcmp(verb, "restore"), a->err, sizeof a->err);
	}
	if (rc < 0)
		fprintf(stderr, "vantage lab link %s: %s\n", verb, a->err);
	free(lab);
	return rc < 0 ? 1 : 0;
}

/* Run `vantage lab ...` (see cmd_lab.h). */
int cmd_lab(int argc, char **argv)
{
	static const struct { const char *name; int (*fn)(struct lab_args *); } actions[] = {
		{ "up", do_up }, { "down", do_down }, { "status", do_status }, { "exec", do_exec },
		{ "truth", do_truth }, { "link", do_link }, { "prefixes", do_prefixes },
	};
	struct lab_args *a;
	int rc = 2;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage_text, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!(a = calloc(1, sizeof *a)) || parse_args(a, argc, argv) < 0) {
		free(a);
		return 2;
	}
	bool found = false;
	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
		if (!strcmp(argv[1], actions[i].name)) {
			rc = actions[i].fn(a);
			found = true;
		}
	if (!found && !strcmp(argv[1], "help")) {
		fputs(usage_text, stdout);
		rc = 0;
	} else if (!found) {
		fprintf(stderr, "vantage lab: '%s' is not a lab command\n%s", argv[1], usage_text);
	}
	free(a);
	return rc;
}
