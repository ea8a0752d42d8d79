/*
 * hostcheck: the agent's own check-host report. At start, before it gives up
 * root, the agent checks its host against its role's built-in requirements
 * (host/check.h; the quick timing sample, with the spool's file system as
 * the storage checked) and keeps the report; it sends it as HOST_REPORT
 * after each WELCOME, so the controller always holds the report of the
 * running agent. Its timing figures are refreshed by the STATUS telemetry.
 */
#include "agent/agent_int.h"
#include "host/check.h"
#include "host/check_json.h"
#include "host/host_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* See agent_int.h. */
void agent_host_check(struct agent *a)
{
	struct host_requirements req;
	enum host_role role = ROLE_PROBE;
	if (role_parse(a->cfg.role, &role) < 0)
		role = ROLE_PROBE;
	requirements_default(role, &req);
	if (strlen(a->cfg.spool_dir) < sizeof req.storage_path)
		memcpy(req.storage_path, a->cfg.spool_dir, strlen(a->cfg.spool_dir) + 1);
	struct host_facts *f = calloc(1, sizeof *f);
	struct check_report *r = calloc(1, sizeof *r);
	if (f && r) {
		host_facts_collect(&req, NULL, TIMING_QUICK, f);
		check_evaluate(&req, f, r);
		json_decref(a->host_report);
		a->host_report = check_report_json(&req, "built-in", f, r);
	}
	free(f);
	free(r);
	struct host_report_facts hf;
	char err[256];
	if (!a->host_report || host_report_check(a->host_report, &hf, err, sizeof err) < 0) {
		agent_log(a, "check-host report not sent: %s", a->host_report ? err : "out of memory");
		json_decref(a->host_report);
		a->host_report = NULL;
		return;
	}
	agent_log(a, "check-host: %d pass, %d warn, %d fail%s", hf.npass, hf.nwarn, hf.nfail,
		  hf.virtualised ? " (virtualised)" : "");
}

/* See agent_int.h. */
void agent_send_host_report(struct agent *a)
{
	if (!a->host_report)
		return;
	struct msg m = { .type = MSG_HOST_REPORT, .body = a->host_report };
	link_send(a, &m);
}
