/*
 * scan: setting up and running a scan (see scan.h): read the prefixes into
 * targets, open the raw sockets, restore a checkpoint if there is one,
 * open the output, then give up root, every capability and all but the
 * system calls the loop makes (privsep), attach the scanner to the engine as a
 * stateless stream, and run the event loop until every target is written
 * or a signal stops it (the checkpoint then says exactly where).
 */
#include <errno.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/rawsock.h"
#include "privsep/privsep.h"
#include "privsep/sandbox.h"
#include "scan/scan_int.h"
#include "util/sigloop.h"

void scan_opts_defaults(struct scan_opts *o)
{
	memset(o, 0, sizeof *o);
	o->prog = "vantage scan";
	o->method = SCAN_ICMP_PARIS;
	o->pps = 10000;
	o->seed = 1;
	o->max_ttl = 32;
	o->split_ttl = 16;
	o->gap_limit = 3;
	o->stop_run = 3;
	o->af = 4;
	o->wait_ms = 1000;
	o->checkpoint_ms = 1000;
	o->progress = true;
	o->window = SCAN_WINDOW_DEFAULT;
}

/* Read all of path ("-" or NULL: stdin) into a new buffer. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = path == NULL || strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (f == NULL)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		char *b = realloc(buf, cap *= 2);
		if (b == NULL)
			free(buf);
		buf = b;
	}
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
	if (f != stdin)
		fclose(f);
	*len = n;
	return buf;
}

/* The targets from the prefix list. 0, or -1 with the message printed. */
static int load_targets(struct scan *s)
{
	const struct scan_opts *o = s->o;
	char err[512];
	size_t len = 0;
	const char *name = o->prefixes && strcmp(o->prefixes, "-") ? o->prefixes : "stdin";
	char *text = slurp(o->prefixes, &len);
	if (text == NULL) {
		fprintf(stderr, "%s: %s: %m\n", o->prog, name);
		return -1;
	}
	long n = -1;
	if (scan_targets_init(&s->t, o->af == 6 ? AF_INET6 : AF_INET, o->seed, err,
			      sizeof err) == 0)
		n = scan_targets_add_text(&s->t, text, len, name, err, sizeof err);
	free(text);
	if (n < 0 || scan_targets_finish(&s->t, err, sizeof err) != 0) {
		fprintf(stderr, "%s: %s\n", o->prog, err);
		return -1;
	}
	fprintf(stderr, "%s: %ld prefixes, %zu targets (%zu of the other family, %zu longer "
		"than /%d skipped)\n", o->prog, n, s->t.n, s->t.other_family, s->t.too_long,
		SCAN_V6_MAX_LEN);
	if (s->t.n == 0) {
		fprintf(stderr, "%s: no targets\n", o->prog);
		return -1;
	}
	return 0;
}

/* The engine's policy hook: the site AUP and no-probe list, per probe. */
static bool policy_hook(void *ctx, const char *method, const struct net_addr *dst,
			uint64_t now)
{
	struct scan *s = ctx;
	char reason[AUP_REASON_MAX];
	return aup_check_at(s->o->aup, method, dst, s->o->pps, now, reason, sizeof reason) ==
	       AUP_ALLOW;
}

static void stream_sent(void *ctx, const struct net_probe *np, int err, bool refused)
{
	struct scan *s = ctx;
	if (refused) {
		s->refused++;
		struct scan_tstate *t = scan_slot_of(s, scan_targets_find(&s->t, &np->dst));
		if (t) { /* the policy will not change its mind: stop it */
			t->flags |= ST_REFUSED;
			t->back = t->fwd = 0;
		}
	}
	else if (err)
		s->send_errors++;
	else
		s->sent++;
	if (s->o->stop_after && s->sent >= s->o->stop_after)
		raise(SIGKILL); /* tests: die as a kill -9 would, mid-round */
}

static const struct eng_stream_ops stream_ops = { scan_next, stream_sent, scan_reply };

/* Once a second: the progress line. */
static void tick(void *arg)
{
	struct scan *s = arg;
	if (s->o->progress)
		scan_progress(s, eng_clock_mono_ns(engine_clock(s->e)), false);
	engine_timer_arm(s->e, s->tick_timer, 1000000000ULL);
}

/* The engine, its sockets, then no capabilities. 0 or -1 (printed). */
static int open_engine(struct scan *s)
{
	char err[256];
	struct engine_opts eo = { .pps = s->o->pps, .send_path = ENG_PATH_RAW };
	if (s->o->aup) {
		eo.policy = policy_hook;
		eo.policy_ctx = s;
	}
	s->base = event_base_new();
	int fam = s->t.family;
	enum net_probe_kind k = s->o->method == SCAN_ICMP_PARIS ? NET_PROBE_ICMP_ECHO
				: s->o->method == SCAN_UDP_PARIS ? NET_PROBE_UDP : NET_PROBE_TCP_ACK;
	if (s->base == NULL || (s->e = engine_new(s->base, &eo, err, sizeof err)) == NULL ||
	    engine_prepare(s->e, fam, net_probe_proto(k, fam), err, sizeof err) != 0) {
		fprintf(stderr, "%s: %s\n", s->o->prog, s->base ? err : "no event base");
		return -1;
	}
	struct net_addr first;
	scan_targets_addr(&s->t, 0, &first);
	if (s->o->source) {
		if (!net_addr_parse(s->o->source, &s->src, err, sizeof err) ||
		    s->src.family != fam) {
			fprintf(stderr, "%s: --source: '%s' is not an address of the scan's "
				"family\n", s->o->prog, s->o->source);
			return -1;
		}
	} else if (rawsock_source_for(&first, &s->src, err, sizeof err) != 0) {
		fprintf(stderr, "%s: no source address: %s\n", s->o->prog, err);
		return -1;
	}
	return 0;
}

