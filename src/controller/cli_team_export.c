/*
 * cli_team_export: `vantage results export --team NAME --cycle N -O
 * warts|json [-o DIR]`, a team cycle's data in Ark's layout: a folder per
 * cycle, DIR/NAME/cycle-NNNNNN/, holding one zstd-compressed file per
 * member, agent-ID.warts.zst (read by scamper's tools after `zstd -d`) or
 * agent-ID.json.zst (RIPE Atlas results, one a line, tagged with team,
 * cycle and chunk). The results come from the controller's admin socket
 * like every export; each file is encoded in memory and compressed whole.
 */
#include "controller/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zstd.h>

#include "format/result_sink.h"
#include "util/numparse.h"

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

/* Encode the results of one member (JSON lines or warts) into a new buffer; NULL on error. */
static char *encode(const json_t *results, int warts, size_t *len)
{
	char *buf = NULL, err[256] = "";
	FILE *f = open_memstream(&buf, len);
	struct result_sink_info info = { .list_name = "vantage-team" };
	struct result_sink *s = f && warts ? result_sink_open(RESULT_FORMAT_WARTS, f, &info, err,
							      sizeof err) : NULL;
	size_t i;
	const json_t *o;
	int rc = f && (!warts || s) ? 0 : -1;
	json_array_foreach(results, i, o) {
		if (rc == 0 && warts)
			rc = cli_warts_one(s, o, err, sizeof err);
		else if (rc == 0 && (json_dumpf(o, f, JSON_COMPACT) < 0 || fputc('\n', f) == EOF))
			rc = -1;
	}
	if (s && result_sink_close(s, err, sizeof err) < 0)
		rc = -1;
	if (f && fclose(f) != 0)
		rc = -1;
	if (rc < 0) {
		fprintf(stderr, "vantage results: %s\n", err[0] ? err : "cannot encode");
		free(buf);
		return NULL;
	}
	return buf;
}

/* Compress text[0..len) into path; 0 or -1 (printed). */
static int write_zst(const char *path, const char *text, size_t len)
{
	size_t cap = ZSTD_compressBound(len);
	void *z = malloc(cap ? cap : 1);
	size_t n = z ? ZSTD_compress(z, cap, text, len, 3) : 0;
	FILE *f = z && !ZSTD_isError(n) ? fopen(path, "wb") : NULL;
	int rc = f && fwrite(z, 1, n, f) == n ? 0 : -1;
	if (f && fclose(f) != 0)
		rc = -1;
	free(z);
	if (rc < 0)
		fprintf(stderr, "vantage results: %s: cannot write\n", path);
	return rc;
}

/* mkdir that accepts an existing folder; 0 or -1 (printed). */
static int make_dir(const char *path)
{
	if (mkdir(path, 0755) == 0 || errno == EEXIST)
		return 0;
	fprintf(stderr, "vantage results: %s: %s\n", path, strerror(errno));
	return -1;
}

/* Write each member's results of the cycle to its file under dir. Returns an exit status. */
static int write_members(const struct export_args *x, const json_t *all, const char *dir)
{
	json_t *by = json_object();   /* agent id → its results of the cycle */
	size_t i;
	const json_t *o;
	json_array_foreach(all, i, o) {
		if (json_integer_value(json_object_get(o, "cycle")) != x->cycle)
			continue;
		char id[32];
		snprintf(id, sizeof id, "%lld",
			 (long long)json_integer_value(json_object_get(o, "vantage_agent")));
		if (!json_object_get(by, id))
			json_object_set_new(by, id, json_array());
		json_array_append(json_object_get(by, id), (json_t *)o);
	}
	const char *id;
	json_t *list;
	int rc = 0;
	json_object_foreach(by, id, list) {
		char path[4096];
		size_t len = 0;
		int n = snprintf(path, sizeof path, "%s/agent-%s.%s.zst", dir, id,
				 x->warts ? "warts" : "json");
		char *text = n > 0 && (size_t)n < sizeof path ? encode(list, x->warts, &len) : NULL;
		if (!text || write_zst(path, text, len) < 0)
			rc = 1;
		else
			printf("%s: %zu results\n", path, json_array_size(list));
		free(text);
	}
	if (json_object_size(by) == 0)
		fprintf(stderr, "vantage results: team %s has no result of cycle %lld\n", x->team,
			x->cycle);
	json_decref(by);
	return rc;
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
	json_t *st = NULL, *all = NULL;
	char err[512], dir[4096];
	const char *admin = cli_admin_path(x.admin);
	json_t *req = json_pack("{s:s,s:s}", "cmd", "team.status", "name", x.team);
	int rc = cli_request(admin, req, &st, err, sizeof err);
	json_decref(req);
	json_int_t msm = json_integer_value(json_object_get(json_object_get(st, "team"), "msm_id"));
	if (rc == 0) {
		req = json_pack("{s:s,s:I}", "cmd", "results.export", "msm_id", msm);
		rc = cli_request(admin, req, &all, err, sizeof err);
		json_decref(req);
	}
	json_decref(st);
	if (rc < 0) {
		fprintf(stderr, "vantage results: %s\n", err);
		return 1;
	}
	int n = snprintf(dir, sizeof dir, "%s/%s", x.dir, x.team);
	rc = n < 0 || (size_t)n >= sizeof dir || make_dir(x.dir) < 0 || make_dir(dir) < 0;
	n = snprintf(dir, sizeof dir, "%s/%s/cycle-%06lld", x.dir, x.team, x.cycle);
	rc = rc || n < 0 || (size_t)n >= sizeof dir || make_dir(dir) < 0 ? 1 :
	     write_members(&x, all, dir);
	json_decref(all);
	return rc;
}
