/*
 * archive_file: one day of results to a compressed file (store_archive.h).
 * Each line is a stored result (RIPE Atlas JSON) with vantage_agent,
 * vantage_epoch and vantage_seq added, so the file says which result it
 * is; lines are zstd-compressed as one stream. Exactly once: the keys of
 * the day's archive files already written are read first and skipped, a
 * new file is linked under the first free name only after it was fsync'd
 * and read back whole, and the store drops the day only after that.
 */
#include "store/store_archive.h"
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

/* One result's name. */
struct akey {
	int64_t agent, epoch, seq;
};

/* The keys of the day already archived, sorted. */
struct akeys {
	struct akey *k;
	size_t n, cap;
};

/* What archiving one day needs while the store hands it rows. */
struct archive {
	struct akeys have;
	const char *dir;
	char day[16];           /* YYYY-MM-DD */
	char tmp[4200], path[4200];
	int fd;
	ZSTD_CCtx *z;
	void *out;
	size_t outlen;
	int64_t written, skipped;
	int failed;
	char why[4400];
};

/* Compare two keys. */
static int akey_cmp(const void *a, const void *b)
{
	const struct akey *x = a, *y = b;
	if (x->agent != y->agent)
		return (x->agent > y->agent) - (x->agent < y->agent);
	if (x->epoch != y->epoch)
		return (x->epoch > y->epoch) - (x->epoch < y->epoch);
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Call fn with each line of the zstd file path; returns lines read or -1 with err. */
static int64_t each_line(const char *path, int (*fn)(void *arg, const char *line, size_t len),
			 void *arg, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	ZSTD_DCtx *d = ZSTD_createDCtx();
	size_t inlen = ZSTD_DStreamInSize(), cap = 1 << 16, have = 0;
	char *in = malloc(inlen), *line = malloc(cap), out[1 << 16];
	int64_t lines = 0;
	int bad = !f || !d || !in || !line;
	size_t got = 0, last = 1;
	while (!bad && (got = fread(in, 1, inlen, f)) > 0) {
		ZSTD_inBuffer ib = { in, got, 0 };
		while (!bad && ib.pos < ib.size) {
			ZSTD_outBuffer ob = { out, sizeof out, 0 };
			last = ZSTD_decompressStream(d, &ob, &ib);
			bad = ZSTD_isError(last);
			for (size_t i = 0; !bad && i < ob.pos; i++) {
				if (out[i] != '\n') {
					char *grown = have + 1 >= cap ? realloc(line, cap *= 2) : line;
					bad = !grown;
					if (grown)
						(line = grown)[have++] = out[i];
					continue;
				}
				line[have] = '\0';
				bad = fn && fn(arg, line, have) != 0;
				lines++;
				have = 0;
			}
		}
	}
	bad = bad || (f && ferror(f)) || last != 0 || have != 0;
	if (bad)
		snprintf(err, errlen, "%s: %s", path, !f ? strerror(errno) :
			 "not a whole archive (truncated or corrupt)");
	if (f)
		fclose(f);
	ZSTD_freeDCtx(d);
	free(in);
	free(line);
	return bad ? -1 : lines;
}

/* Keep the key of one archived line. */
static int keep_key(void *arg, const char *line, size_t len)
{
	struct akeys *ks = arg;
	json_t *o = json_loadb(line, len, 0, NULL);
	struct akey k = { json_integer_value(json_object_get(o, "vantage_agent")),
			  json_integer_value(json_object_get(o, "vantage_epoch")),
			  json_integer_value(json_object_get(o, "vantage_seq")) };
	json_decref(o);
	if (!o)
		return -1;
	if (ks->n == ks->cap) {
		size_t cap = ks->cap ? ks->cap * 2 : 1024;
		struct akey *g = realloc(ks->k, cap * sizeof *g);
		if (!g)
			return -1;
		ks->k = g;
		ks->cap = cap;
	}
	ks->k[ks->n++] = k;
	return 0;
}

/* The day's k-th archive name (k from 1) into out. */
static void archive_name(const struct archive *a, int k, char *out, size_t len)
{
	if (k == 1)
		snprintf(out, len, "%s/results-%s.jsonl.zst", a->dir, a->day);
	else
		snprintf(out, len, "%s/results-%s.%d.jsonl.zst", a->dir, a->day, k);
}

/* Read the keys of the day's archives; a->path gets the first free name. 0 or -1. */
static int load_archived(struct archive *a, char *err, size_t errlen)
{
	for (int k = 1; k < 10000; k++) {
		archive_name(a, k, a->path, sizeof a->path);
		if (access(a->path, F_OK) != 0) {
			if (a->have.n)
				qsort(a->have.k, a->have.n, sizeof *a->have.k, akey_cmp);
			return 0;
		}
		if (each_line(a->path, keep_key, &a->have, err, errlen) < 0)
			return -1;
	}
	snprintf(err, errlen, "%s: too many archives of %s", a->dir, a->day);
	return -1;
}

/* Compress len bytes of data (or, with end, finish the stream) to the file; 0 or -1. */
static int put(struct archive *a, const char *data, size_t len, int end)
{
	ZSTD_inBuffer ib = { data, len, 0 };
	size_t left;
	do {
		ZSTD_outBuffer ob = { a->out, a->outlen, 0 };
		left = ZSTD_compressStream2(a->z, &ob, &ib, end ? ZSTD_e_end : ZSTD_e_continue);
		if (ZSTD_isError(left) || write(a->fd, a->out, ob.pos) != (ssize_t)ob.pos) {
			snprintf(a->why, sizeof a->why, "%s: %s", a->tmp, ZSTD_isError(left) ?
				 ZSTD_getErrorName(left) : strerror(errno));
			return -1;
		}
	} while (end ? left != 0 : ib.pos < ib.size);
	return 0;
}

/* Store row callback: write the result as one line unless already archived. */
static int write_row(void *arg, json_t *row)
{
	struct archive *a = arg;
	struct akey k = { json_integer_value(json_object_get(row, "agent")),
			  json_integer_value(json_object_get(row, "epoch")),
			  json_integer_value(json_object_get(row, "seq")) };
	if (a->have.n && bsearch(&k, a->have.k, a->have.n, sizeof k, akey_cmp)) {
		a->skipped++;
		return 0;
	}
	const char *text = json_string_value(json_object_get(row, "body"));
	json_t *o = json_loads(text ? text : "", 0, NULL);
	if (!json_is_object(o)) {   /* kept as it was stored, under a name of its own */
		json_decref(o);
		o = json_pack("{s:s}", "vantage_raw", text ? text : "");
	}
	json_object_set_new(o, "vantage_agent", json_integer(k.agent));
	json_object_set_new(o, "vantage_epoch", json_integer(k.epoch));
	json_object_set_new(o, "vantage_seq", json_integer(k.seq));
	char *line = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	a->failed = !line || put(a, line, strlen(line), 0) < 0 || put(a, "\n", 1, 0) < 0;
	if (!line)
		snprintf(a->why, sizeof a->why, "out of memory");
	free(line);
	a->written += !a->failed;
	return a->failed;
}

/* fsync the folder dir; 0 or -1. */
static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	int rc = fd >= 0 ? fsync(fd) : -1;
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Called by the store before it drops the day: make the file whole and durable. */
static int finish(void *arg, char *err, size_t errlen)
{
	struct archive *a = arg;
	if (a->written == 0) {
		a->path[0] = '\0';
		return 0;
	}
	int64_t lines;
	if (put(a, NULL, 0, 1) < 0 || fsync(a->fd) < 0 || close(a->fd) < 0) {
		a->fd = -1;
		snprintf(err, errlen, "%s: %s", a->tmp, a->why[0] ? a->why : strerror(errno));
		return -1;
	}
	a->fd = -1;
	if ((lines = each_line(a->tmp, NULL, NULL, err, errlen)) < 0)
		return -1;
	if (lines != a->written) {
		snprintf(err, errlen, "%s: read back %lld lines, wrote %lld", a->tmp,
			 (long long)lines, (long long)a->written);
		return -1;
	}
	if (link(a->tmp, a->path) < 0 || sync_dir(a->dir) < 0) {
		snprintf(err, errlen, "%s: %s", a->path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Open the temporary file and the compressor; 0 or -1. */
static int open_tmp(struct archive *a, char *err, size_t errlen)
{
	snprintf(a->tmp, sizeof a->tmp, "%s/.results-%s.tmp", a->dir, a->day);
	a->fd = open(a->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	a->z = ZSTD_createCCtx();
	a->outlen = ZSTD_CStreamOutSize();
	a->out = malloc(a->outlen);
	if (a->fd < 0 || !a->z || !a->out) {
		snprintf(err, errlen, "%s: %s", a->tmp, a->fd < 0 ? strerror(errno) : "out of memory");
		return -1;
	}
	ZSTD_CCtx_setParameter(a->z, ZSTD_c_compressionLevel, 9);
	return 0;
}

/* See store_archive.h. */
int store_archive_day(struct store *st, int64_t start, const char *dir, char *path, size_t len,
		      int64_t *n, char *err, size_t errlen)
{
	const struct store_archive_ops *ar = st->ops->archive;
	if (!ar) {
		snprintf(err, errlen, "the %s store keeps no days to archive", st->ops->name);
		return -1;
	}
	struct archive a = { .dir = dir, .fd = -1 };
	time_t t = (time_t)start;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(a.day, sizeof a.day, "%Y-%m-%d", &tm);
	int rc = load_archived(&a, err, errlen) < 0 || open_tmp(&a, err, errlen) < 0 ||
		 ar->day_take(st, start, write_row, finish, &a, err, errlen) < 0 ? -1 : 0;
	if (rc < 0 && a.failed && a.why[0])
		snprintf(err, errlen, "%s", a.why);
	if (a.fd >= 0)
		close(a.fd);
	if (a.tmp[0])
		unlink(a.tmp);
	snprintf(path, len, "%s", rc == 0 ? a.path : "");
	*n = a.written;
	ZSTD_freeCCtx(a.z);
	free(a.out);
	free(a.have.k);
	return rc;
}
