/*
 * check: compare host facts with a role's requirements, one line per
 * requirement (see check.h). Each check_* function below judges one topic.
 */
#include "host/check_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* Name of a status. */
const char *check_status_name(enum check_status s)
{
	static const char *names[] = { "pass", "warn", "fail" };
	return s <= CHECK_FAIL ? names[s] : "?";
}

/* Append one line to out (silently dropped when full). */
void check_add(struct check_report *out, const char *name, enum check_status st,
	       const char *need, const char *fmt, ...)
{
	if (out->n >= sizeof out->line / sizeof out->line[0])
		return;
	struct check_line *l = &out->line[out->n++];
	snprintf(l->name, sizeof l->name, "%s", name);
	snprintf(l->need, sizeof l->need, "%s", need);
	l->status = st;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(l->value, sizeof l->value, fmt, ap);
	va_end(ap);
	out->npass += st == CHECK_PASS;
	out->nwarn += st == CHECK_WARN;
	out->nfail += st == CHECK_FAIL;
}

/* Missing capability: fail if required, warn if preferred. */
enum check_status level_status(enum req_level level, int ok)
{
	if (ok || level == REQ_IGNORED)
		return CHECK_PASS;
	return level == REQ_REQUIRED ? CHECK_FAIL : CHECK_WARN;
}

/* Status of a measured value against warn and fail thresholds (0: none). */
static enum check_status threshold(double v, long long warn, long long fail)
{
	if (fail > 0 && v > (double)fail)
		return CHECK_FAIL;
	if (warn > 0 && v > (double)warn)
		return CHECK_WARN;
	return CHECK_PASS;
}

/* CPUs, memory, storage and NICs. */
static void check_resources(const struct host_requirements *q,
			    const struct host_facts *f, struct check_report *o)
{
	char need[64];
	const struct host_resources *r = &f->res;
	snprintf(need, sizeof need, ">= %lld", q->cpus);
	check_add(o, "cpus", r->cpus >= q->cpus ? CHECK_PASS : CHECK_FAIL, need,
		  "%ld online", r->cpus);
	/* MemTotal excludes what firmware and kernel reserve: pass at 90% */
	double mb = (double)r->mem_total_kb / 1024.0;
	snprintf(need, sizeof need, ">= %lld MB", q->ram_mb);
	check_add(o, "ram", mb >= 0.9 * (double)q->ram_mb ? CHECK_PASS : CHECK_FAIL,
		  need, "%.0f MB (MemTotal)", mb);
	double gb = (double)r->storage_bytes / 1e9;
	snprintf(need, sizeof need, ">= %lld GB", q->storage_gb);
	check_add(o, "storage", gb >= (double)q->storage_gb ? CHECK_PASS : CHECK_FAIL,
		  need, "%.1f GB on %s (%.1f GB free)", gb, q->storage_path,
		  (double)r->storage_free / 1e9);
	snprintf(need, sizeof need, ">= %lld", q->nics);
	check_add(o, "nics", r->nics >= q->nics ? CHECK_PASS : CHECK_FAIL, need,
		  "%d (%s)", r->nics, r->nics ? r->nic_names : "none with a device");
}

