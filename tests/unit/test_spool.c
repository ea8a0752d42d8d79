/*
 * Tests of the agent's durable spool: order and sequence numbers survive a
 * reopen; acks retire segments; the size limit refuses instead of dropping;
 * a file cut or corrupted at every byte offset reopens with exactly the
 * records before the damage; failed writes and fsyncs (injected) leave no
 * trace of the record.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/spool.h"
#include "proto/msg.h"

/* Injected faults: the write or fsync call number fail_at (1-based) fails. */
struct faults {
	int writes, fsyncs;
	int fail_write_at, fail_fsync_at;
	int short_write;      /* the failing write first writes half */
	int fail_tmp_writes;  /* every write to a file named *.tmp fails (a full disk) */
	int tmp_fd;           /* the last *.tmp file opened (f_open), or -1 */
};

static ssize_t f_write(int fd, const void *buf, size_t len, void *arg)
{
	struct faults *f = arg;
	if (++f->writes == f->fail_write_at || (f->fail_tmp_writes && fd == f->tmp_fd)) {
		if (f->short_write && len > 1)
			(void)!write(fd, buf, len / 2);
		errno = ENOSPC;
		return -1;
	}
	return write(fd, buf, len);
}

static int f_fsync(int fd, void *arg)
{
	struct faults *f = arg;
	if (++f->fsyncs == f->fail_fsync_at) {
		errno = EIO;
		return -1;
	}
	return fsync(fd);
}

static int f_open(const char *p, int fl, mode_t m, void *arg)
{
	struct faults *f = arg;
	size_t n = strlen(p);
	int fd = open(p, fl, m);
	if (n > 4 && strcmp(p + n - 4, ".tmp") == 0)
		f->tmp_fd = fd;
	return fd;
}

static int f_ftruncate(int fd, off_t len, void *arg)
{
	(void)arg;
	return ftruncate(fd, len);
}

static int f_unlink(const char *p, void *arg)
{
	(void)arg;
	return unlink(p);
}

/* Make a fresh temporary directory path (the spool creates it). */
static void tmpdir(char *out, size_t len)
{
	char base[] = "/tmp/vpl-spool-XXXXXX";
	assert_non_null(mkdtemp(base));
	snprintf(out, len, "%s/spool", base);
}

/* Remove dir/spool's files, dir/spool and dir. */
static void rmtree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[4096];
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
	snprintf(p, sizeof p, "%s", dir);
	*strrchr(p, '/') = 0;
	rmdir(p);
}

/* Count the segment files in dir. */
static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	while ((e = readdir(d)))
		n += strstr(e->d_name, ".seg") != NULL;
	closedir(d);
	return n;
}

static struct spool *open_sp(const char *dir, uint64_t max, uint64_t seg,
			     const struct spool_sys *sys, struct spool_recovery *rec)
{
	struct spool_opts o = { .max_bytes = max, .segment_bytes = seg, .sys = sys };
	char err[512] = "";
	struct spool *sp = spool_open(dir, &o, rec, err, sizeof err);
	if (!sp)
		fail_msg("spool_open: %s", err);
	return sp;
}

/* Append "rec-<i>" records for i in [from, to); asserts seq == i. */
static void append_range(struct spool *sp, int from, int to)
{
	for (int i = from; i < to; i++) {
		char text[32], err[256];
		uint64_t seq = 0;
		int n = snprintf(text, sizeof text, "rec-%d", i);
		assert_int_equal(spool_append(sp, text, (size_t)n, &seq, err, sizeof err), SPOOL_OK);
		assert_int_equal(seq, (uint64_t)i);
	}
}

/* Read everything from the cursor; asserts the records are from..to-1 in order. */
static void expect_range(struct spool *sp, int from, int to)
{
	const void *data;
	size_t len;
	uint64_t seq;
	char err[256], want[32];
	for (int i = from; i < to; i++) {
		assert_int_equal(spool_read_next(sp, &data, &len, &seq, err, sizeof err), 1);
		assert_int_equal(seq, (uint64_t)i);
		int n = snprintf(want, sizeof want, "rec-%d", i);
		assert_int_equal(len, (size_t)n);
		assert_memory_equal(data, want, len);
	}
	assert_int_equal(spool_read_next(sp, &data, &len, &seq, err, sizeof err), 0);
}