/*
 * Everything that needs root is open (raw sockets, the prefix file read,
 * the output and both checkpoint slots): become the unprivileged user with
 * no capability at all and load the scan's seccomp filter, as `vantage
 * trace` does. 0, or -1 with the message printed.
 */
static int drop_privileges(struct scan *s)
{
	struct privsep_opts po = { .user = s->o->user };
	struct privsep_state st;
	char err[256];
	if (privsep_drop(&po, &st, err, sizeof err) < 0 ||
	    sandbox_install(SANDBOX_SCAN, err, sizeof err) < 0) {
		fprintf(stderr, "%s: %s\n", s->o->prog, err);
		return -1;
	}
	return 0;
}

/* Run the loop to the end (or a signal). */
static void run_loop(struct scan *s, bool resumed)
{
	s->round_timer = engine_timer_new(s->e, scan_round_timer, s);
	s->tick_timer = engine_timer_new(s->e, tick, s);
	s->start_mono = eng_clock_mono_ns(engine_clock(s->e));
	s->last_tick = s->start_mono;
	clock_gettime(CLOCK_REALTIME, &s->start_real);
	if (!resumed)
		scan_round_start(s);
	engine_timer_arm(s->e, s->tick_timer, 1000000000ULL);
	engine_stream_set(s->e, &stream_ops, s, scan_method_name(s->o->method));
	if (!s->finished)
		sigloop_run(s->base);
	engine_stream_set(s->e, NULL, NULL, NULL);
	if (!s->finished) {
		s->reserved = s->pos; /* stopped by a signal: exactly here */
		s->status = 1;
	}
	if (scan_ckpt_write(s) != 0)
		s->status = 1;
	engine_timer_free(s->e, s->round_timer);
	engine_timer_free(s->e, s->tick_timer);
}

#define ORDER_ROUND 0x656e7472u /* the entry order's permutation tag */

int scan_state_init(struct scan *s)
{
	uint32_t w = s->o->window ? s->o->window : SCAN_WINDOW_DEFAULT;
	s->nslots = s->t.n < w ? (uint32_t)s->t.n : w;
	uint64_t groups = (s->t.n + SCAN_ENTRY_GROUP - 1) / SCAN_ENTRY_GROUP;
	scan_perm_init(&s->order, groups ? groups : 1, s->o->seed, ORDER_ROUND);
	if (scan_stopset_init(&s->stop) != 0 ||
	    (s->ts = calloc(s->nslots, sizeof *s->ts)) == NULL ||
	    scan_slotmap_init(&s->slots, s->nslots) != 0) {
		fprintf(stderr, "%s: out of memory for a window of %u targets\n", s->o->prog,
			s->nslots);
		return -1;
	}
	return 0;
}

void scan_state_free(struct scan *s)
{
	if (s->ts)
		for (size_t i = 0; i < s->nslots; i++)
			free(s->ts[i].hops);
	free(s->ts);
	s->ts = NULL;
	scan_slotmap_free(&s->slots);
	scan_ckpt_close(s);
	scan_stopset_free(&s->stop);
	scan_targets_free(&s->t);
}

/* Free everything. */
static void cleanup(struct scan *s)
{
	scan_state_free(s);
	engine_free(s->e);
	if (s->base)
		event_base_free(s->base);
}

int scan_run(const struct scan_opts *o)
{
	struct scan s;
	memset(&s, 0, sizeof s);
	s.o = o;
	scan_stamp_init(&s.stamp, o->method, o->seed);
	long out_off = -1;
	int rc = 2;
	if (load_targets(&s) != 0 || open_engine(&s) != 0 || scan_state_init(&s) != 0)
		goto out;
	int resumed = scan_ckpt_resume(&s, &out_off);
	if (resumed < 0)
		goto out;
	if (s.finished) {
		fprintf(stderr, "%s: the scan in %s is finished already\n", o->prog, o->resume);
		rc = 0;
		goto out;
	}
	if (scan_out_open(&s, out_off) != 0 || scan_ckpt_open(&s) != 0 || drop_privileges(&s) != 0)
		goto out;
	run_loop(&s, resumed == 1);
	scan_out_close(&s);
	if (o->progress || o->stats)
		scan_progress(&s, eng_clock_mono_ns(engine_clock(s.e)), true);
	rc = s.status;
out:
	cleanup(&s);
	return rc;
}