/* Raw sockets and kernel/hardware timestamps. */
static void check_privileges(const struct host_requirements *q,
			     const struct host_facts *f, struct check_report *o)
{
	const struct host_privileges *p = &f->priv;
	const struct timing_report *t = &f->timing;
	check_add(o, "raw_socket", level_status(q->raw_socket, p->raw_socket),
		  req_level_name(q->raw_socket), "%s; raw ICMP socket %s%s",
		  p->cap_net_raw ? "CAP_NET_RAW effective" : "no CAP_NET_RAW",
		  p->raw_socket ? "opened" : "refused: ", p->raw_socket ? "" : p->raw_error);
	int iface_ok = p->ts_info_ok && p->sw_rx && p->sw_tx;
	int loop_ok = f->timing_ok && t->ts_ok && t->tx_ts_ok;
	check_add(o, "kernel_timestamps",
		  level_status(q->kernel_timestamps, iface_ok && loop_ok),
		  req_level_name(q->kernel_timestamps),
		  "%s: %s; loopback test: RX %s, TX %s",
		  p->ifname[0] ? p->ifname : "(no measuring interface)",
		  !p->ts_info_ok ? "ETHTOOL_GET_TS_INFO unanswered" :
		  iface_ok ? "software RX+TX" : "software RX/TX incomplete",
		  t->ts_ok ? "arrived" : "missing", t->tx_ts_ok ? "arrived" : "missing");
	int hw = p->ts_info_ok && p->hw_rx && p->hw_tx;
	check_add(o, "hw_timestamps", level_status(q->hw_timestamps, hw),
		  req_level_name(q->hw_timestamps), "%s: %s%s",
		  p->ifname[0] ? p->ifname : "(none)",
		  hw ? "hardware RX+TX" : "no hardware timestamping",
		  hw && p->phc_index >= 0 ? ", has a PTP clock" : "");
}

/* Hypervisor and clock source. */
static void check_platform(const struct host_requirements *q,
			   const struct host_facts *f, struct check_report *o)
{
	const struct host_virt *v = &f->virt;
	char how[96];
	if (v->cpuid_hypervisor == 1)
		snprintf(how, sizeof how, "CPUID hypervisor bit, signature '%s'%s%s",
			 v->cpuid_vendor, v->hypervisor[0] ? " = " : "", v->hypervisor);
	else
		snprintf(how, sizeof how, "%s", v->cpuid_hypervisor < 0 ?
			 "no CPUID (not x86)" : "no CPUID hypervisor bit");
	check_add(o, "virtualisation", level_status(q->bare_metal, !f->virtualised),
		  q->bare_metal == REQ_IGNORED ? "VM or metal" : "bare metal",
		  "%s (%s); DMI: %s%s%s", f->virtualised ? "virtual machine" : "bare metal",
		  how, v->dmi_vendor[0] ? v->dmi_vendor : "absent",
		  v->dmi_product[0] ? " " : "", v->dmi_product);
	int g = virt_clocksource_grade(v->clocksource);
	check_add(o, "clocksource", (enum check_status)g, "tsc-class, not jiffies",
		  "%s%s (available: %s)", v->clocksource[0] ? v->clocksource : "unknown",
		  g == 1 ? " is slow to read" : g == 2 ? " is unusable for timing" : "",
		  v->clocksources[0] ? v->clocksources : "?");
}

/* Clock reads and kernel timestamp quantization. */
static void check_clock(const struct host_requirements *q,
			const struct timing_report *t, struct check_report *o)
{
	char need[64];
	snprintf(need, sizeof need, "read <= %lld ns", q->clock_read_ns_warn);
	check_add(o, "clock_read", threshold(t->read_ns, q->clock_read_ns_warn, 0), need,
		  "%.0f ns per read; resolution %ld ns; smallest step seen %ld ns",
		  t->read_ns, t->res_ns, t->step_ns);
	snprintf(need, sizeof need, "step <= %lld us (fail > %lld us)",
		 q->ts_step_us_warn, q->ts_step_us_fail);
	if (!t->ts_ok) {
		check_add(o, "ts_quantization", level_status(q->kernel_timestamps, 0), need,
			  "not measured: %s", t->ts_error);
		return;
	}
	double us = t->ts_quantum_ns / 1000.0;
	if (t->ts_quantum_ns > 0)
		check_add(o, "ts_quantization",
			  threshold(us, q->ts_step_us_warn, q->ts_step_us_fail), need,
			  "kernel RX timestamps sit on a %.3f us grid (%u samples, %u equal)",
			  us, t->ts_samples, t->ts_equal);
	else
		check_add(o, "ts_quantization", CHECK_PASS, need,
			  "no grid: smallest step %.3f us over %u samples; loopback TX->RX %.1f us",
			  (double)t->ts_step_ns / 1000.0, t->ts_samples, t->loop_us);
}

