/*
 * vantage-controller: the central server. Parses its options, runs the
 * controller (src/controller) on an event loop until SIGINT or SIGTERM, and
 * shuts down cleanly (pending results committed, sessions recorded closed).
 */
#include <event2/event.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "controller/controller.h"
#include "privsep/privsep.h"
#include "util/numparse.h"
#include "util/sigloop.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vantage-controller [--dir DIR] [--listen ADDR] [--port N] [--admin PATH]\n"
		"                          [--db PATH] [--key PATH] [--heartbeat SECONDS]\n"
		"                          [--batch N] [--flush-ms MS] [--api ADDR:PORT] [--quiet]\n"
		"                          [--no-reach-check] [--user NAME | --allow-root]\n"
		"  --dir DIR   state directory (default /var/lib/vantage-controller): controller.db,\n"
		"              controller.key, controller.crt and admin.sock live there\n"
		"  --listen    address agents connect to (default 127.0.0.1), --port (default 4443)\n"
		"  --api       serve the REST API there (loopback or lab address), certificate DIR/api.crt\n"
		"  --no-reach-check  do not have another agent probe a newly admitted agent's address\n"
		"  --user NAME started as root, give DIR to NAME and run as NAME (it never needs root)\n"
		"  --allow-root  run as root all the same (refused otherwise)\n");
}

/* Paths under dir, unless given; who to run as. */
struct paths {
	char db[4096], key[4000], cert[4096], admin[4096];
	const char *dir, *user;
	int allow_root;
};

/* Parse a bounded numeric option into *out or exit with a message. */
static int num(const char *opt, const char *arg, long long lo, long long hi)
{
	long long v;
	char err[256];
	if (!parse_option_num(opt, arg, lo, hi, &v, err, sizeof err)) {
		fprintf(stderr, "vantage-controller: %s\n", err);
		exit(2);
	}
	return (int)v;
}

/* out = given if set, else dir/name. */
static void path_in(char *out, size_t len, const char *given, const char *dir, const char *name)
{
	if (given)
		snprintf(out, len, "%s", given);
	else
		snprintf(out, len, "%s/%s", dir, name);
}

/* Fill opts from argv; exits on a bad option. */
static void parse(int argc, char **argv, struct controller_opts *o, struct paths *p)
{
	static const struct option longopts[] = {
		{ "dir", 1, NULL, 'd' }, { "listen", 1, NULL, 'l' }, { "port", 1, NULL, 'p' },
		{ "admin", 1, NULL, 'a' }, { "db", 1, NULL, 'b' }, { "key", 1, NULL, 'k' },
		{ "heartbeat", 1, NULL, 'H' }, { "batch", 1, NULL, 'B' }, { "flush-ms", 1, NULL, 'F' },
		{ "api", 1, NULL, 'A' }, { "quiet", 0, NULL, 'q' }, { "help", 0, NULL, 'h' },
		{ "no-reach-check", 0, NULL, 'R' }, { "user", 1, NULL, 'U' },
		{ "allow-root", 0, NULL, 'r' }, { NULL, 0, NULL, 0 },
	};
	const char *dir = "/var/lib/vantage-controller";
	const char *db = NULL, *key = NULL, *admin = NULL;
	int ch;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'l': o->listen_addr = optarg; break;
		case 'p': o->port = num("--port", optarg, 1, 65535); break;
		case 'a': admin = optarg; break;
		case 'b': db = optarg; break;
		case 'k': key = optarg; break;
		case 'H': o->heartbeat = num("--heartbeat", optarg, 1, 3600); break;
		case 'B': o->batch_max = num("--batch", optarg, 1, 100000); break;
		case 'F': o->flush_ms = num("--flush-ms", optarg, 0, 10000); break;
		case 'A': o->api_listen = optarg; break;
		case 'q': o->quiet = 1; break;
		case 'R': o->no_reach = 1; break;
		case 'U': p->user = optarg; break;
		case 'r': p->allow_root = 1; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "vantage-controller: unexpected argument '%s'\n", argv[optind]);
		exit(2);
	}
	if (strlen(dir) > 3000) {
		fprintf(stderr, "vantage-controller: --dir: path too long\n");
		exit(2);
	}
	mkdir(dir, 0700);
	p->dir = dir;
	path_in(p->db, sizeof p->db, db, dir, "controller.db");
	path_in(p->key, sizeof p->key, key, dir, "controller.key");
	if (key)
		snprintf(p->cert, sizeof p->cert, "%s.crt", p->key);
	else
		path_in(p->cert, sizeof p->cert, NULL, dir, "controller.crt");
	path_in(p->admin, sizeof p->admin, admin, dir, "admin.sock");
	o->db_path = p->db;
	o->key_path = p->key;
	o->cert_path = p->cert;
	o->admin_path = p->admin;
}

/* Raise the open-file limit to its ceiling: one descriptor per agent. */
static void raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/*
 * The controller never needs root: started as root it becomes --user (and
 * gives it DIR), runs as root only with --allow-root, and refuses otherwise.
 * Exits on failure.
 */
static void leave_root(const struct paths *p)
{
	struct privsep_opts po = { .user = p->user, .own_dir = p->dir };
	struct privsep_state st;
	char err[512], who[160];
	if (geteuid() == 0 && !p->user) {
		if (p->allow_root)
			return;
		fprintf(stderr, "vantage-controller: refusing to run as root, which it never needs:"
			" pass --user NAME to run as NAME, or --allow-root\n");
		exit(2);
	}
	if (p->user && p->allow_root) {
		fprintf(stderr, "vantage-controller: --user and --allow-root contradict each other\n");
		exit(2);
	}
	if (geteuid() != 0)
		return;
	if (privsep_drop(&po, &st, err, sizeof err) < 0) {
		fprintf(stderr, "vantage-controller: %s\n", err);
		exit(1);
	}
	privsep_describe(&st, who, sizeof who);
	printf("vantage-controller: %s\n", who);
}

int main(int argc, char **argv)
{
	struct controller_opts o = { .listen_addr = "127.0.0.1", .port = 4443, .heartbeat = 10,
				     .batch_max = 2000, .flush_ms = 5 };
	static struct paths p;
	parse(argc, argv, &o, &p);
	signal(SIGPIPE, SIG_IGN);
	raise_nofile();
	setvbuf(stdout, NULL, _IOLBF, 0);
	leave_root(&p);
	struct event_base *base = event_base_new();
	char err[512];
	struct controller *c = base ? controller_new(base, &o, err, sizeof err) : NULL;
	if (!c) {
		fprintf(stderr, "vantage-controller: %s\n", base ? err : "cannot create event loop");
		if (base)
			event_base_free(base);
		return 1;
	}
	int rc = sigloop_run(base);
	controller_free(c);
	event_base_free(base);
	return rc < 0 ? 1 : 0;
}
