/*
 * scan_ckpt: the checkpoint that lets an interrupted scan resume without
 * probing any (target, TTL) twice. It is written ahead: before the
 * positions [pos, reserved) of a round's permutation are sent, the file
 * records the state as of pos and the promise that everything before
 * `reserved` is spent. A resumed scan restores the state, walks the spent
 * positions without sending (their TTLs count as sent and unanswered) and
 * goes on from `reserved`, so a kill at any instant loses at most a second
 * of probes and repeats none. The output file is cut back to its length at
 * the checkpoint, so no trace is written twice either. Written to FILE.tmp,
 * fsync'd and renamed over FILE.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan/scan_int.h"

#define CKPT_MAGIC "VSCANCK2"

/* What identifies the scan a checkpoint belongs to, and where it stood. */
struct ckpt_head {
	char magic[8];
	uint64_t seed, ntargets, targets_hash;
	uint32_t method, family, max_ttl, split_ttl, gap_limit, round, finished, pad;
	uint64_t pos, reserved, out_off, sent, stop_n, entered, done;
	uint32_t nslots, stop_run;
};

/* The per-target fields saved (hops follow each). */
struct ckpt_target {
	uint32_t target;
	uint8_t split, back, fwd, fwd_reply, dist, flags, lowest, highest, nhops, phase, known_run;
};

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

int scan_ckpt_write(struct scan *s)
{
	if (s->o->resume == NULL)
		return 0;
	if (s->out && fflush(s->out) != 0)
		return -1;
	long off = s->out ? ftell(s->out) : 0;
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", s->o->resume);
	FILE *f = fopen(tmp, "w");
	struct ckpt_head h;
	head_of(s, &h, off < 0 ? 0 : off);
	int rc = f && fwrite(&h, sizeof h, 1, f) == 1 && write_body(s, f) == 0 &&
		 fflush(f) == 0 && fsync(fileno(f)) == 0 ? 0 : -1;
	if (f && fclose(f) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, s->o->resume) != 0)
		rc = -1;
	if (rc != 0)
		fprintf(stderr, "%s: writing checkpoint %s: %m\n", s->o->prog, s->o->resume);
	return rc;
}

/* Read the targets' state and the stop set. */
static int read_body(struct scan *s, FILE *f, uint64_t stop_n)
{
	for (size_t i = 0; i < s->nslots; i++) {
		struct scan_tstate *t = &s->ts[i];
		struct ckpt_target c;
		if (fread(&c, sizeof c, 1, f) != 1 || (c.phase != SP_EMPTY && c.target >= s->t.n))
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
		}
	}
	for (uint64_t i = 0; i < stop_n; i++) {
		uint8_t a[16];
		if (fread(a, 16, 1, f) != 1 || scan_stopset_add(&s->stop, a) < 0)
			return -1;
	}
	return 0;
}

int scan_ckpt_read(struct scan *s, long *out_off)
{
	*out_off = -1;
	FILE *f = fopen(s->o->resume, "r");
	if (f == NULL) {
		if (errno == ENOENT)
			return 0; /* a new scan: the checkpoint will be written there */
		fprintf(stderr, "%s: %s: %m\n", s->o->prog, s->o->resume);
		return -1;
	}
	struct ckpt_head h, want;
	head_of(s, &want, 0);
	int rc = -1;
	if (fread(&h, sizeof h, 1, f) != 1 || memcmp(h.magic, CKPT_MAGIC, 8) != 0) {
		fprintf(stderr, "%s: %s is not a scan checkpoint\n", s->o->prog, s->o->resume);
	} else if (h.seed != want.seed || h.ntargets != want.ntargets ||
		   h.targets_hash != want.targets_hash || h.method != want.method ||
		   h.family != want.family || h.max_ttl != want.max_ttl ||
		   h.split_ttl != want.split_ttl || h.gap_limit != want.gap_limit ||
		   h.nslots != want.nslots || h.stop_run != want.stop_run) {
		fprintf(stderr, "%s: checkpoint %s is of another scan (targets, seed, method "
			"TTLs or window differ)\n", s->o->prog, s->o->resume);
	} else if (read_body(s, f, h.stop_n) != 0) {
		fprintf(stderr, "%s: checkpoint %s is cut short\n", s->o->prog, s->o->resume);
	} else {
		s->round = h.round;
		s->finished = h.finished != 0;
		s->pos = h.pos;
		s->reserved = h.reserved;
		s->sent = h.sent;
		s->entered = h.entered;
		s->done_targets = h.done;
		*out_off = (long)h.out_off;
		rc = 1;
	}
	fclose(f);
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