/* Timer lateness and steal time. */
static void check_sched(const struct host_requirements *q,
			const struct timing_report *t, struct check_report *o)
{
	char need[64];
	snprintf(need, sizeof need, "p99 <= %lld us (fail > %lld us)",
		 q->timer_p99_us_warn, q->timer_p99_us_fail);
	check_add(o, "timer_lateness",
		  threshold(t->late_p99_us, q->timer_p99_us_warn, q->timer_p99_us_fail), need,
		  "p50 %.1f us, p99 %.1f us, max %.1f us over %u wake-ups (timer slack %.1f us)",
		  t->late_p50_us, t->late_p99_us, t->late_max_us, t->timer_n,
		  (double)t->timer_slack_ns / 1000.0);
	snprintf(need, sizeof need, "<= %lld%% (fail > %lld%%)", q->steal_pct_warn,
		 q->steal_pct_fail);
	if (!t->steal_ok) {
		check_add(o, "steal", CHECK_WARN, need, "/proc/stat unreadable");
		return;
	}
	double worst = t->steal_pct > t->steal_boot_pct ? t->steal_pct : t->steal_boot_pct;
	check_add(o, "steal", threshold(worst, q->steal_pct_warn, q->steal_pct_fail), need,
		  "%.2f%% during the check, %.2f%% since boot", t->steal_pct,
		  t->steal_boot_pct);
}

/* Clock synchronisation and REALTIME steps. */
static void check_sync(const struct host_requirements *q,
		       const struct timing_report *t, struct check_report *o)
{
	char need[64];
	enum check_status st = level_status(q->clock_sync, t->sync_ok && t->synced);
	if (st == CHECK_PASS && t->synced && q->clock_sync != REQ_IGNORED &&
	    t->maxerror_us / 1000 > q->maxerror_ms_warn)
		st = CHECK_WARN;
	snprintf(need, sizeof need, "%s, maxerror <= %lld ms",
		 req_level_name(q->clock_sync), q->maxerror_ms_warn);
	if (!t->sync_ok)
		check_add(o, "clock_sync", st, need, "adjtimex failed");
	else
		check_add(o, "clock_sync", st, need, "%s (adjtimex state %d); maxerror %.1f ms, esterror %.1f ms",
			  t->synced ? "synchronised" : "not synchronised (STA_UNSYNC)",
			  t->adjtimex_state, (double)t->maxerror_us / 1000.0,
			  (double)t->esterror_us / 1000.0);
	snprintf(need, sizeof need, "no step (fail > %lld us)", q->clock_step_us_fail);
	st = t->rt_jump_us > (double)q->clock_step_us_fail ? CHECK_FAIL :
	     t->rt_stepped ? CHECK_WARN : CHECK_PASS;
	check_add(o, "clock_step", st, need,
		  "REALTIME-MONOTONIC moved %.1f us in %.0f ms (%.1f us beyond slew)%s",
		  t->rt_drift_us, t->duration_ms, t->rt_jump_us,
		  t->rt_stepped ? ": REALTIME stepped" : "");
}

/* Evaluate every requirement; see check.h. */
void check_evaluate(const struct host_requirements *req, const struct host_facts *f,
		    struct check_report *out)
{
	memset(out, 0, sizeof *out);
	check_resources(req, f, out);
	check_family(out, f, AF_INET, req->ipv4);
	check_family(out, f, AF_INET6, req->ipv6);
	check_privileges(req, f, out);
	check_platform(req, f, out);
	if (!f->timing_ok) {
		check_add(out, "timing", CHECK_FAIL, "measurable", "timing could not be measured");
		return;
	}
	check_clock(req, &f->timing, out);
	check_sched(req, &f->timing, out);
	check_sync(req, &f->timing, out);
}

/* Exit status for a report: failures beat warnings. */
int check_exit_status(const struct check_report *r)
{
	return r->nfail ? CHECK_EXIT_FAIL : r->nwarn ? CHECK_EXIT_WARN : CHECK_EXIT_PASS;
}
