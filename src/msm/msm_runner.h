/*
 * msm_runner: the contract between the agent and the measurement engine.
 * The agent owns a libevent event_base (next to its TLS connection) and a
 * site policy; it creates one runner on them, then submits RIPE Atlas API
 * measurement definitions as they arrive. Each finished measurement is
 * encoded as one RIPE Atlas result object, as JSON text, and handed to the
 * callback, which owns it (free when done, e.g. after spooling it): the
 * agent spools those bytes as they are, with no parse and no second print
 * (issue 19: that was a jansson tree and two float printings per result on
 * the agent's hot path). All measurements
 * of a runner share one packets-per-second budget and one set of raw sockets.
 */
#ifndef VANTAGE_MSM_MSM_RUNNER_H
#define VANTAGE_MSM_MSM_RUNNER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct event_base;
struct aup;
struct msm_runner;

/* How a runner is set up. Zero-initialise, then set what you need. */
struct msm_runner_opts {
	uint32_t pps;            /* probes per second over all measurements;
				    0 = as fast as the machine allows; capped
				    by the AUP's pps ceiling when it has one */
	const struct aup *aup;   /* the site policy (src/policy/aup.h: allowed
				    methods, pps ceiling, destinations,
				    no-probe list) checked before every probe
				    leaves; refused probes are counted in the
				    result. NULL = none (command line only).
				    Must outlive the runner. */
	uint32_t prb_id;         /* this vantage point's id (RIPE "prb_id") */
	const char *src4;        /* source address to use for IPv4, or NULL */
	const char *src6;        /* source address to use for IPv6, or NULL */
};

/*
 * Called once per finished measurement run with one RIPE Atlas result object
 * (type "ping" or "traceroute", fields as in the public result format, with
 * "msm_id" the definition's "msm_id", 0 if it had none) as JSON text: len
 * bytes and a NUL, malloc'd, owned by the callee. The text is what
 * atlas_ping_line/atlas_trace_line write (src/format/atlas_json.h): one
 * compact object on one line, printable ASCII only (every other byte of a
 * string escaped), no key twice at any depth, no NUL inside a string.
 * `msm_id` is the definition's id (0 if none).
 */
typedef void (*msm_runner_cb)(char *result, size_t len, uint64_t msm_id, void *arg);

/*
 * Create a runner on `base`: opens the raw sockets (needs CAP_NET_RAW).
 * Returns NULL and writes one line into err on failure.
 */
struct msm_runner *msm_runner_new(struct event_base *base,
				  const struct msm_runner_opts *opts,
				  char *err, size_t errlen);

/*
 * Submit one RIPE Atlas API measurement definition, e.g.
 *   {"type":"ping","af":4,"target":"198.18.1.2","packets":3,"size":48,
 *    "interval":1000,"msm_id":1001}
 *   {"type":"traceroute","af":6,"target":"2001:db8::1","protocol":"ICMP",
 *    "paris":16,"first_hop":1,"max_hops":32,"packets":3,"size":48,
 *    "port":33434,"timeout":4000,"gap_limit":3}
 * The target must be an address literal (the agent resolves names). An
 * optional "dst_name" (the host name the agent resolved target from, as with
 * RIPE's resolve_on_probe) becomes the result's dst_name; without it the
 * result's dst_name is the target.
 * Starts it at once; `cb` is called when it is finished.
 * Returns 0, or -1 with a one-line reason in err (bad definition; nothing
 * was started).
 */
int msm_runner_submit(struct msm_runner *r, const json_t *definition,
		      msm_runner_cb cb, void *arg, char *err, size_t errlen);

/*
 * As msm_runner_submit, and the run's probes leave at most at pps (0: no
 * limit of its own): every run submitted with the same pps shares one budget
 * of pps besides the runner's (a team member's rate, below the site's
 * ceiling: the probes go at the smaller of the two).
 */
int msm_runner_submit_paced(struct msm_runner *r, const json_t *definition, uint32_t pps,
			    msm_runner_cb cb, void *arg, char *err, size_t errlen);

/* Measurements submitted and not yet finished. */
size_t msm_runner_pending(const struct msm_runner *r);

/* Stop everything (unfinished measurements are dropped without a callback),
   close the sockets and free the runner. NULL is allowed. */
void msm_runner_free(struct msm_runner *r);

#endif
