/*
 * cmd_compare: `vantage compare`, do two vantage points measure alike?
 * Reads RIPE Atlas results (two files, or one file and two probe ids), runs
 * the comparison, prints the report, optionally writes JSON and an SVG plot.
 */
#include "analysis/cmd_compare.h"
#include "analysis/atlas_read.h"
#include "analysis/compare_fetch.h"
#include "analysis/compare_out.h"
#include "util/numparse.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum { EXIT_SAME = 0, EXIT_DIFFERS = 1, EXIT_TOO_FEW = 2, EXIT_BAD = 3 };

/* Parsed command line. */
struct compare_args {
	const char *file_a, *file_b, *probe_a, *probe_b, *json, *plot;
	const char *admin;                /* the controller's admin socket, if given */
	long long agent_a, agent_b;       /* > 0: sides are agents of the controller */
	long long msm;                    /* with agents: one measurement (0: all) */
	long long since, until;           /* results outside are ignored */
	struct compare_params p;
};

/* Print the help text. */
static void usage(FILE *o)
{
	fprintf(o,
		"usage: vantage compare A.json B.json [options]\n"
		"       vantage compare RESULTS.json --probe-a ID --probe-b ID [options]\n"
		"       vantage compare AGENT_A AGENT_B [--msm ID] [--admin PATH] [options]\n"
		"\n"
		"Compares what two vantage points measured towards the same targets at the\n"
		"same times (RIPE Atlas ping/traceroute results: one JSON object per line,\n"
		"or a JSON array). Results are paired by target and round (nearest in time\n"
		"within the window); the report gives per-round RTT differences B-A, their\n"
		"distribution, Wilcoxon, Mann-Whitney and Kolmogorov-Smirnov tests, each\n"
		"side's RTT quantization, loss and path differences, and a verdict.\n"
		"\n"
		"  --probe-a ID, --probe-b ID  take side A / B from this probe (prb_id or from)\n"
		"  AGENT_A AGENT_B             agent ids: their results stored by the controller,\n"
		"                              read through its admin socket (--admin PATH, else\n"
		"                              $VANTAGE_ADMIN); --msm ID keeps one measurement\n"
		"  --since T, --until T        only results with T <= timestamp (< T for\n"
		"                              --until), T in seconds since the epoch\n"
		"  --window SECONDS            results further apart are different rounds (300)\n"
		"  --min-effect-us N           smaller median shifts are not reported (100)\n"
		"  --json FILE                 write the figures as JSON\n"
		"  --plot FILE.svg             write CDFs of RTTs and differences as SVG\n"
		"\n"
		"exit status: 0 no measurable difference, 1 a difference found,\n"
		"             2 too few paired rounds, 3 bad option or input\n");
}

/* Handle one option; 0, or -1 after printing the problem. */
static int one_option(int c, struct compare_args *a)
{
	char err[200];
	long long v;
	switch (c) {
	case 'a': a->probe_a = optarg; return 0;
	case 'b': a->probe_b = optarg; return 0;
	case 'j': a->json = optarg; return 0;
	case 'A': a->admin = optarg; return 0;
	case 'm':
		if (!parse_option_num("--msm", optarg, 1, INT64_MAX, &a->msm, err, sizeof err))
			break;
		return 0;
	case 'p': a->plot = optarg; return 0;
	case 'w':
		if (!parse_option_num("--window", optarg, 1, 86400 * 30, &v, err, sizeof err))
			break;
		a->p.window_s = v;
		return 0;
	case 'e':
		if (!parse_option_num("--min-effect-us", optarg, 0, 10000000, &v, err, sizeof err))
			break;
		a->p.min_effect_ms = (double)v / 1000.0;
		return 0;
	case 's':
		if (!parse_option_num("--since", optarg, 0, INT64_MAX, &a->since, err, sizeof err))
			break;
		return 0;
	case 'u':
		if (!parse_option_num("--until", optarg, 0, INT64_MAX, &a->until, err, sizeof err))
			break;
		return 0;
	default:
		usage(stderr);
		return -1;
	}
	fprintf(stderr, "compare: %s\n", err);
	return -1;
}

/*
 * Two agent ids instead of two files (neither names a file, or --admin was
 * given) make the sides agents of the controller. Returns 0, or -1 after
 * printing why --admin was given with something other than two ids.
 */
static int agent_ids(struct compare_args *a)
{
	long long x, y;
	char err[160];
	int ids = parse_bounded(a->file_a, 1, INT64_MAX, &x, err, sizeof err) &&
		  parse_bounded(a->file_b, 1, INT64_MAX, &y, err, sizeof err);
	int files = access(a->file_a, F_OK) == 0 || access(a->file_b, F_OK) == 0;
	if (ids && (a->admin || !files)) {
		a->agent_a = x;
		a->agent_b = y;
		return 0;
	}
	if (a->admin || a->msm) {
		fprintf(stderr, "compare: with --admin or --msm give two agent ids, not '%s' '%s'\n",
			a->file_a, a->file_b);
		return -1;
	}
	return 0;
}

