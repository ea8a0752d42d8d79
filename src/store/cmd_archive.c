/*
 * cmd_archive: `vantage archive --store URL --dir DIR --before YYYY-MM-DD`
 * (or `--keep-days N`: every day older than the last N whole days) writes
 * each stored day before the cutoff to DIR/results-YYYY-MM-DD.jsonl.zst and
 * drops it from the store, one line per day; `--list` shows the days held.
 * It runs beside the controllers: a result of an archived day that comes
 * later is stored in a new partition of the day and archived by a later run
 * into a file of its own.
 */
#include "store/cmd_archive.h"
#include "store/store.h"
#include "store/store_archive.h"
#include "util/numparse.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void usage(FILE *out)
{
	fprintf(out, "usage: vantage archive --store URL --dir DIR (--before YYYY-MM-DD | --keep-days N)\n"
		"       vantage archive --store URL --list\n"
		"  writes each stored day before the cutoff to DIR/results-YYYY-MM-DD.jsonl.zst\n"
		"  (RIPE Atlas results, one a line, zstd), then drops it from the store\n");
}

/* The Unix time of a UTC date's midnight into *t; 0 or -1. */
static int parse_day(const char *text, int64_t *t)
{
	struct tm tm = { 0 };
	const char *end = strptime(text, "%Y-%m-%d", &tm);
	if (!end || *end)
		return -1;
	*t = (int64_t)timegm(&tm);
	return 0;
}

/* List the days the store holds. */
static int list(const struct store_archive_ops *ar, struct store *st)
{
	char err[512];
	json_t *days;
	if (ar->days(st, &days, err, sizeof err) < 0) {
		fprintf(stderr, "vantage archive: %s\n", err);
		return 1;
	}
	size_t i;
	json_t *d;
	json_array_foreach(days, i, d)
		printf("%s\n", json_string_value(json_object_get(d, "day")));
	json_decref(days);
	return 0;
}

/* Archive every day before cutoff into dir; the exit status. */
static int archive(const struct store_archive_ops *ar, struct store *st, int64_t cutoff,
		   const char *dir)
{
	char err[512], path[4300];
	json_t *days;
	if (ar->days(st, &days, err, sizeof err) < 0) {
		fprintf(stderr, "vantage archive: %s\n", err);
		return 1;
	}
	int rc = 0;
	size_t i;
	json_t *d;
	json_array_foreach(days, i, d) {
		int64_t start = json_integer_value(json_object_get(d, "start")), n = 0;
		const char *day = json_string_value(json_object_get(d, "day"));
		if (start + 86400 > cutoff)
			continue;
		if (store_archive_day(st, start, dir, path, sizeof path, &n, err, sizeof err) < 0) {
			fprintf(stderr, "vantage archive: %s: %s (the day stays in the store)\n", day, err);
			rc = 1;
			break;
		}
		printf("%s: %lld results to %s, dropped from the store\n", day, (long long)n,
		       path[0] ? path : "(all archived before)");
	}
	json_decref(days);
	return rc;
}

/* See cmd_archive.h. */
int cmd_archive(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "store", 1, NULL, 's' }, { "dir", 1, NULL, 'd' }, { "before", 1, NULL, 'b' },
		{ "keep-days", 1, NULL, 'k' }, { "list", 0, NULL, 'l' }, { "help", 0, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *spec = NULL, *dir = NULL;
	int64_t cutoff = -1;
	long long keep;
	int ch, want_list = 0;
	char err[512];
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 's')
			spec = optarg;
		else if (ch == 'd')
			dir = optarg;
		else if (ch == 'b' && parse_day(optarg, &cutoff) < 0)
			return fprintf(stderr, "vantage archive: --before %s: not a date"
				       " (YYYY-MM-DD)\n", optarg), 2;
		else if (ch == 'k') {
			if (!parse_option_num("--keep-days", optarg, 0, 100000, &keep, err, sizeof err))
				return fprintf(stderr, "vantage archive: %s\n", err), 2;
			cutoff = ((int64_t)time(NULL) / 86400 - keep) * 86400;
		} else if (ch == 'l')
			want_list = 1;
		else if (ch == 'h')
			return usage(stdout), 0;
		else if (ch != 'b')
			return usage(stderr), 2;
	}
	if (!spec || optind != argc || (!want_list && (!dir || cutoff < 0)))
		return usage(stderr), 2;
	struct store *st = store_open(spec, err, sizeof err);
	if (!st)
		return fprintf(stderr, "vantage archive: %s\n", err), 1;
	const struct store_archive_ops *ar = st->ops->archive;
	int rc;
	if (!ar) {
		fprintf(stderr, "vantage archive: the %s store keeps no days to archive\n", st->ops->name);
		rc = 1;
	} else {
		rc = want_list ? list(ar, st) : archive(ar, st, cutoff, dir);
	}
	st->ops->close(st);
	return rc;
}
