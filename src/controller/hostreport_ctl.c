/*
 * hostreport_ctl: the controller's side of HOST_REPORT (proto/msg.h). An
 * agent sends its check-host report after each WELCOME; a report whose shape
 * host_report_check() accepts replaces the agent's stored one, a bad one is
 * logged with its reason and changes nothing (the session goes on, as with
 * a bad timing report). One report is kept per HOSTREPORT_MIN_GAP seconds of
 * a session, so an agent cannot turn reports into a stream of writes.
 */
#include "controller/controller_int.h"
#include "host/host_report.h"
#include "store/store_hostreport.h"

#include <stdlib.h>
#include <time.h>

/* See controller_int.h. */
void hostreport_received(struct session *s, const json_t *report)
{
	struct controller *c = s->ctl;
	int64_t agent_id = s->agent.id;
	struct host_report_facts f;
	char err[256];
	const struct store_hostreport_ops *ops = c->store->ops->hostreport;
	if (!ops)
		return;
	if (s->host_report_at && ctl_now_mono() - s->host_report_at < HOSTREPORT_MIN_GAP) {
		ctl_log(c, "agent %lld: check-host report ignored: less than %d s after the last",
			(long long)agent_id, HOSTREPORT_MIN_GAP);
		return;
	}
	if (host_report_check(report, &f, err, sizeof err) < 0) {
		ctl_log(c, "agent %lld: check-host report ignored: %s", (long long)agent_id, err);
		return;
	}
	char *text = json_dumps(report, JSON_COMPACT);
	if (!text) {
		ctl_log(c, "agent %lld: check-host report ignored: out of memory",
			(long long)agent_id);
		return;
	}
	ingest_txn(c);
	if (ops->put(c->store, agent_id, time(NULL), f.virtualised, text, err, sizeof err) < 0) {
		ctl_log(c, "agent %lld: %s", (long long)agent_id, err);
		free(text);
		return;
	}
	s->host_report_at = ctl_now_mono();
	if (!c->opts.quiet)
		ctl_log(c, "agent %lld: check-host report: %d pass, %d warn, %d fail%s",
			(long long)agent_id, f.npass, f.nwarn, f.nfail,
			f.virtualised ? ", virtualised" : "");
	free(text);
}