static void test_order_survives_reopen(void **state)
{
	(void)state;
	char dir[256], err[256];
	tmpdir(dir, sizeof dir);
	struct spool *sp = open_sp(dir, 1 << 20, 0, NULL, NULL);
	append_range(sp, 1, 11);
	expect_range(sp, 1, 11);
	assert_int_equal(spool_ack(sp, 4, err, sizeof err), 0);
	assert_int_equal(spool_depth(sp), 6);
	spool_close(sp);
	struct spool_recovery rec;
	sp = open_sp(dir, 1 << 20, 0, NULL, &rec);
	/* Acks are not persisted: a partly acked segment is sent again (deduped). */
	assert_int_equal(rec.records, 10);
	assert_int_equal(rec.cut_bytes, 0);
	append_range(sp, 11, 13);
	expect_range(sp, 1, 13);
	spool_rewind(sp);
	expect_range(sp, 1, 13);
	spool_close(sp);
	rmtree(dir);
}

static void test_acks_retire_segments(void **state)
{
	(void)state;
	char dir[256], err[256];
	tmpdir(dir, sizeof dir);
	struct spool *sp = open_sp(dir, 1 << 20, 64, NULL, NULL);
	append_range(sp, 1, 21);   /* ~26 bytes each: two per segment */
	assert_true(count_files(dir) >= 10);
	assert_int_equal(spool_ack(sp, 20, err, sizeof err), 0);
	assert_int_equal(count_files(dir), 1);
	assert_int_equal(spool_depth(sp), 0);
	assert_int_equal(spool_bytes(sp), 0);
	spool_close(sp);
	/* The sequence goes on from the empty segment's name after a reopen. */
	sp = open_sp(dir, 1 << 20, 64, NULL, NULL);
	assert_int_equal(spool_next_seq(sp), 21);
	append_range(sp, 21, 23);
	expect_range(sp, 21, 23);
	spool_close(sp);
	rmtree(dir);
}

static void test_full_refuses_then_resumes(void **state)
{
	(void)state;
	char dir[256], err[256];
	tmpdir(dir, sizeof dir);
	struct spool *sp = open_sp(dir, 5 * 25, 0, NULL, NULL);
	append_range(sp, 1, 6);   /* "rec-N" is 5 bytes + 20 header = 25 */
	uint64_t seq = 0;
	assert_true(spool_would_fill(sp, 5));
	assert_int_equal(spool_append(sp, "rec-6", 5, &seq, err, sizeof err), SPOOL_FULL);
	assert_int_equal(spool_next_seq(sp), 6);
	assert_int_equal(spool_ack(sp, 5, err, sizeof err), 0);
	append_range(sp, 6, 7);
	spool_close(sp);
	rmtree(dir);
}

/* Size of the segment file in dir (there is exactly one). */
static void seg_file(const char *dir, char *path, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	while ((e = readdir(d)))
		if (strstr(e->d_name, ".seg"))
			snprintf(path, len, "%s/%s", dir, e->d_name);
	closedir(d);
}

/* Copy of the file's bytes; *len gets the size. */
static uint8_t *slurp(const char *path, size_t *len)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	uint8_t *b = malloc((size_t)st.st_size);
	int fd = open(path, O_RDONLY);
	assert_int_equal(read(fd, b, (size_t)st.st_size), st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return b;
}

static void spit(const char *path, const uint8_t *b, size_t len)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CREAT, 0600);
	assert_int_equal(write(fd, b, len), (ssize_t)len);
	close(fd);
}

/*
 * Damage one segment of 5 records at every offset (cut there, or flip the
 * byte there); reopening keeps exactly the records that end before the
 * damage, drops the rest, and appending goes on with the next sequence.
 */
