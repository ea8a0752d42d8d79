/*
 * js_result: the JetStream form of a result (see js_result.h): its subject,
 * its message id, its charge, and the parsing of them back into a
 * store_result.
 */
#include "jetstream/js_result.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/numparse.h"

/* See js_result.h. */
void js_result_id(int64_t agent, int64_t epoch, int64_t seq, char *id, size_t idlen)
{
	snprintf(id, idlen, "%" PRId64 ".%" PRId64 ".%" PRId64, agent, epoch, seq);
}

/* See js_result.h. */
void js_result_subject(int64_t agent, char *subj, size_t len)
{
	snprintf(subj, len, "vantage.results.%" PRId64, agent);
}

/* The number in text[0, n) into *out (min..INT64_MAX); 0 or -1 with err naming what. */
static int field(const char *text, size_t n, long long min, const char *what, long long *out,
		 char *err, size_t errlen)
{
	char buf[24], why[64];
	if (n == 0 || n >= sizeof buf) {
		snprintf(err, errlen, "message id: %s is %s", what, n ? "too long" : "missing");
		return -1;
	}
	memcpy(buf, text, n);
	buf[n] = '\0';
	if (!parse_bounded(buf, min, INT64_MAX, out, why, sizeof why)) {
		snprintf(err, errlen, "message id: %s: %s", what, why);
		return -1;
	}
	return 0;
}

/* See js_result.h. */
int js_result_parse(const char *id, const char *msm, struct store_result *r,
		    char *err, size_t errlen)
{
	const char *names[3] = { "agent", "epoch", "seq" };
	long long mins[3] = { 1, 0, 1 }, v[3], m;
	const char *p = id ? id : "";
	for (int i = 0; i < 3; i++) {
		const char *dot = i < 2 ? strchr(p, '.') : p + strlen(p);
		if (!dot) {
			snprintf(err, errlen, "message id '%.40s': not AGENT.EPOCH.SEQ", id ? id : "");
			return -1;
		}
		if (field(p, (size_t)(dot - p), mins[i], names[i], &v[i], err, errlen) < 0)
			return -1;
		p = dot + 1;
	}
	if (field(msm ? msm : "", msm ? strlen(msm) : 0, 1, "Vantage-Msm", &m, err, errlen) < 0)
		return -1;
	r->agent_id = v[0];
	r->epoch = v[1];
	r->seq = v[2];
	r->msm_id = m;
	return 0;
}

/* See js_result.h. */
void js_result_charge(int64_t account, int64_t cost, char *out, size_t len)
{
	snprintf(out, len, "%" PRId64 ".%" PRId64, account, cost);
}

/* See js_result.h. */
int js_result_charge_parse(const char *text, struct store_result *r, char *err, size_t errlen)
{
	long long account, cost;
	const char *t = text ? text : "", *dot = strchr(t, '.');
	char why[160];
	if (!dot || field(t, (size_t)(dot - t), 1, "account", &account, why, sizeof why) < 0 ||
	    field(dot + 1, strlen(dot + 1), 0, "cost", &cost, why, sizeof why) < 0) {
		snprintf(err, errlen, "Vantage-Charge '%.40s': not ACCOUNT.COST%s%s", t,
			 dot ? ": " : "", dot ? why : "");
		return -1;
	}
	r->charge_account = account;
	r->charge = cost;
	return 0;
}
