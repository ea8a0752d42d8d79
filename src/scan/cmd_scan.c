/*
 * cmd_scan: the `vantage scan` command line: options into a scan_opts
 * (every number through the one bounded parser, errors naming the option),
 * the site policy it is asked to honour (no-probe list, forbidden and
 * allowed prefixes) into an AUP the engine checks per probe, then scan_run.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "scan/cmd_scan.h"
#include "scan/scan.h"
#include "util/numparse.h"

#define AUP_NODES 1000000

enum { O_PREFIXES = 1000, O_METHOD, O_PPS, O_SEED, O_MAX_TTL, O_RESUME, O_WAIT, O_GAP,
       O_SPLIT, O_CKPT_MS, O_WINDOW, O_STOP_RUN, O_USER, O_SOURCE, O_NOPROBE, O_FORBID, O_ALLOW, O_STATS, O_QUIET, O_DIE_AFTER,
       O_HELP };

static const struct option longopts[] = {
	{ "prefixes", required_argument, NULL, O_PREFIXES },
	{ "method", required_argument, NULL, O_METHOD },
	{ "pps", required_argument, NULL, O_PPS },
	{ "seed", required_argument, NULL, O_SEED },
	{ "max-ttl", required_argument, NULL, O_MAX_TTL },
	{ "resume", required_argument, NULL, O_RESUME },
	{ "wait", required_argument, NULL, O_WAIT },
	{ "gap", required_argument, NULL, O_GAP },
	{ "split", required_argument, NULL, O_SPLIT },
	{ "checkpoint-ms", required_argument, NULL, O_CKPT_MS },
	{ "source", required_argument, NULL, O_SOURCE },
	{ "noprobe", required_argument, NULL, O_NOPROBE },
	{ "forbid", required_argument, NULL, O_FORBID },
	{ "allow", required_argument, NULL, O_ALLOW },
	{ "stats", no_argument, NULL, O_STATS },
	{ "quiet", no_argument, NULL, O_QUIET },
	{ "die-after", required_argument, NULL, O_DIE_AFTER },
	{ "window", required_argument, NULL, O_WINDOW },
	{ "stop-run", required_argument, NULL, O_STOP_RUN },
	{ "user", required_argument, NULL, O_USER },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 },
};

static void help(FILE *f)
{
	fprintf(f,
		"usage: vantage scan [--prefixes FILE] [--method icmp-paris|udp-paris|tcp-ack]\n"
		"                    [--pps N] [--seed N] [--max-ttl N] [-4|-6] [-O json|warts|links]\n"
		"                    [-o FILE] [--resume FILE]\n"
		"Traceroute toward one keyed-random address in every routed /24 (IPv6: ::1 and\n"
		"a random address in every prefix of /48 or shorter), statelessly.\n"
		"  --prefixes FILE   pfx2as lines (prefix<TAB>length<TAB>ASN) or CIDRs; default stdin\n"
		"  --method M        icmp-paris (default), udp-paris, tcp-ack\n"
		"  --pps N           packets per second, a hard ceiling (default 10000; 0 = no limit)\n"
		"  --seed N          picks the addresses, the probe order and the probe MAC key\n"
		"  --max-ttl N       largest TTL, also the distance probe's (1..63, default 32)\n"
		"  --split N         first TTL when the distance is unknown (default 16)\n"
		"  --gap N           silent forward TTLs in a row that end a trace (default 3)\n"
		"  --wait MS         time for replies between rounds (default 1000)\n"
		"  --stop-run N      known interfaces in a row that end backward probing (default 3)\n"
		"  --window N        targets probed at once (default 1000000): the memory held\n"
		"  -4, -6            scan IPv4 (default) or IPv6 prefixes\n"
		"  -O FORMAT         json (RIPE Atlas, default), warts, links (interface pairs)\n"
		"  -o FILE           output file (default stdout)\n"
		"  --resume FILE     checkpoint here; resume from it if it exists (-o and json|links)\n"
		"  --checkpoint-ms N how much sending one checkpoint covers (default 1000)\n"
		"  --source ADDR     source address (default: the kernel's for the first target)\n"
		"  --noprobe FILE    no-probe list; --forbid/--allow PREFIX  destination rules\n"
		"  --user NAME       started as root: measure as NAME once the sockets and files\n"
		"                    are open (default vantage, else nobody); no capability kept\n"
		"  --stats           totals at the end; --quiet  no progress line\n");
}

/* A bounded number option into *v. */
static bool num(const char *opt, const char *arg, long long lo, long long hi, long long *v,
		char *err, size_t errlen)
{
	return parse_option_num(opt, arg, lo, hi, v, err, errlen);
}

/* One policy option into the AUP (created on first use). */
static int policy_opt(int c, const char *arg, struct aup *a, bool *have, char *err,
		      size_t errlen)
{
	if (!*have) {
		if (aup_init(a, AUP_NODES, err, errlen) != 0)
			return -1;
		*have = true;
	}
	if (c == O_NOPROBE)
		return aup_load_noprobe(a, arg, err, errlen) < 0 ? -1 : 0;
	return c == O_FORBID ? aup_forbid_prefix(a, arg, err, errlen)
			     : aup_allow_prefix(a, arg, err, errlen);
}

