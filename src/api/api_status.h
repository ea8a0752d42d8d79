/*
 * api_status: RIPE Atlas's status check of a ping measurement
 * (GET /measurements/{id}/status-check/) computed from each probe's latest
 * results: which probes alert and whether the measurement as a whole does.
 * Pure: results in, answer out, so every rule is unit tested.
 */
#ifndef VANTAGE_API_API_STATUS_H
#define VANTAGE_API_API_STATUS_H

#include <jansson.h>

#include "api/api_query.h"

/*
 * The answer {global_alert, total_alerts, probes: {"ID": {alert,
 * alert_reasons, last, last_packet_loss, median, source, all}}} for
 * by_probe, an object {"ID": [result, ...]} of RIPE ping results, newest
 * first (at most a->lookback each). A probe alerts when its latest result
 * lost more than a->max_packet_loss percent ("loss"), or, with
 * a->median_rtt_threshold given, when its latest average RTT is more than
 * that many ms over the median of the averages of its results ("latency").
 * "all" (the latest result's RTTs, null for a lost packet) is given for
 * alerting probes, or for every probe with a->show_all. The global alert is
 * raised when more probes alert than a->permitted_total_alerts. New
 * reference, or NULL when out of memory.
 */
json_t *api_status_check(const json_t *by_probe, const struct api_status_args *a);

#endif
