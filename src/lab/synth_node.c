/*
 * synth_node: a synthetic Internet answering on a TUN device (see synth_node.h).
 */
#include "lab/synth_node.h"
#include "lab/lab.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WHEEL_SLOTS 8192            /* 8.2 s at 1 ms a tick: beyond any round trip */
#define WHEEL_TICK_NS 1000000ULL
#define WHEEL_CAP 262144            /* replies in flight */
#define READ_BATCH 256

/* Write one prefix table to dir/name.suffix. 0, or -1 with err. */
static int write_table(const struct synth *g, int af, const char *dir, const char *name, char *err,
		       size_t errlen)
{
	char path[256], tmp[270];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s.pfx2as%s", dir, name, af == 6 ? "6" : "");
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if (!(f = fopen(tmp, "w")) || synth_write_pfx2as(g, af, f) < 0 || fclose(f) != 0 ||
	    rename(tmp, path) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Write both prefix tables (see synth_node.h). */
int synth_node_write_tables(const struct synth *g, const char *dir, const char *name, char *err,
			    size_t errlen)
{
	if (write_table(g, 4, dir, name, err, errlen) < 0)
		return -1;
	return write_table(g, 6, dir, name, err, errlen);
}

/* Generate and start node n (see synth_node.h). */
int synth_node_start(struct synth_node *s, const struct lab *lab, int n, int fd, char *err,
		     size_t errlen)
{
	const struct lab_node *node = &lab->topo.nodes[n];
	struct timespec ts;

	memset(s, 0, sizeof *s);
	s->node = n;
	s->fd = fd;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (synth_init(&s->g, &node->synth, err, errlen) < 0)
		return -1;
	if (synth_wheel_init(&s->wheel, WHEEL_SLOTS, WHEEL_TICK_NS, WHEEL_CAP,
			     (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec) < 0) {
		snprintf(err, errlen, "internet %s: out of memory", node->name);
		synth_free(&s->g);
		return -1;
	}
	snprintf(s->stats_path, sizeof s->stats_path, "%s/%s.stats", lab->dir, node->name);
	if (synth_node_write_tables(&s->g, lab->dir, node->name, err, errlen) < 0) {
		synth_node_stop(s);
		return -1;
	}
	return 0;
}

/* Read and answer the waiting probes (see synth_node.h). */
void synth_node_read(struct synth_node *s, uint64_t now_ns)
{
	uint8_t buf[2048];
	struct synth_reply r;

	for (int i = 0; i < READ_BATCH; i++) {
		ssize_t n = read(s->fd, buf, sizeof buf);
		if (n <= 0)
			return;
		if (s->probes++ == 0)
			s->first_ns = now_ns;
		s->last_ns = now_ns;
		if (synth_answer(&s->g, buf, (size_t)n, now_ns, &r) == 1)
			synth_wheel_add(&s->wheel, now_ns, now_ns + r.delay_ns, r.data, r.len);
	}
}

/* Rewrite NODE.stats: the counters, one "name value" a line. */
static void write_stats(struct synth_node *s)
{
	char tmp[270];
	FILE *f;

	snprintf(tmp, sizeof tmp, "%s.tmp", s->stats_path);
	if (!(f = fopen(tmp, "w")))
		return;
	fprintf(f, "probes %llu\nreplies %llu\nanswered %llu\nsilent %llu\nratelimited %llu\n"
		"ignored %llu\nwheel_full %llu\nfirst_ns %llu\nlast_ns %llu\n",
		(unsigned long long)s->probes, (unsigned long long)s->replies,
		(unsigned long long)s->g.answered, (unsigned long long)s->g.dropped_silent,
		(unsigned long long)s->g.dropped_ratelimit, (unsigned long long)s->g.ignored,
		(unsigned long long)s->wheel.dropped, (unsigned long long)s->first_ns,
		(unsigned long long)s->last_ns);
	if (fclose(f) == 0)
		rename(tmp, s->stats_path);
}

/* Send the replies due by now_ns (see synth_node.h). */
uint64_t synth_node_send(struct synth_node *s, uint64_t now_ns)
{
	uint8_t buf[SYNTH_REPLY_MAX];
	size_t len;

	while ((len = synth_wheel_pop(&s->wheel, now_ns, buf)) > 0) {
		if (write(s->fd, buf, len) < 0 && errno != EIO && errno != EAGAIN)
			fprintf(stderr, "keeper: internet write: %s\n", strerror(errno));
		s->replies++;
	}
	if (s->probes && now_ns - s->stats_ns >= 1000000000ULL && s->last_ns > s->stats_ns) {
		write_stats(s);
		s->stats_ns = now_ns;
	}
	if (s->last_ns > s->stats_ns && synth_wheel_next_ns(&s->wheel) == UINT64_MAX)
		return s->stats_ns + 1000000000ULL;    /* wake once more to write the last counts */
	return synth_wheel_next_ns(&s->wheel);
}

/* Stop the node (see synth_node.h). */
void synth_node_stop(struct synth_node *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	synth_wheel_free(&s->wheel);
	synth_free(&s->g);
}