static void damage_everywhere(int flip)
{
	char dir[256], path[512];
	tmpdir(dir, sizeof dir);
	struct spool *sp = open_sp(dir, 1 << 20, 0, NULL, NULL);
	append_range(sp, 1, 6);
	spool_close(sp);
	seg_file(dir, path, sizeof path);
	size_t len;
	uint8_t *orig = slurp(path, &len);
	assert_int_equal(len, 5 * 25);
	for (size_t off = 0; off < len + !flip; off++) {
		uint8_t *b = malloc(len);
		memcpy(b, orig, len);
		if (flip)
			b[off] ^= 0x40;
		spit(path, b, flip ? len : off);
		free(b);
		int intact = (int)(off / 25);   /* whole records before the damage */
		struct spool_recovery rec;
		sp = open_sp(dir, 1 << 20, 0, NULL, &rec);
		assert_int_equal(rec.records, (uint64_t)intact);
		assert_int_equal(rec.cut_bytes, (flip ? len : off) - (size_t)intact * 25);
		assert_int_equal(spool_next_seq(sp), (uint64_t)intact + 1);
		append_range(sp, intact + 1, intact + 2);
		expect_range(sp, 1, intact + 2);
		spool_close(sp);
		spit(path, orig, len);
	}
	free(orig);
	rmtree(dir);
}

static void test_cut_at_every_offset(void **state)
{
	(void)state;
	damage_everywhere(0);
}

static void test_flip_at_every_offset(void **state)
{
	(void)state;
	damage_everywhere(1);
}

/* A failing write (whole or short) or fsync leaves no record behind. */
static void test_injected_failures(void **state)
{
	(void)state;
	static const struct faults cases[] = {
		{ .fail_write_at = 3 },
		{ .fail_write_at = 3, .short_write = 1 },
		{ .fail_fsync_at = 3 },
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		char dir[256], err[256] = "";
		tmpdir(dir, sizeof dir);
		struct faults f = { 0 };
		struct spool_sys sys = { f_open, f_write, f_fsync, f_ftruncate, f_unlink, &f };
		struct spool *sp = open_sp(dir, 1 << 20, 0, &sys, NULL);
		f = cases[c];              /* armed, counting from the first append */
		append_range(sp, 1, 3);
		uint64_t seq = 0;
		assert_int_equal(spool_append(sp, "rec-3", 5, &seq, err, sizeof err), SPOOL_ERROR);
		assert_non_null(strstr(err, f.fail_write_at ? "write" : "fsync"));
		/* The failed record took no sequence number and left no bytes. */
		append_range(sp, 3, 5);
		spool_close(sp);
		struct spool_recovery rec;
		sp = open_sp(dir, 1 << 20, 0, NULL, &rec);
		assert_int_equal(rec.cut_bytes, 0);
		expect_range(sp, 1, 5);
		spool_close(sp);
		rmtree(dir);
	}
}

/* A batch is one write and one fsync; a failed one leaves none of its records. */
static void test_append_many(void **state)
{
	(void)state;
	static const struct faults cases[] = {
		{ 0 },
		{ .fail_write_at = 3, .short_write = 1 },
		{ .fail_fsync_at = 3 },
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		char dir[256], err[256] = "";
		tmpdir(dir, sizeof dir);
		struct faults f = { 0 };
		struct spool_sys sys = { f_open, f_write, f_fsync, f_ftruncate, f_unlink, &f };
		struct spool *sp = open_sp(dir, 1 << 20, 0, &sys, NULL);
		f = cases[c];              /* armed, counting from the first append */
		append_range(sp, 1, 3);
		struct iovec recs[] = { { "rec-3", 5 }, { "rec-4", 5 }, { "rec-5", 5 } };
		uint64_t first = 0;
		enum spool_status st = spool_append_many(sp, recs, 3, &first, err, sizeof err);
		int failing = cases[c].fail_write_at || cases[c].fail_fsync_at;
		assert_int_equal(st, failing ? SPOOL_ERROR : SPOOL_OK);
		assert_int_equal(f.writes, 3);     /* one each for the batch */
		assert_int_equal(f.fsyncs, cases[c].fail_write_at ? 2 : 3);
		if (failing)       /* none of the three took a number or left a byte */
			append_range(sp, 3, 6);
		else
			assert_int_equal(first, 3);
		assert_int_equal(spool_next_seq(sp), 6);
		assert_int_equal(spool_append_many(sp, recs, 0, &first, err, sizeof err), SPOOL_OK);
		spool_close(sp);
		struct spool_recovery rec;
		sp = open_sp(dir, 1 << 20, 0, NULL, &rec);
		assert_int_equal(rec.cut_bytes, 0);
		expect_range(sp, 1, 6);
		spool_close(sp);
		rmtree(dir);
	}
}

