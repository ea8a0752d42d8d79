/*
 * timing: timing_sample() and its clock, timer, steal, synchronisation and
 * clock-step measurements (kernel timestamps are in timing_ts.c).
 */
#include "host/timing_int.h"
#include "host/procfs.h"
#include "analysis/stats.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/timex.h>

/* NTP never slews faster than 500 ppm; a faster move is a step. */
#define SLEW_PPM 500.0
/* Beyond the slew allowance, this much movement counts as a step. */
#define STEP_US 100.0

/* Fill *o for depth. */
void timing_opts_default(enum timing_depth depth, struct timing_opts *o)
{
	if (depth == TIMING_FULL) {
		o->clock_reads = 200000;
		o->ts_bursts = 64;
		o->timer_wakeups = 500;
		o->timer_period_us = 1000;
	} else {
		o->clock_reads = 5000;
		o->ts_bursts = 8;
		o->timer_wakeups = 40;
		o->timer_period_us = 1000;
	}
}

/* Monotonic nanoseconds now. */
static int64_t mono_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return timing_ns(&t);
}

/* Clock resolution, read cost and smallest observed step. */
static void measure_clock(const struct timing_opts *o, struct timing_report *out)
{
	struct timespec res;
	if (clock_getres(CLOCK_MONOTONIC, &res) == 0)
		out->res_ns = (long)timing_ns(&res);
	int64_t prev = mono_ns(), start = prev, step = 0;
	for (unsigned i = 0; i < o->clock_reads; i++) {
		int64_t now = mono_ns();
		if (now > prev && (step == 0 || now - prev < step))
			step = now - prev;
		prev = now;
	}
	out->read_ns = o->clock_reads ? (double)(prev - start) / o->clock_reads : 0;
	out->step_ns = (long)step;
}

/*
 * REALTIME - MONOTONIC in ns, read between two monotonic reads; returns 0,
 * or -1 when the reads were too far apart (preempted) to trust.
 */
static int rt_offset(int64_t *off)
{
	struct timespec m1, rt, m2;
	clock_gettime(CLOCK_MONOTONIC, &m1);
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &m2);
	int64_t a = timing_ns(&m1), b = timing_ns(&m2);
	if (b - a > 20000)
		return -1;
	*off = timing_ns(&rt) - (a + (b - a) / 2);
	return 0;
}

/* Running minimum and maximum of REALTIME - MONOTONIC. */
struct rt_track {
	int64_t min, max;
	int seen;
};

/* Add one offset reading to t (if it could be taken). */
static void rt_track_add(struct rt_track *t)
{
	int64_t off;
	if (rt_offset(&off) < 0)
		return;
	if (!t->seen || off < t->min)
		t->min = off;
	if (!t->seen || off > t->max)
		t->max = off;
	t->seen = 1;
}

/* Timer lateness of absolute sleeps; also tracks REALTIME offsets. */
static void measure_timers(const struct timing_opts *o, struct timing_report *out,
			   struct rt_track *rt)
{
	double *late = calloc(o->timer_wakeups + 1, sizeof *late);
	if (!late)
		return;
	unsigned n = 0;
	int slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
	out->timer_slack_ns = slack < 0 ? -1 : slack;
	int64_t period = (int64_t)o->timer_period_us * 1000, target = mono_ns();
	for (unsigned i = 0; i < o->timer_wakeups; i++) {
		target += period;
		struct timespec ts = { (time_t)(target / 1000000000), (long)(target % 1000000000) };
		int rc;
		while ((rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL)) == EINTR)
			;
		if (rc != 0)
			break;
		int64_t now = mono_ns();
		late[n++] = (double)(now - target) / 1000.0;
		if (now - target > period)
			target = now; /* do not rush to catch up */
		rt_track_add(rt);
	}
	stats_sort(late, n);
	out->timer_n = n;
	out->late_p50_us = n ? stats_quantile_sorted(late, n, 0.5) : 0;
	out->late_p99_us = n ? stats_quantile_sorted(late, n, 0.99) : 0;
	out->late_max_us = n ? late[n - 1] : 0;
	free(late);
}

/* Read /proc/stat's aggregate counters; 0 or -1. */
static int read_ticks(struct cpu_ticks *t)
{
	char buf[4096];
	long n = procfs_read("/proc/stat", buf, sizeof buf);
	return n > 0 ? procfs_stat_cpu(buf, (size_t)n, t) : -1;
}

/* adjtimex: synchronised or not, and the error bounds. */
static void measure_sync(struct timing_report *out)
{
	struct timex tx;
	memset(&tx, 0, sizeof tx);
	int st = adjtimex(&tx);
	if (st < 0)
		return;
	out->sync_ok = 1;
	out->adjtimex_state = st;
	out->synced = st != TIME_ERROR && !(tx.status & STA_UNSYNC);
	out->maxerror_us = tx.maxerror;
	out->esterror_us = tx.esterror;
}

/* Steal percentages from two /proc/stat readings. */
static void steal_from(const struct cpu_ticks *a, const struct cpu_ticks *b,
		       struct timing_report *out)
{
	out->steal_ok = 1;
	out->steal_boot_pct = b->total ? 100.0 * (double)b->steal / (double)b->total : 0;
	uint64_t dt = b->total - a->total, ds = b->steal - a->steal;
	out->steal_pct = b->total > a->total ? 100.0 * (double)ds / (double)dt : 0;
}

/* Measure everything; see timing.h. */
int timing_sample(const struct timing_opts *opts, struct timing_report *out,
		  char *err, size_t errlen)
{
	struct timing_opts quick;
	if (!opts) {
		timing_opts_default(TIMING_QUICK, &quick);
		opts = &quick;
	}
	memset(out, 0, sizeof *out);
	if (clock_gettime(CLOCK_REALTIME, &out->when) != 0) {
		snprintf(err, errlen, "clock_gettime: %s", strerror(errno));
		return -1;
	}
	struct cpu_ticks t0, t1;
	struct rt_track rt = { 0, 0, 0 };
	int ticks = read_ticks(&t0) == 0;
	int64_t start = mono_ns();
	rt_track_add(&rt);
	measure_clock(opts, out);
	timing_kernel_ts(opts, out);
	measure_timers(opts, out, &rt);
	measure_sync(out);
	rt_track_add(&rt);
	out->duration_ms = (double)(mono_ns() - start) / 1e6;
	if (ticks && read_ticks(&t1) == 0)
		steal_from(&t0, &t1, out);
	out->rt_drift_us = rt.seen ? (double)(rt.max - rt.min) / 1000.0 : 0;
	double allowed = SLEW_PPM * 1e-6 * out->duration_ms * 1000.0;
	out->rt_jump_us = out->rt_drift_us > allowed ? out->rt_drift_us - allowed : 0;
	out->rt_stepped = out->rt_jump_us > STEP_US;
	return 0;
}