/* Handle one option; 0, or -1 with err. */
static int one_opt(int c, const char *arg, struct scan_opts *o, struct aup *a, bool *have_aup,
		   char *err, size_t errlen)
{
	long long v;
	switch (c) {
	case '4': o->af = 4; return 0;
	case '6': o->af = 6; return 0;
	case 'o': o->out = arg; return 0;
	case 'O':
		if (strcmp(arg, "json") == 0) o->out_fmt = SCAN_OUT_JSON;
		else if (strcmp(arg, "warts") == 0) o->out_fmt = SCAN_OUT_WARTS;
		else if (strcmp(arg, "links") == 0) o->out_fmt = SCAN_OUT_LINKS;
		else {
			snprintf(err, errlen, "-O: unknown format '%s' (use json, warts or links)", arg);
			return -1;
		}
		return 0;
	case O_PREFIXES: o->prefixes = arg; return 0;
	case O_RESUME: o->resume = arg; return 0;
	case O_SOURCE: o->source = arg; return 0;
	case O_USER: o->user = arg; return 0;
	case O_STATS: o->stats = true; return 0;
	case O_QUIET: o->progress = false; return 0;
	case O_METHOD:
		if (scan_method_parse(arg) < 0) {
			snprintf(err, errlen, "--method: unknown method '%s' (use icmp-paris, "
				 "udp-paris or tcp-ack)", arg);
			return -1;
		}
		o->method = (enum scan_method)scan_method_parse(arg);
		return 0;
	case O_NOPROBE: case O_FORBID: case O_ALLOW:
		return policy_opt(c, arg, a, have_aup, err, errlen);
	}
	static const struct { int c; const char *name; long long lo, hi; } nums[] = {
		{ O_PPS, "--pps", 0, AUP_PPS_MAX }, { O_SEED, "--seed", 0, 0x7fffffffffffffffLL },
		{ O_MAX_TTL, "--max-ttl", 1, SCAN_TTL_MAX }, { O_WAIT, "--wait", 10, 60000 },
		{ O_GAP, "--gap", 1, SCAN_TTL_MAX }, { O_SPLIT, "--split", 1, SCAN_TTL_MAX },
		{ O_DIE_AFTER, "--die-after", 1, 0x7fffffffffffffffLL },
		{ O_CKPT_MS, "--checkpoint-ms", 1, 3600000 },
		{ O_WINDOW, "--window", 1, 100000000 },
		{ O_STOP_RUN, "--stop-run", 1, SCAN_TTL_MAX },
	};
	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		if (nums[i].c != c)
			continue;
		if (!num(nums[i].name, arg, nums[i].lo, nums[i].hi, &v, err, errlen))
			return -1;
		switch (c) {
		case O_PPS: o->pps = (uint32_t)v; break;
		case O_SEED: o->seed = (uint64_t)v; break;
		case O_MAX_TTL: o->max_ttl = (uint8_t)v; break;
		case O_WAIT: o->wait_ms = (uint32_t)v; break;
		case O_GAP: o->gap_limit = (uint8_t)v; break;
		case O_SPLIT: o->split_ttl = (uint8_t)v; break;
		case O_CKPT_MS: o->checkpoint_ms = (uint32_t)v; break;
		case O_WINDOW: o->window = (uint32_t)v; break;
		case O_STOP_RUN: o->stop_run = (uint8_t)v; break;
		default: o->stop_after = (uint64_t)v; break;
		}
		return 0;
	}
	snprintf(err, errlen, "unknown option");
	return -1;
}

/* Options that only make sense together. 0, or -1 with err. */
static int check_combination(const struct scan_opts *o, char *err, size_t errlen)
{
	if (o->resume && (o->out == NULL || o->out_fmt == SCAN_OUT_WARTS)) {
		snprintf(err, errlen, "--resume needs -o FILE and -O json or links (the output "
			 "is cut back to the checkpoint)");
		return -1;
	}
	if (o->split_ttl >= o->max_ttl && o->max_ttl > 1) {
		snprintf(err, errlen, "--split %u must be below --max-ttl %u", o->split_ttl,
			 o->max_ttl);
		return -1;
	}
	return 0;
}

int cmd_scan(int argc, char **argv)
{
	struct scan_opts o;
	struct aup a;
	bool have_aup = false;
	char err[512];
	int c, rc = 2;
	scan_opts_defaults(&o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "46o:O:h", longopts, NULL)) != -1) {
		if (c == 'h' || c == O_HELP) {
			help(stdout);
			rc = 0;
			goto out;
		}
		if (c == '?') {
			help(stderr);
			goto out;
		}
		if (one_opt(c, optarg, &o, &a, &have_aup, err, sizeof err) != 0) {
			fprintf(stderr, "%s: %s\n", o.prog, err);
			goto out;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s' (targets come from --prefixes)\n",
			o.prog, argv[optind]);
		goto out;
	}
	if (check_combination(&o, err, sizeof err) != 0) {
		fprintf(stderr, "%s: %s\n", o.prog, err);
		goto out;
	}
	o.aup = have_aup ? &a : NULL;
	rc = scan_run(&o);
out:
	if (have_aup)
		aup_free(&a);
	return rc;
}