/* A batch that does not fit whole is refused whole. */
static void test_append_many_full(void **state)
{
	(void)state;
	char dir[256], err[256];
	tmpdir(dir, sizeof dir);
	struct spool *sp = open_sp(dir, 4 * 25, 0, NULL, NULL);
	append_range(sp, 1, 3);
	struct iovec recs[] = { { "rec-3", 5 }, { "rec-4", 5 }, { "rec-5", 5 } };
	uint64_t first = 0;
	assert_int_equal(spool_append_many(sp, recs, 3, &first, err, sizeof err), SPOOL_FULL);
	assert_int_equal(spool_next_seq(sp), 3);
	assert_int_equal(spool_append_many(sp, recs, 2, &first, err, sizeof err), SPOOL_OK);
	expect_range(sp, 1, 5);
	spool_close(sp);
	rmtree(dir);
}

/* Issue 11, hole 3: a record whose send failed is read again, never skipped. */
static void test_read_back(void **state)
{
	(void)state;
	char dir[256], err[256];
	const void *data;
	size_t len;
	uint64_t seq;
	tmpdir(dir, sizeof dir);
	struct spool *sp = open_sp(dir, 1 << 20, 64, NULL, NULL);
	append_range(sp, 1, 8);
	for (int i = 1; i <= 4; i++)
		assert_int_equal(spool_read_next(sp, &data, &len, &seq, err, sizeof err), 1);
	spool_read_back(sp, 4);
	expect_range(sp, 4, 8);
	spool_close(sp);
	rmtree(dir);
}

/* Issue 11, hole 3: what the spool takes, a frame carries; one byte more is refused. */
static void test_append_limit_fits_a_frame(void **state)
{
	(void)state;
	char dir[256], err[256];
	uint64_t seq;
	tmpdir(dir, sizeof dir);
	struct spool *sp = open_sp(dir, 8u << 20, 0, NULL, NULL);
	char *big = malloc(SPOOL_MAX_APPEND + 2);
	memset(big, 'x', SPOOL_MAX_APPEND + 1);
	assert_int_equal(spool_append(sp, big, SPOOL_MAX_APPEND + 1, &seq, err, sizeof err),
			 SPOOL_ERROR);
	assert_true(SPOOL_MAX_APPEND + MSG_RESULT_ENVELOPE <= FRAME_MAX_PAYLOAD);
	/* the largest body, as a JSON object, in a RESULT with the largest numbers */
	big[0] = '{';
	memcpy(big + 1, "\"p\":\"", 5);
	memcpy(big + SPOOL_MAX_APPEND - 2, "\"}", 2);
	big[SPOOL_MAX_APPEND] = 0;
	json_t *body = json_loads(big, 0, NULL);
	assert_non_null(body);
	assert_int_equal(spool_append(sp, big, SPOOL_MAX_APPEND, &seq, err, sizeof err), SPOOL_OK);
	struct msg m = { .type = MSG_RESULT, .seq = INT64_MAX, .msm_id = INT64_MAX, .body = body,
			 .epoch = INT64_MAX, .prev = INT64_MAX };
	size_t flen;
	uint8_t *frame = msg_encode(&m, &flen, err, sizeof err);
	assert_non_null(frame);
	free(frame);
	json_decref(body);
	free(big);
	spool_close(sp);
	rmtree(dir);
}

/* The roll of a fully acked active segment costs one directory fsync (the
   new name and the removal together); if it fails, the next append syncs
   the directory before its record counts, and nothing is lost. */
static void test_ack_roll_syncs_once(void **state)
{
	(void)state;
	char dir[256], err[256] = "";
	tmpdir(dir, sizeof dir);
	struct faults f = { 0 };
	struct spool_sys sys = { f_open, f_write, f_fsync, f_ftruncate, f_unlink, &f };
	struct spool *sp = open_sp(dir, 1 << 20, 0, &sys, NULL);
	append_range(sp, 1, 4);
	expect_range(sp, 1, 4);
	int before = f.fsyncs;
	assert_int_equal(spool_ack(sp, 3, err, sizeof err), 0);
	assert_int_equal(f.fsyncs - before, 1);
	assert_int_equal(count_files(dir), 1);
	/* the next roll's directory fsync fails: the append syncs it first */
	append_range(sp, 4, 6);
	expect_range(sp, 4, 6);
	f.fail_fsync_at = f.fsyncs + 1;
	assert_int_equal(spool_ack(sp, 5, err, sizeof err), -1);
	assert_non_null(strstr(err, "directory"));
	before = f.fsyncs;
	append_range(sp, 6, 7);
	assert_int_equal(f.fsyncs - before, 2);   /* the directory, then the record */
	before = f.fsyncs;
	append_range(sp, 7, 8);
	assert_int_equal(f.fsyncs - before, 1);
	spool_close(sp);
	sp = open_sp(dir, 1 << 20, 0, NULL, NULL);
	expect_range(sp, 6, 8);
	spool_close(sp);
	rmtree(dir);
}

