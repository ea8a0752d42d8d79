/*
 * scan_ckpt: the checkpoint that lets an interrupted scan resume without
 * probing any (target, TTL) twice. It is written ahead: before the
 * positions [pos, reserved) of a round's permutation are sent, it records
 * the state as of pos and the promise that everything before `reserved` is
 * spent. A resumed scan restores the state, walks the spent positions
 * without sending (their TTLs count as sent and unanswered) and goes on
 * from `reserved`, so a kill at any instant loses at most a second of
 * probes and repeats none. The output file is cut back to its length at
 * the checkpoint, so no trace is written twice either.
 *
 * The scan opens FILE and FILE.b before it gives up root and then writes
 * through those descriptors alone (it may not create or rename files in
 * a directory it no longer owns): each checkpoint goes to the slot not
 * holding the newest one, numbered and ending with a checksum, fsync'd;
 * reading takes the newest slot whose checksum holds, so a kill while one
 * slot is written leaves the other.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scan/scan_int.h"

#define CKPT_MAGIC "VSCANCK3"

/* What identifies the scan a checkpoint belongs to, and where it stood. */
struct ckpt_head {
	char magic[8];
	uint64_t seed, ntargets, targets_hash;
	uint32_t method, family, max_ttl, split_ttl, gap_limit, round, finished, pad;
	uint64_t pos, reserved, out_off, sent, stop_n, entered, done, seq;
	uint32_t nslots, stop_run;
};

/* The per-target fields saved (hops follow each). */
struct ckpt_target {
	uint32_t target;
	uint8_t split, back, fwd, fwd_reply, dist, flags, lowest, highest, nhops, phase, known_run;
};