/* Parse argv; -1 on error (printed), 1 for --help, else 0. */
static int parse_args(int argc, char **argv, struct compare_args *a)
{
	static const struct option opts[] = {
		{ "probe-a", required_argument, NULL, 'a' },
		{ "probe-b", required_argument, NULL, 'b' },
		{ "window", required_argument, NULL, 'w' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "min-effect-us", required_argument, NULL, 'e' },
		{ "json", required_argument, NULL, 'j' },
		{ "plot", required_argument, NULL, 'p' },
		{ "admin", required_argument, NULL, 'A' },
		{ "msm", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	memset(a, 0, sizeof *a);
	a->until = INT64_MAX;
	compare_params_default(&a->p);
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 1;
		}
		if (one_option(c, a) < 0)
			return -1;
	}
	int nfiles = argc - optind;
	if (nfiles < 1 || nfiles > 2 || (nfiles == 1 && (!a->probe_a || !a->probe_b))) {
		fprintf(stderr, "compare: give two result files, or one file with "
			"--probe-a ID and --probe-b ID (see --help)\n");
		return -1;
	}
	a->file_a = argv[optind];
	a->file_b = nfiles == 2 ? argv[optind + 1] : argv[optind];
	if (nfiles == 2 && agent_ids(a) < 0)
		return -1;
	return 0;
}

/* Name of a side: the file's base name, and the probe when one was chosen. */
static void side_name(char *out, size_t size, const char *file, const char *probe)
{
	const char *slash = strrchr(file, '/');
	if (slash && slash[1])
		file = slash + 1;
	if (probe)
		snprintf(out, size, "%.36s (probe %.16s)", file, probe);
	else
		snprintf(out, size, "%.60s", file);
}

/* Write the JSON figures to path; 0 or -1 (printed). */
static int write_json(const struct compare_report *r, const char *path)
{
	json_t *j = compare_report_json(r);
	int rc = j ? json_dump_file(j, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : -1;
	json_decref(j);
	if (rc < 0)
		fprintf(stderr, "compare: %s: cannot write the JSON figures\n", path);
	return rc;
}

/* Write the SVG plot to path; 0 or -1 (printed). */
static int write_plot(const struct compare_report *r, const char *path)
{
	FILE *f = fopen(path, "w");
	int rc = f ? compare_write_svg(r, f) : -1;
	if (f && fclose(f) != 0)
		rc = -1;
	if (rc < 0)
		fprintf(stderr, "compare: %s: cannot write the plot: %s\n", path, strerror(errno));
	return rc;
}

/* Load both sides; 0 or -1 (printed). */
static int load(const struct compare_args *a, struct rec_set *sa, struct rec_set *sb)
{
	char err[512];
	if (a->agent_a) {
		if (compare_fetch_agent(a->admin, a->agent_a, a->msm, a->since, sa, err,
					sizeof err) < 0 ||
		    compare_fetch_agent(a->admin, a->agent_b, a->msm, a->since, sb, err,
					sizeof err) < 0) {
			fprintf(stderr, "compare: %s\n", err);
			return -1;
		}
	} else if (atlas_read_file(a->file_a, a->probe_a, sa, err, sizeof err) < 0 ||
		   atlas_read_file(a->file_b, a->probe_b, sb, err, sizeof err) < 0) {
		fprintf(stderr, "compare: %s\n", err);
		return -1;
	}
	rec_set_keep_between(sa, a->since, a->until);
	rec_set_keep_between(sb, a->since, a->until);
	return 0;
}

/* The subcommand. */
int cmd_compare(int argc, char **argv)
{
	struct compare_args a;
	int rc = parse_args(argc, argv, &a);
	if (rc != 0)
		return rc > 0 ? 0 : EXIT_BAD;
	struct rec_set sa = { 0 }, sb = { 0 };
	struct compare_report r;
	char na[64], nb[64];
	if (a.agent_a) {
		snprintf(na, sizeof na, "agent %lld", a.agent_a);
		snprintf(nb, sizeof nb, "agent %lld", a.agent_b);
	} else {
		side_name(na, sizeof na, a.file_a, a.probe_a);
		side_name(nb, sizeof nb, a.file_b, a.probe_b);
	}
	if (load(&a, &sa, &sb) < 0) {
		rec_set_free(&sa);
		rec_set_free(&sb);
		return EXIT_BAD;
	}
	if (compare_run(&sa, &sb, na, nb, &a.p, &r) < 0) {
		fprintf(stderr, "compare: out of memory\n");
		rc = EXIT_BAD;
	} else {
		compare_print_text(&r, stdout);
		rc = !r.enough ? EXIT_TOO_FEW : r.differs ? EXIT_DIFFERS : EXIT_SAME;
		if ((a.json && write_json(&r, a.json) < 0) || (a.plot && write_plot(&r, a.plot) < 0))
			rc = EXIT_BAD;
	}
	compare_report_free(&r);
	rec_set_free(&sa);
	rec_set_free(&sb);
	return rc;
}