/* Records longer than what one read takes with the header come back whole,
   between short ones. */
static void test_read_long_records(void **state)
{
	(void)state;
	static const size_t lens[] = { 10, 16383, 16384, 16385, 40000, 10, 200000, 3 };
	char dir[256], err[256];
	tmpdir(dir, sizeof dir);
	struct spool *sp = open_sp(dir, 8u << 20, 0, NULL, NULL);
	char *buf = malloc(200000);
	assert_non_null(buf);
	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		uint64_t seq;
		memset(buf, (int)('a' + i), lens[i]);
		assert_int_equal(spool_append(sp, buf, lens[i], &seq, err, sizeof err), SPOOL_OK);
	}
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
			const void *data;
			size_t len;
			uint64_t seq;
			assert_int_equal(spool_read_next(sp, &data, &len, &seq, err, sizeof err), 1);
			assert_int_equal(seq, i + 1);
			assert_int_equal(len, lens[i]);
			memset(buf, (int)('a' + i), lens[i]);
			assert_memory_equal(data, buf, len);
		}
		spool_rewind(sp);
	}
	free(buf);
	spool_close(sp);
	rmtree(dir);
}

/* Issue 11, hole 2: a new spool has a random epoch, kept across a reopen; a
   new epoch numbers the records from a sequence on; a spool from before
   epochs is epoch 0. */
static void test_epochs(void **state)
{
	(void)state;
	char dir[256], err[256], path[300];
	tmpdir(dir, sizeof dir);
	struct spool *sp = open_sp(dir, 1 << 20, 0, NULL, NULL);
	int64_t e1 = spool_epoch_of(sp, 1), e2;
	assert_true(e1 > 0);
	append_range(sp, 1, 6);
	spool_close(sp);
	sp = open_sp(dir, 1 << 20, 0, NULL, NULL);
	assert_int_equal(spool_epoch_of(sp, 5), e1);
	assert_int_equal(spool_new_epoch(sp, 3, &e2, err, sizeof err), 0);
	assert_true(e2 > 0 && e2 != e1);
	assert_int_equal(spool_epoch_of(sp, 2), e1);
	assert_int_equal(spool_epoch_of(sp, 3), e2);
	assert_int_equal(spool_epoch_of(sp, 100), e2);
	spool_close(sp);
	sp = open_sp(dir, 1 << 20, 0, NULL, NULL);
	assert_int_equal(spool_epoch_of(sp, 2), e1);
	assert_int_equal(spool_epoch_of(sp, 4), e2);
	spool_close(sp);
	/* Without the file (a spool from before epochs): epoch 0. */
	snprintf(path, sizeof path, "%s/epochs", dir);
	assert_int_equal(unlink(path), 0);
	sp = open_sp(dir, 1 << 20, 0, NULL, NULL);
	assert_int_equal(spool_epoch_of(sp, 4), 0);
	expect_range(sp, 1, 6);
	spool_close(sp);
	rmtree(dir);
}

/* Read the next record; asserts it is seq with text want, spool_is_object or not. */
static void expect_rec(struct spool *sp, uint64_t seq, const char *want, int object)
{
	const void *data;
	size_t len;
	uint64_t got;
	char err[256];
	assert_int_equal(spool_read_next(sp, &data, &len, &got, err, sizeof err), 1);
	assert_int_equal(got, seq);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(data, want, len);
	assert_int_equal(spool_is_object(sp, got), object);
}

/* Read records from .. to - 1; asserts none is spool_is_object. */
static void expect_unvouched(struct spool *sp, uint64_t from, uint64_t to)
{
	const void *data;
	size_t len;
	uint64_t got;
	char err[256];
	for (uint64_t q = from; q < to; q++) {
		assert_int_equal(spool_read_next(sp, &data, &len, &got, err, sizeof err), 1);
		assert_int_equal(got, q);
		assert_int_equal(spool_is_object(sp, got), 0);
	}
}