/* FNV-1a over a slot's bytes: a torn or damaged slot is not taken. */
static uint64_t checksum(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

/* A hash of the target list, so a checkpoint is not applied to another
   (computed once: the list does not change). */
static uint64_t targets_hash(struct scan *s)
{
	if (s->targets_hash)
		return s->targets_hash;
	uint64_t h = s->t.n;
	for (size_t i = 0; i < s->t.n; i++) {
		struct net_addr a;
		scan_targets_addr(&s->t, i, &a);
		h = keyhash(&s->stamp.key, a.a, 16) ^ (h * 0x100000001b3ULL);
	}
	return s->targets_hash = h | 1;
}

/* The header of this scan as it stands. */
static void head_of(struct scan *s, struct ckpt_head *h, long out_off)
{
	memset(h, 0, sizeof *h);
	memcpy(h->magic, CKPT_MAGIC, 8);
	h->seed = s->o->seed;
	h->ntargets = s->t.n;
	h->targets_hash = targets_hash(s);
	h->method = s->o->method;
	h->family = (uint32_t)s->t.family;
	h->max_ttl = s->o->max_ttl;
	h->split_ttl = s->o->split_ttl;
	h->gap_limit = s->o->gap_limit;
	h->round = s->round;
	h->finished = s->finished;
	h->pos = s->pos;
	h->reserved = s->reserved;
	h->out_off = (uint64_t)out_off;
	h->sent = s->sent;
	h->stop_n = s->stop.n;
	h->entered = s->entered;
	h->done = s->done_targets;
	h->seq = s->ckpt_seq;
	h->nslots = s->nslots;
	h->stop_run = s->o->stop_run;
}

/* Write the targets' state and the stop set. */
static int write_body(struct scan *s, FILE *f)
{
	for (size_t i = 0; i < s->nslots; i++) {
		const struct scan_tstate *t = &s->ts[i];
		struct ckpt_target c = { t->target, t->split, t->back, t->fwd, t->fwd_reply,
					 t->dist, t->flags, t->lowest, t->highest, t->nhops,
					 t->phase, t->known_run };
		if (fwrite(&c, sizeof c, 1, f) != 1 ||
		    (t->nhops && fwrite(t->hops, sizeof *t->hops, t->nhops, f) != t->nhops))
			return -1;
	}
	for (size_t i = 0; i < s->stop.cap; i++)
		if (s->stop.used[i] && fwrite(s->stop.slot[i], 16, 1, f) != 1)
			return -1;
	return 0;
}

int scan_ckpt_open(struct scan *s)
{
	if (s->o->resume == NULL || s->ckpt_open)
		return 0;
	char b[4096];
	snprintf(b, sizeof b, "%s.b", s->o->resume);
	const char *names[2] = { s->o->resume, b };
	for (int k = 0; k < 2; k++) {
		s->ckpt_fd[k] = open(names[k], O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (s->ckpt_fd[k] < 0) {
			fprintf(stderr, "%s: checkpoint %s: %m\n", s->o->prog, names[k]);
			if (k == 1)
				close(s->ckpt_fd[0]);
			return -1;
		}
	}
	s->ckpt_open = true;
	return 0;
}

void scan_ckpt_close(struct scan *s)
{
	if (!s->ckpt_open)
		return;
	close(s->ckpt_fd[0]);
	close(s->ckpt_fd[1]);
	s->ckpt_open = false;
}

/* Replace slot fd's content with buf[0..n) and make it durable. */
static int put_slot(int fd, const uint8_t *buf, size_t n)
{
	if (ftruncate(fd, 0) != 0)
		return -1;
	for (size_t off = 0; off < n;) {
		ssize_t w = pwrite(fd, buf + off, n - off, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	return fsync(fd);
}

int scan_ckpt_write(struct scan *s)
{
	if (s->o->resume == NULL)
		return 0;
	if (s->out && fflush(s->out) != 0)
		return -1;
	long off = s->out ? ftell(s->out) : 0;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct ckpt_head h;
	s->ckpt_seq++;
	head_of(s, &h, off < 0 ? 0 : off);
	int rc = scan_ckpt_open(s) == 0 && f && fwrite(&h, sizeof h, 1, f) == 1 &&
		 write_body(s, f) == 0 && fflush(f) == 0 ? 0 : -1;
	if (rc == 0) {
		uint64_t sum = checksum((const uint8_t *)buf, len);
		rc = fwrite(&sum, sizeof sum, 1, f) == 1 && fflush(f) == 0 &&
		     put_slot(s->ckpt_fd[s->ckpt_seq & 1], (const uint8_t *)buf, len) == 0 ? 0 : -1;
	}
	if (f)
		fclose(f);
	free(buf);
	if (rc != 0)
		fprintf(stderr, "%s: writing checkpoint %s: %m\n", s->o->prog, s->o->resume);
	return rc;
}

/* Whether a saved slot can be one this scan wrote: a known phase, a target
   of the list held once, TTLs within --max-ttl. */
static bool slot_ok(struct scan *s, const struct ckpt_target *c)
{
	uint8_t max = s->o->max_ttl;
	if (c->phase == SP_EMPTY)
		return c->nhops == 0;
	return c->phase <= SP_PATH && c->target < s->t.n &&
	       scan_slotmap_get(&s->slots, c->target) < 0 && c->split <= max &&
	       c->back <= max && c->fwd <= max && c->lowest <= max && c->highest <= max &&
	       c->dist <= max;
}

/* Read the targets' state and the stop set. */
static int read_body(struct scan *s, FILE *f, uint64_t stop_n)
{
	for (size_t i = 0; i < s->nslots; i++) {
		struct scan_tstate *t = &s->ts[i];
		struct ckpt_target c;
		if (fread(&c, sizeof c, 1, f) != 1 || !slot_ok(s, &c))
			return -1;
		t->target = c.target, t->phase = c.phase, t->known_run = c.known_run;
		if (t->phase != SP_EMPTY)
			scan_slotmap_put(&s->slots, t->target, (uint32_t)i);
		t->split = c.split, t->back = c.back, t->fwd = c.fwd;
		t->fwd_reply = c.fwd_reply, t->dist = c.dist, t->flags = c.flags;
		t->lowest = c.lowest, t->highest = c.highest;
		if (c.nhops) {
			t->hops = calloc(c.nhops, sizeof *t->hops);
			if (t->hops == NULL ||
			    fread(t->hops, sizeof *t->hops, c.nhops, f) != c.nhops)
				return -1;
			t->nhops = t->cap = c.nhops;
			for (unsigned k = 0; k < c.nhops; k++)
				if (t->hops[k].ttl == 0 || t->hops[k].ttl > s->o->max_ttl ||
				    t->hops[k].mpls_n > SCAN_HOP_MPLS)
					return -1;
		}
	}
	for (uint64_t i = 0; i < stop_n; i++) {
		uint8_t a[16];
		if (fread(a, 16, 1, f) != 1 || scan_stopset_add(&s->stop, a) < 0)
			return -1;
	}
	return 0;
}

/* Slot fd's content when its checksum holds (*len > 0), else NULL;
   *empty says whether the slot holds nothing at all. */
static uint8_t *load_slot(int fd, size_t *len, bool *empty)
{
	struct stat st;
	*len = 0;
	*empty = fstat(fd, &st) == 0 && st.st_size == 0;
	if (*empty || st.st_size < (off_t)(sizeof(struct ckpt_head) + 8))
		return NULL;
	uint8_t *buf = malloc((size_t)st.st_size);
	size_t n = (size_t)st.st_size;
	for (size_t off = 0; buf && off < n;) {
		ssize_t r = pread(fd, buf + off, n - off, (off_t)off);
		if (r <= 0) {
			free(buf);
			return NULL;
		}
		off += (size_t)r;
	}
	uint64_t sum;
	if (buf)
		memcpy(&sum, buf + n - 8, 8);
	if (buf == NULL || memcmp(buf, CKPT_MAGIC, 8) != 0 || checksum(buf, n - 8) != sum) {
		free(buf);
		return NULL;
	}
	*len = n - 8;
	return buf;
}

/* The checkpoint in buf (checksum checked) applied to s: 1, or -1 printed. */
static int apply(struct scan *s, const uint8_t *buf, size_t len, long *out_off)
{
	struct ckpt_head h, want;
	head_of(s, &want, 0);
	memcpy(&h, buf, sizeof h);
	if (h.seed != want.seed || h.ntargets != want.ntargets ||
	    h.targets_hash != want.targets_hash || h.method != want.method ||
	    h.family != want.family || h.max_ttl != want.max_ttl ||
	    h.split_ttl != want.split_ttl || h.gap_limit != want.gap_limit ||
	    h.nslots != want.nslots || h.stop_run != want.stop_run) {
		fprintf(stderr, "%s: checkpoint %s is of another scan (targets, seed, method, "
			"TTLs or window differ)\n", s->o->prog, s->o->resume);
		return -1;
	}
	FILE *f = fmemopen((void *)(buf + sizeof h), len - sizeof h, "r");
	int rc = f ? read_body(s, f, h.stop_n) : -1;
	if (f)
		fclose(f);
	if (rc != 0) {
		fprintf(stderr, "%s: checkpoint %s is cut short\n", s->o->prog, s->o->resume);
		return -1;
	}
	if (h.pos > h.reserved && h.reserved != 0) {
		fprintf(stderr, "%s: checkpoint %s is damaged\n", s->o->prog, s->o->resume);
		return -1;
	}
	s->round = h.round;
	s->finished = h.finished != 0;
	s->pos = h.pos;
	s->reserved = h.reserved;
	s->sent = h.sent;
	s->entered = h.entered;
	s->done_targets = h.done;
	s->ckpt_seq = h.seq;
	*out_off = (long)h.out_off;
	return 1;
}

int scan_ckpt_read(struct scan *s, long *out_off)
{
	*out_off = -1;
	if (scan_ckpt_open(s) != 0)
		return -1;
	uint8_t *buf[2];
	size_t len[2];
	bool empty[2];
	for (int k = 0; k < 2; k++)
		buf[k] = load_slot(s->ckpt_fd[k], &len[k], &empty[k]);
	int rc, newest = -1;
	for (int k = 0; k < 2; k++) {
		uint64_t seq_k, seq_n;
		if (buf[k] == NULL)
			continue;
		memcpy(&seq_k, buf[k] + offsetof(struct ckpt_head, seq), 8);
		if (newest >= 0)
			memcpy(&seq_n, buf[newest] + offsetof(struct ckpt_head, seq), 8);
		if (newest < 0 || seq_k > seq_n)
			newest = k;
	}
	if (newest >= 0) {
		rc = apply(s, buf[newest], len[newest], out_off);
	} else if (empty[0] && empty[1]) {
		rc = 0; /* a new scan: the checkpoint will be written there */
	} else {
		fprintf(stderr, "%s: %s is not a scan checkpoint (or is damaged)\n", s->o->prog,
			s->o->resume);
		rc = -1;
	}
	free(buf[0]);
	free(buf[1]);
	return rc;
}

int scan_ckpt_resume(struct scan *s, long *out_off)
{
	*out_off = -1;
	if (s->o->resume == NULL)
		return 0;
	int rc = scan_ckpt_read(s, out_off); /* prints its errors */
	if (rc <= 0 || s->finished)
		return rc;
	uint64_t dom = scan_round_domain(s), upto = s->reserved;
	scan_perm_init(&s->perm, dom, s->o->seed, s->round);
	if (upto > dom)
		upto = dom;
	for (; s->pos < upto; s->pos++) {
		struct scan_fields f;
		scan_take_position(s, s->pos, &f); /* spent before the interruption */
	}
	fprintf(stderr, "%s: resuming %s at round %u, position %llu\n", s->o->prog,
		s->o->resume, s->round, (unsigned long long)s->pos);
	return 1;
}
