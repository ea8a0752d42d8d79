/*
 * api_status: the status check's rules over stored ping results (see
 * api_status.h). A result's RTTs are read from its "result" list (replies
 * carry "rtt", a lost packet {"x": "*"}; duplicates are not counted) and its
 * loss from "sent" and "rcvd", the fields RIPE's ping result has.
 */
#include "api/api_status.h"

#include <stdlib.h>
#include <string.h>

/* The RTTs of a ping result (null for a lost packet) as a new array. */
static json_t *rtts_of(const json_t *result)
{
	json_t *all = json_array(), *r;
	size_t i;
	json_array_foreach(json_object_get(result, "result"), i, r) {
		if (json_object_get(r, "dup"))
			continue;
		json_t *rtt = json_object_get(r, "rtt");
		json_array_append_new(all, json_is_number(rtt) ? json_real(json_number_value(rtt))
							       : json_null());
	}
	return all;
}

/* The average of the RTTs in all; 0 with *ok unset when there is none. */
static double average(const json_t *all, int *ok)
{
	double sum = 0;
	size_t n = 0, i;
	json_t *v;
	json_array_foreach(all, i, v) {
		if (json_is_number(v)) {
			sum += json_number_value(v);
			n++;
		}
	}
	*ok = n > 0;
	return n ? sum / (double)n : 0;
}

/* Percent of the packets of result that got no reply (100 when none was sent). */
static double loss_of(const json_t *result)
{
	json_int_t sent = json_integer_value(json_object_get(result, "sent"));
	json_int_t rcvd = json_integer_value(json_object_get(result, "rcvd"));
	if (sent <= 0)
		return 100.0;
	if (rcvd > sent)
		rcvd = sent;
	return (double)(sent - rcvd) * 100.0 / (double)sent;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The median of the average RTTs of results (those with a reply); 0 with *ok unset if none. */
static double median_of(const json_t *results, int *ok)
{
	size_t n = json_array_size(results), k = 0, i;
	double *v = calloc(n ? n : 1, sizeof *v);
	json_t *r;
	*ok = 0;
	if (!v)
		return 0;
	json_array_foreach(results, i, r) {
		json_t *all = rtts_of(r);
		int has;
		double avg = average(all, &has);
		json_decref(all);
		if (has)
			v[k++] = avg;
	}
	qsort(v, k, sizeof *v, cmp_double);
	double m = k == 0 ? 0 : k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
	*ok = k > 0;
	free(v);
	return m;
}

/* One probe's entry from its results (newest first); sets *alert. New reference. */
static json_t *probe_entry(const json_t *results, const struct api_status_args *a, int *alert)
{
	const json_t *latest = json_array_get(results, 0);
	json_t *all = rtts_of(latest), *reasons = json_array();
	int has_last, has_median;
	double last = average(all, &has_last), loss = loss_of(latest);
	double median = median_of(results, &has_median);
	if (loss > a->max_packet_loss)
		json_array_append_new(reasons, json_string("loss"));
	if (a->median_rtt_threshold >= 0 && has_last && has_median &&
	    last - median > a->median_rtt_threshold)
		json_array_append_new(reasons, json_string("latency"));
	*alert = json_array_size(reasons) > 0;
	json_t *o = json_pack("{s:b, s:o, s:o, s:f, s:o, s:n}", "alert", *alert,
			      "alert_reasons", reasons,
			      "last", has_last ? json_real(last) : json_null(),
			      "last_packet_loss", loss,
			      "median", has_median ? json_real(median) : json_null(),
			      "source");
	if (o && (*alert || a->show_all))
		json_object_set(o, "all", all);
	json_decref(all);
	return o;
}

/* See api_status.h. */
json_t *api_status_check(const json_t *by_probe, const struct api_status_args *a)
{
	json_t *probes = json_object(), *results;
	const char *id;
	int alerts = 0, ok = probes != NULL;
	json_object_foreach((json_t *)by_probe, id, results) {
		int alert = 0;
		json_t *e = json_array_size(results) ? probe_entry(results, a, &alert) : NULL;
		if (!e)
			continue;
		alerts += alert;
		ok &= json_object_set_new(probes, id, e) == 0;
	}
	if (!ok) {
		json_decref(probes);
		return NULL;
	}
	return json_pack("{s:b, s:i, s:o}", "global_alert", alerts > a->permitted_total_alerts,
			 "total_alerts", alerts, "probes", probes);
}
