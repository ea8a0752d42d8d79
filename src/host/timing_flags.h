/*
 * timing_flags: when is a host's timing too poor to trust its RTTs? The
 * rules, over a timing report in its JSON form (timing_report_json), each
 * with its threshold in struct timing_limits (defaults below, the one place
 * they are set; an agent's config may tighten or relax them):
 *   clock_stepped        CLOCK_REALTIME stepped during the sample
 *                        (realtime.stepped): wall-clock labels jumped;
 *   unsynchronised       the kernel says the clock is not synchronised and
 *                        its maximum error exceeds max_error_us (100 ms);
 *   steal                steal time during the sample above steal_pct (5 %):
 *                        the hypervisor ran others while we waited;
 *   coarse_timestamps    kernel RX timestamps step by (or sit on a grid of)
 *                        more than coarse_ns (10 us);
 *   no_kernel_timestamps SO_TIMESTAMPING RX timestamps did not arrive.
 * Parts the report could not measure (steal.ok, sync.ok false) raise no flag.
 * Evaluation is pure and bounded: the report may come from the network.
 */
#ifndef VANTAGE_HOST_TIMING_FLAGS_H
#define VANTAGE_HOST_TIMING_FLAGS_H

#include <jansson.h>
#include <stddef.h>

enum timing_flag {
	TIMING_F_STEPPED = 1u << 0,
	TIMING_F_UNSYNC = 1u << 1,
	TIMING_F_STEAL = 1u << 2,
	TIMING_F_COARSE = 1u << 3,
	TIMING_F_NO_KTS = 1u << 4,
	TIMING_F_ALL = (1u << 5) - 1,
};

struct timing_limits {
	long long max_error_us;   /* unsynchronised and maxerror above: poor */
	double steal_pct;         /* steal during the sample above: poor     */
	long long coarse_ns;      /* timestamp step or grid above: poor      */
};

/* Fill *l with the documented defaults (100 ms, 5 %, 10 us). */
void timing_limits_default(struct timing_limits *l);

/* The flags the report (a timing_report_json object) raises under l. */
unsigned timing_flags_eval(const json_t *report, const struct timing_limits *l);

/* The flags as a JSON array of their names ("steal", ...); NULL if out of memory. */
json_t *timing_flags_json(unsigned flags);

/*
 * Read a JSON array of flag names into *flags. Returns 0, or -1 with err
 * when it is not an array of known names.
 */
int timing_flags_parse(const json_t *names, unsigned *flags, char *err, size_t errlen);

#endif
