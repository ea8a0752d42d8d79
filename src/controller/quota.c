/*
 * quota: what one agent may cost the controller, so that a hostile or broken
 * agent cannot fill the disk or stop ingest for the others. Per agent: HELLOs
 * a minute (each one writes a sessions row and resends every definition; a
 * token bucket that refused HELLOs do not drain, hello_bucket.h),
 * results a second (a token bucket: over it the session's reading pauses,
 * nothing is lost), bytes a UTC day (results, status and timing; over it the
 * session is closed with the reason and HELLOs are refused until the next
 * day, the results wait in the agent's spool), and timing reports (size, and
 * rows a day). And for everyone: below a floor of free disk space the
 * controller refuses new data with a reason instead of failing every commit.
 */
#include "controller/controller_int.h"
#include "controller/hello_bucket.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

/* The quota state of one agent, kept across its sessions. */
struct quota {
	struct hello_bucket hellos;   /* HELLOs let in */
	double tokens;           /* results that may come now */
	int64_t refilled_ms;     /* when tokens were last refilled (monotonic ms) */
	int64_t day;             /* UTC day number the counts below are of */
	uint64_t bytes;          /* bytes taken that day */
	int timing_rows;         /* timing reports stored that day */
};

/* Monotonic milliseconds. */
static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* See controller_int.h. */
void quota_defaults(struct controller_opts *o)
{
	if (o->quota_results_per_sec <= 0)
		o->quota_results_per_sec = 100;
	if (o->quota_mb_per_day <= 0)
		o->quota_mb_per_day = 1024;
	if (o->hello_per_min <= 0)
		o->hello_per_min = 10;
	if (o->timing_max_bytes <= 0)
		o->timing_max_bytes = 16384;
	if (o->timing_max_per_day <= 0)
		o->timing_max_per_day = 1440;
}

/* The quota state of agent id (created on first use), or NULL. */
static struct quota *of(struct controller *c, int64_t id)
{
	if (id < 0 || id > (1 << 30))
		return NULL;
	if ((size_t)id >= c->nquota) {
		size_t n = c->nquota ? c->nquota : 64;
		while (n <= (size_t)id)
			n *= 2;
		struct quota *q = realloc(c->quota, n * sizeof *q);
		if (!q)
			return NULL;
		memset(q + c->nquota, 0, (n - c->nquota) * sizeof *q);
		c->quota = q;
		c->nquota = n;
	}
	struct quota *q = &c->quota[id];
	int64_t day = time(NULL) / 86400;
	if (q->day != day) {
		q->day = day;
		q->bytes = 0;
		q->timing_rows = 0;
	}
	return q;
}

/* See controller_int.h. */
int quota_disk(struct controller *c, char *why, size_t len)
{
	int64_t now = ctl_now_mono();
	if (c->disk_checked != now) {
		char dir[4096];
		struct statvfs sv;
		snprintf(dir, sizeof dir, "%s", c->opts.db_path);
		c->disk_checked = now;
		if (statvfs(dirname(dir), &sv) == 0) {
			uint64_t size = (uint64_t)sv.f_blocks * sv.f_frsize;
			uint64_t floor = c->opts.disk_floor_mb > 0 ?
				(uint64_t)c->opts.disk_floor_mb << 20 : size / 20;
			if (c->opts.disk_floor_mb <= 0 && floor > (256u << 20))
				floor = 256u << 20;
			c->disk_free = (uint64_t)sv.f_bavail * sv.f_frsize;
			c->disk_floor = floor;
		}
	}
	if (c->disk_free >= c->disk_floor)
		return 0;
	snprintf(why, len, "controller disk nearly full (%llu MiB free, floor %llu MiB):"
		 " refusing new data, retry later", (unsigned long long)(c->disk_free >> 20),
		 (unsigned long long)(c->disk_floor >> 20));
	return -1;
}

/* Over the daily byte quota? -1 with why. */
static int over_bytes(struct controller *c, const struct quota *q, char *why, size_t len)
{
	if (q->bytes < (uint64_t)c->opts.quota_mb_per_day << 20)
		return 0;
	snprintf(why, len, "daily quota of %d MiB reached: retry after 00:00 UTC",
		 c->opts.quota_mb_per_day);
	return -1;
}

/* See controller_int.h. */
int quota_hello(struct controller *c, int64_t agent_id, char *why, size_t len)
{
	struct quota *q = of(c, agent_id);
	int64_t wait_ms = 0;
	if (!q) {
		snprintf(why, len, "controller out of memory");
		return -1;
	}
	if (hello_bucket_take(&q->hellos, c->opts.hello_per_min, now_ms(), &wait_ms) < 0) {
		snprintf(why, len, "too many connections: at most %d HELLOs a minute;"
			 " the next is let in after %lld ms", c->opts.hello_per_min,
			 (long long)wait_ms);
		return -1;
	}
	return over_bytes(c, q, why, len) < 0 ? -1 : quota_disk(c, why, len);
}

/* Take reading up again after a pause. */
static void resume_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct session *s = arg;
	if (!ingest_nats_holding(s->ctl))   /* else ingest_nats.c takes it up when it lets go */
		bufferevent_enable(conn_bev(s->conn), EV_READ);
}

/* Stop reading from s for ms milliseconds. */
static void pause_reading(struct session *s, int64_t ms)
{
	if (!s->resume && !(s->resume = evtimer_new(s->ctl->base, resume_cb, s)))
		return;
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	bufferevent_disable(conn_bev(s->conn), EV_READ);
	evtimer_add(s->resume, &tv);
}

/* See controller_int.h. */
int quota_result(struct controller *c, struct session *s, size_t bytes, char *why, size_t len)
{
	struct quota *q = of(c, s->agent.id);
	if (!q) {
		snprintf(why, len, "controller out of memory");
		return -1;
	}
	if (over_bytes(c, q, why, len) < 0 || quota_disk(c, why, len) < 0)
		return -1;
	q->bytes += bytes;
	double rate = c->opts.quota_results_per_sec, burst = 2 * rate;
	int64_t now = now_ms();
	q->tokens += (double)(now - q->refilled_ms) * rate / 1000;
	q->refilled_ms = now;
	if (q->tokens > burst)
		q->tokens = burst;
	q->tokens -= 1;
	if (q->tokens < 0)
		pause_reading(s, (int64_t)(-q->tokens * 1000 / rate) + 1);
	return 0;
}

/* See controller_int.h. */
void quota_bytes(struct controller *c, int64_t agent_id, size_t bytes)
{
	struct quota *q = of(c, agent_id);
	if (q)
		q->bytes += bytes;
}

/* See controller_int.h. */
int quota_timing(struct controller *c, int64_t agent_id, size_t bytes, char *why, size_t len)
{
	struct quota *q = of(c, agent_id);
	if (!q)
		return -1;
	if (bytes > (size_t)c->opts.timing_max_bytes) {
		snprintf(why, len, "timing report of %zu bytes over the limit of %d ignored", bytes,
			 c->opts.timing_max_bytes);
		return -1;
	}
	if (q->timing_rows >= c->opts.timing_max_per_day) {
		snprintf(why, len, "timing report ignored: %d stored today already",
			 q->timing_rows);
		return -1;
	}
	q->timing_rows++;
	return 0;
}

/* See controller_int.h. */
void quota_session_end(struct session *s)
{
	if (s->resume)
		event_free(s->resume);
	s->resume = NULL;
}

/* See controller_int.h. */
void quota_free(struct controller *c)
{
	free(c->quota);
	c->quota = NULL;
	c->nquota = 0;
}
