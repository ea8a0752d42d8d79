/*
 * timing: how good is this host's sense of time for measuring RTTs? One call,
 * timing_sample(), measures on the spot and fills a timing_report:
 *   - clock: clock_getres of CLOCK_MONOTONIC, the cost of one clock read and
 *     the smallest step seen between two distinct reads;
 *   - kernel timestamps: bursts of UDP datagrams over loopback carry
 *     SO_TIMESTAMPING software TX and RX timestamps; the report gives the
 *     smallest step between distinct RX timestamps, the grid step they sit
 *     on if they are quantized (analysis/quant), and the kernel's TX-to-RX
 *     time over loopback;
 *   - timers: how late absolute CLOCK_MONOTONIC sleeps wake up (p50, p99,
 *     max), which is how late paced probes leave;
 *   - steal time over the sample (/proc/stat) and since boot;
 *   - synchronisation: adjtimex status (STA_UNSYNC), maxerror, esterror;
 *   - clock steps: whether CLOCK_REALTIME moved against CLOCK_MONOTONIC by
 *     more than NTP's maximum slew during the sample.
 * The quick depth (for an agent's periodic telemetry) takes about 60 ms; the
 * full depth (for `vantage check-host`) about a second. Only loopback is used.
 */
#ifndef VANTAGE_HOST_TIMING_H
#define VANTAGE_HOST_TIMING_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct json_t;

enum timing_depth { TIMING_QUICK = 0, TIMING_FULL = 1 };

/* How much to measure. */
struct timing_opts {
	unsigned clock_reads;     /* back-to-back clock reads             */
	unsigned ts_bursts;       /* loopback bursts of 8 datagrams       */
	unsigned timer_wakeups;   /* absolute sleeps                       */
	unsigned timer_period_us; /* spacing of the sleeps                 */
};

struct timing_report {
	struct timespec when;     /* CLOCK_REALTIME at the start (a label) */
	double duration_ms;       /* how long the sample took              */
	/* clock */
	long res_ns;              /* clock_getres(CLOCK_MONOTONIC)         */
	double read_ns;           /* mean cost of one clock_gettime        */
	long step_ns;             /* smallest positive step between reads  */
	/* kernel timestamps over loopback */
	int ts_ok;                /* SO_TIMESTAMPING RX timestamps arrived */
	int tx_ts_ok;             /* ... and TX timestamps                 */
	char ts_error[80];        /* why not                               */
	unsigned ts_samples;      /* RX timestamps collected               */
	unsigned ts_equal;        /* consecutive equal RX timestamps       */
	long ts_step_ns;          /* smallest positive step between them   */
	double ts_quantum_ns;     /* grid step they sit on, 0: none found  */
	double loop_us;           /* median kernel TX-to-RX time, loopback */
	/* timers */
	unsigned timer_n;
	double late_p50_us, late_p99_us, late_max_us;
	long timer_slack_ns;      /* this thread's timer slack (prctl), which
				     lets the kernel defer wake-ups that much */
	/* steal */
	int steal_ok;
	double steal_pct;         /* during the sample                      */
	double steal_boot_pct;    /* since boot                             */
	/* synchronisation */
	int sync_ok;              /* adjtimex answered                      */
	int synced;               /* not STA_UNSYNC and not TIME_ERROR      */
	int adjtimex_state;       /* adjtimex return value (TIME_OK...)     */
	long maxerror_us, esterror_us;
	/* CLOCK_REALTIME steps */
	double rt_drift_us;       /* spread of REALTIME-MONOTONIC offsets   */
	double rt_jump_us;        /* spread beyond the 500 ppm slew limit   */
	int rt_stepped;           /* rt_jump_us > 100 us                    */
};

/* Fill *o with the measuring effort of depth. */
void timing_opts_default(enum timing_depth depth, struct timing_opts *o);

/*
 * Measure timing quality (opts NULL: TIMING_QUICK) into *out. Parts that
 * cannot be measured are marked (ts_ok, steal_ok, sync_ok = 0). Returns 0,
 * or -1 with err filled when nothing could be measured.
 */
int timing_sample(const struct timing_opts *opts, struct timing_report *out,
		  char *err, size_t errlen);

/* Encode a report as a JSON object (caller owns the reference). */
struct json_t *timing_report_json(const struct timing_report *r);

/* Encode a report as compact JSON text (caller frees), NULL on failure. */
char *timing_report_json_text(const struct timing_report *r);

#endif
