/*
 * cli_team_export: `vantage results export --team NAME --cycle N -O
 * warts|json [-o DIR]`, a team cycle's data in Ark's layout: a folder per
 * cycle, DIR/NAME/cycle-NNNNNN/, holding one zstd-compressed file per
 * member, agent-ID.warts.zst (read by scamper's tools after `zstd -d`) or
 * agent-ID.json.zst (RIPE Atlas results, one a line, tagged with team,
 * cycle and chunk). The results come from the controller's admin socket
 * a page at a time, in member order, and each file is encoded and
 * compressed as they come: memory stays flat whatever the cycle's size.
 */
#include "controller/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "format/result_sink.h"
#include "util/numparse.h"
#include "util/zstd_file.h"

/* What the command was asked for. */
struct export_args {
	const char *team, *admin, *dir;
	long long cycle;
	int warts;
};

/* Parse the options; 0, or -1 after printing what is wrong. */
static int parse_args(struct export_args *x, int argc, char **argv)
{
	static const struct option o[] = {
		{ "team", 1, NULL, 't' }, { "cycle", 1, NULL, 'c' }, { "format", 1, NULL, 'O' },
		{ "output", 1, NULL, 'o' }, { "admin", 1, NULL, 'A' }, { NULL, 0, NULL, 0 } };
	char err[160];
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "O:o:", o, NULL)) != -1) {
		if (ch == 't')
			x->team = optarg;
		else if (ch == 'c' && !parse_option_num("--cycle", optarg, 1, 1LL << 40, &x->cycle,
							err, sizeof err)) {
			fprintf(stderr, "vantage results: %s\n", err);
			return -1;
		} else if (ch == 'O' && (strcmp(optarg, "warts") == 0 || strcmp(optarg, "json") == 0))
			x->warts = optarg[0] == 'w';
		else if (ch == 'o')
			x->dir = optarg;
		else if (ch == 'A')
			x->admin = optarg;
		else if (ch != 'c')
			return -1;
	}
	return x->team && x->cycle > 0 && optind == argc ? 0 : -1;
}

/* Results asked for in one page (the controller gives at most 2,000). */
#define EXPORT_PAGE 1000

/* The member file being written: results come in agent order, one file after another. */
struct member_file {
	FILE *f;                  /* compressing (util/zstd_file.h) */
	struct result_sink *sink; /* warts: the encoder over f */
	int64_t agent;
	size_t n;
	char path[4096];
};

/* mkdir that accepts an existing folder; 0 or -1 (printed). */
static int make_dir(const char *path)
{
	if (mkdir(path, 0755) == 0 || errno == EEXIST)
		return 0;
	fprintf(stderr, "vantage results: %s: %s\n", path, strerror(errno));
	return -1;
}

/* Finish the member's file (if one is open); 0 or -1 (printed). */
static int member_close(struct member_file *m)
{
	char err[256] = "";
	int rc = 0;
	if (!m->f)
		return 0;
	if (m->sink && result_sink_close(m->sink, err, sizeof err) < 0)
		rc = -1;
	if (fclose(m->f) != 0)
		rc = -1;
	if (rc < 0)
		fprintf(stderr, "vantage results: %s: %s\n", m->path, err[0] ? err : "cannot write");
	else
		printf("%s: %zu results\n", m->path, m->n);
	m->f = NULL;
	m->sink = NULL;
	return rc;
}

/* Start the file of agent under dir; 0 or -1 (printed). */
static int member_open(struct member_file *m, const struct export_args *x, const char *dir,
		       int64_t agent)
{
	char err[256] = "";
	struct result_sink_info info = { .list_name = "vantage-team" };
	int n = snprintf(m->path, sizeof m->path, "%s/agent-%lld.%s.zst", dir, (long long)agent,
			 x->warts ? "warts" : "json");
	m->agent = agent;
	m->n = 0;
	m->f = n > 0 && (size_t)n < sizeof m->path ? zstd_file_open(m->path, 3, err, sizeof err)
						   : NULL;
	if (m->f && x->warts)
		m->sink = result_sink_open(RESULT_FORMAT_WARTS, m->f, &info, err, sizeof err);
	if (m->f && (!x->warts || m->sink))
		return 0;
	if (m->f)
		fclose(m->f);
	m->f = NULL;
	fprintf(stderr, "vantage results: %s\n", err[0] ? err : "path too long");
	return -1;
}

