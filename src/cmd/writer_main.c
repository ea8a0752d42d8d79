/*
 * vantage-writer: a store writer of the scaled-out platform. It takes the
 * results the front-ends (vantage-controller with `ingest nats://...`)
 * published to NATS JetStream and commits them to the store, acking each
 * message only after its commit (src/jetstream/js_writer.h). Run as many
 * as wanted: they share one durable consumer. SIGTERM or SIGINT ends it
 * after the batch in hand; it prints what it stored. Started as root with
 * --user NAME it becomes NAME, with no capability, before it connects.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <nats/nats.h>

#include "jetstream/js_writer.h"
#include "privsep/privsep.h"
#include "util/numparse.h"

#define PROG "vantage-writer"

static void usage(FILE *out)
{
	fprintf(out, "usage: vantage-writer --nats URLS --store URL [--batch N] [--replicas N]"
		" [--ack-wait S] [--user NAME]\n"
		"  --nats URLS    the JetStream cluster, nats://HOST:PORT[,nats://HOST:PORT...]\n"
		"  --store URL    postgresql://... (or a SQLite file) the results go to\n"
		"  --batch N      results per commit at most (default 500)\n"
		"  --replicas N   copies of the results stream if this writer creates it (default 3)\n"
		"  --ack-wait S   seconds before a result not acked goes to another writer"
		" (default 30)\n"
		"  --user NAME    started as root, run as NAME (it needs no privilege)\n");
}

/*
 * Started as root with --user: become that user, with no capability, before
 * libnats starts its threads (capabilities are per thread). Exits on failure.
 */
static void become_user(const char *user)
{
	struct privsep_opts po = { .user = user };
	struct privsep_state st;
	char err[512], who[160];
	if (geteuid() != 0) {
		fprintf(stderr, PROG ": --user %s: needs to be started as root\n", user);
		exit(2);
	}
	if (privsep_drop(&po, &st, err, sizeof err) < 0) {
		fprintf(stderr, PROG ": --user %s: %s\n", user, err);
		exit(1);
	}
	privsep_describe(&st, who, sizeof who);
	printf(PROG ": %s\n", who);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "nats", required_argument, NULL, 'n' }, { "store", required_argument, NULL, 's' },
		{ "batch", required_argument, NULL, 'b' }, { "replicas", required_argument, NULL, 'r' },
		{ "ack-wait", required_argument, NULL, 'a' }, { "user", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct js_writer_opts o = { .batch = 500, .replicas = 3, .ack_wait = 30 };
	const char *user = NULL;
	int ch;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'n': o.nats = optarg; break;
		case 's': o.store = optarg; break;
		case 'b': o.batch = option_num_or_exit(PROG, "--batch", optarg, 1, 100000); break;
		case 'r': o.replicas = option_num_or_exit(PROG, "--replicas", optarg, 1, 5); break;
		case 'a': o.ack_wait = option_num_or_exit(PROG, "--ack-wait", optarg, 1, 3600); break;
		case 'u': user = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!o.nats || !o.store || optind != argc) {
		usage(stderr);
		return 2;
	}
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	o.stop = &stop;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (user)
		become_user(user);
	printf("vantage-writer: consuming %s into the store\n", o.nats);
	struct js_writer_counts n;
	char err[512];
	int rc = js_writer_run(&o, &n, err, sizeof err);
	if (rc < 0)
		fprintf(stderr, "vantage-writer: %s\n", err);
	printf("vantage-writer: stored %llu, duplicates %llu, refused %llu, conflicts %llu,"
	       " bad %llu, failed commits %llu, live %llu\n", (unsigned long long)n.stored,
	       (unsigned long long)n.duplicates, (unsigned long long)n.refused,
	       (unsigned long long)n.conflicts, (unsigned long long)n.bad,
	       (unsigned long long)n.commits_failed, (unsigned long long)n.live);
	nats_CloseAndWait(2000);
	return rc < 0 ? 1 : 0;
}