/* Asserts DIR/objects holds exactly want. */
static void expect_objects(const char *dir, const char *want)
{
	char path[300];
	size_t n;
	snprintf(path, sizeof path, "%s/objects", dir);
	uint8_t *b = slurp(path, &n);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(b, want, n);
	free(b);
}

/* Write text to DIR/objects. */
static void put_objects(const char *dir, const char *text)
{
	char path[300];
	snprintf(path, sizeof path, "%s/objects", dir);
	spit(path, (const uint8_t *)text, strlen(text));
}

/* Append text; asserts it got seq. */
static void append_one(struct spool *sp, const char *text, uint64_t seq)
{
	char err[256];
	uint64_t got = 0;
	assert_int_equal(spool_append(sp, text, strlen(text), &got, err, sizeof err), SPOOL_OK);
	assert_int_equal(got, seq);
}

/*
 * Issue 19: records appended by this code are spool_is_object (uploaded without
 * a parse), those spooled before it are not; on disk every record stays
 * "VSR1", so an older agent reads them all. A segment from before (these
 * bytes: two VSR1 records, CRCs computed apart from this code) reads back
 * whole, as main reads it. A missing or bad DIR/objects vouches for nothing
 * already spooled, nor for anything when it cannot be written.
 */
static void test_object_flag(void **state)
{
	(void)state;
	static const uint8_t old_seg[] = {
		0x56, 0x53, 0x52, 0x31, 0x0c, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x06, 0x11, 0xd3, 0xd9, 0x7b, 0x22, 0x6d, 0x73, 0x6d, 0x5f,
		0x69, 0x64, 0x22, 0x3a, 0x37, 0x7d, 0x56, 0x53, 0x52, 0x31, 0x03, 0x00, 0x00,
		0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x85, 0xf2, 0xd8, 0x12,
		0x5b, 0x31, 0x5d,
	};
	char dir[256], path[300], opath[300];
	tmpdir(dir, sizeof dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof path, "%s/%020d.seg", dir, 1);
	snprintf(opath, sizeof opath, "%s/objects", dir);
	spit(path, old_seg, sizeof old_seg);
	struct spool_recovery rec;
	struct spool *sp = open_sp(dir, 1 << 20, 0, NULL, &rec);
	assert_int_equal(rec.records, 2);
	assert_int_equal(rec.cut_bytes, 0);
	expect_objects(dir, "objects from 3\n");
	append_one(sp, "{\"a\":1}", 3);
	append_one(sp, "rec-4", 4);
	for (int round = 0; round < 2; round++) {
		expect_rec(sp, 1, "{\"msm_id\":7}", 0);
		expect_rec(sp, 2, "[1]", 0);
		expect_rec(sp, 3, "{\"a\":1}", 1);
		expect_rec(sp, 4, "rec-4", 1);
		spool_close(sp);          /* and again after a reopen: the mark is kept */
		sp = open_sp(dir, 1 << 20, 0, NULL, &rec);
		assert_int_equal(rec.records, 4);
		assert_int_equal(rec.cut_bytes, 0);
		expect_objects(dir, "objects from 3\n");
	}
	spool_close(sp);
	/* On disk: the old bytes untouched, then two more VSR1 records. */
	size_t n;
	uint8_t *b = slurp(path, &n);
	assert_int_equal(n, sizeof old_seg + 2 * SPOOL_REC_HEADER + 7 + 5);
	assert_memory_equal(b, old_seg, sizeof old_seg);
	assert_memory_equal(b + sizeof old_seg, "VSR1\x07\0\0\0\x03\0\0\0\0\0\0\0", 16);
	assert_memory_equal(b + sizeof old_seg + SPOOL_REC_HEADER + 7,
			    "VSR1\x05\0\0\0\x04\0\0\0\0\0\0\0", 16);
	free(b);
	/* A bad mark vouches for nothing spooled; it is written again. */
	static const char *const bad[] = { "objects from x\n", "objects from 3", "objects from 3\nx",
					   "objects from 0\n", "", "objects 3\n" };
	uint64_t next = 5;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++, next++) {
		put_objects(dir, bad[i]);
		sp = open_sp(dir, 1 << 20, 0, NULL, &rec);
		expect_unvouched(sp, 1, next);
		append_one(sp, "{}", next);
		expect_rec(sp, next, "{}", 1);
		spool_close(sp);
		char want[64];
		snprintf(want, sizeof want, "objects from %llu\n", (unsigned long long)next);
		expect_objects(dir, want);
	}
	/* A missing mark: likewise. */
	assert_int_equal(unlink(opath), 0);
	sp = open_sp(dir, 1 << 20, 0, NULL, &rec);
	expect_rec(sp, 1, "{\"msm_id\":7}", 0);
	spool_close(sp);
	char want[64];
	snprintf(want, sizeof want, "objects from %llu\n", (unsigned long long)next);
	expect_objects(dir, want);
	/* A mark that cannot be read nor written (a directory): nothing is vouched. */
	assert_int_equal(unlink(opath), 0);
	assert_int_equal(mkdir(opath, 0700), 0);
	sp = open_sp(dir, 1 << 20, 0, NULL, &rec);
	append_one(sp, "{}", next);
	expect_unvouched(sp, 1, next + 1);
	spool_close(sp);
	assert_int_equal(rmdir(opath), 0);
	rmtree(dir);
	/* A fresh spool: from 1. */
	tmpdir(dir, sizeof dir);
	sp = open_sp(dir, 1 << 20, 0, NULL, &rec);
	expect_objects(dir, "objects from 1\n");
	append_one(sp, "{}", 1);
	expect_rec(sp, 1, "{}", 1);
	spool_close(sp);
	rmtree(dir);
}