/* Write one result to its member's file (opening it when the agent changes); 0 or -1. */
static int member_write(struct member_file *m, const struct export_args *x, const char *dir,
			const json_t *o)
{
	char err[256] = "";
	int64_t agent = json_integer_value(json_object_get(o, "vantage_agent"));
	if ((!m->f || agent != m->agent) &&
	    (member_close(m) < 0 || member_open(m, x, dir, agent) < 0))
		return -1;
	m->n++;
	if (x->warts ? cli_warts_one(m->sink, o, err, sizeof err) == 0 :
	    json_dumpf(o, m->f, JSON_COMPACT) == 0 && fputc('\n', m->f) != EOF)
		return 0;
	fprintf(stderr, "vantage results: %s: %s\n", m->path, err[0] ? err : "cannot write");
	return -1;
}

/*
 * Write the cycle's results to one file per member under dir, page by page
 * from the admin socket (team.results, team_export_ctl.c): neither the
 * controller nor this command holds more than a page. Returns an exit status.
 */
static int write_members(const struct export_args *x, const char *admin, json_int_t msm,
			 const char *dir)
{
	struct member_file m = { 0 };
	json_t *after = NULL;
	char err[512];
	size_t files = 0;
	int rc = 0;
	do {
		json_t *req = json_pack("{s:s,s:I,s:I,s:i}", "cmd", "team.results", "msm_id", msm,
					"cycle", (json_int_t)x->cycle, "limit", EXPORT_PAGE), *page = NULL;
		if (after)
			json_object_set_new(req, "after", after);
		rc = cli_request(admin, req, &page, err, sizeof err);
		json_decref(req);
		if (rc < 0)
			fprintf(stderr, "vantage results: %s\n", err);
		size_t i;
		const json_t *o;
		json_array_foreach(json_object_get(page, "results"), i, o) {
			int64_t agent = json_integer_value(json_object_get(o, "vantage_agent"));
			files += !m.f || agent != m.agent;
			if (rc == 0 && member_write(&m, x, dir, o) < 0)
				rc = -1;
		}
		after = json_is_object(json_object_get(page, "next")) ?
			json_incref(json_object_get(page, "next")) : NULL;
		json_decref(page);
	} while (rc == 0 && after);
	json_decref(after);
	if (member_close(&m) < 0)
		rc = -1;
	if (rc == 0 && files == 0)
		fprintf(stderr, "vantage results: team %s has no result of cycle %lld\n", x->team,
			x->cycle);
	return rc < 0;
}

/* See cli.h. */
int cli_team_export(int argc, char **argv)
{
	struct export_args x = { .dir = "." };
	if (parse_args(&x, argc, argv) < 0) {
		fprintf(stderr, "usage: vantage results export --team NAME --cycle N"
			" [-O warts|json] [-o DIR] [--admin PATH]\n");
		return 2;
	}
	json_t *st = NULL;
	char err[512], dir[4096];
	const char *admin = cli_admin_path(x.admin);
	json_t *req = json_pack("{s:s,s:s}", "cmd", "team.status", "name", x.team);
	int rc = cli_request(admin, req, &st, err, sizeof err);
	json_decref(req);
	json_int_t msm = json_integer_value(json_object_get(json_object_get(st, "team"), "msm_id"));
	json_decref(st);
	if (rc < 0) {
		fprintf(stderr, "vantage results: %s\n", err);
		return 1;
	}
	int n = snprintf(dir, sizeof dir, "%s/%s", x.dir, x.team);
	rc = n < 0 || (size_t)n >= sizeof dir || make_dir(x.dir) < 0 || make_dir(dir) < 0;
	n = snprintf(dir, sizeof dir, "%s/%s/cycle-%06lld", x.dir, x.team, x.cycle);
	return rc || n < 0 || (size_t)n >= sizeof dir || make_dir(dir) < 0 ? 1 :
	       write_members(&x, admin, msm, dir);
}