/* Asserts DIR/name does not exist. */
static void expect_absent(const char *dir, const char *name)
{
	char path[300];
	struct stat sb;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (stat(path, &sb) == 0 || errno != ENOENT)
		fail_msg("%s is there", path);
}

/*
 * The objects mark that cannot be written leaves no objects.tmp behind: not
 * when its write fails (ENOSPC, a full disk), nor when its rename does (a
 * directory in the mark's place). Nothing is vouched for then.
 */
static void test_objects_tmp_removed(void **state)
{
	(void)state;
	char dir[256], opath[300];
	struct spool_recovery rec;
	tmpdir(dir, sizeof dir);
	snprintf(opath, sizeof opath, "%s/objects", dir);
	struct spool *sp = open_sp(dir, 1 << 20, 0, NULL, &rec);
	append_one(sp, "{}", 1);
	spool_close(sp);
	assert_int_equal(unlink(opath), 0);
	struct faults f = { .fail_tmp_writes = 1, .tmp_fd = -1 };
	struct spool_sys sys = { f_open, f_write, f_fsync, f_ftruncate, f_unlink, &f };
	sp = open_sp(dir, 1 << 20, 0, &sys, &rec);
	assert_true(f.tmp_fd >= 0);   /* it tried */
	expect_unvouched(sp, 1, 2);
	spool_close(sp);
	expect_absent(dir, "objects");
	expect_absent(dir, "objects.tmp");
	assert_int_equal(mkdir(opath, 0700), 0);
	sp = open_sp(dir, 1 << 20, 0, NULL, &rec);
	expect_unvouched(sp, 1, 2);
	spool_close(sp);
	expect_absent(dir, "objects.tmp");
	assert_int_equal(rmdir(opath), 0);
	rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_object_flag),
		cmocka_unit_test(test_objects_tmp_removed),
		cmocka_unit_test(test_order_survives_reopen),
		cmocka_unit_test(test_acks_retire_segments),
		cmocka_unit_test(test_full_refuses_then_resumes),
		cmocka_unit_test(test_cut_at_every_offset),
		cmocka_unit_test(test_flip_at_every_offset),
		cmocka_unit_test(test_injected_failures),
		cmocka_unit_test(test_append_many),
		cmocka_unit_test(test_append_many_full),
		cmocka_unit_test(test_read_back),
		cmocka_unit_test(test_append_limit_fits_a_frame),
		cmocka_unit_test(test_epochs),
		cmocka_unit_test(test_ack_roll_syncs_once),
		cmocka_unit_test(test_read_long_records),
	};
	return cmocka_run_group_tests_name("spool", tests, NULL, NULL);
}
