/*
 * check_json: the host check as JSON (`vantage check-host --json`): each
 * line, the summary and exit status, the raw facts (so scripts and tests
 * can compare them with their own readings) and the timing report.
 */
#include "host/check_json.h"

#include <jansson.h>
#include <sys/socket.h>

/* The raw facts as a JSON object. */
static json_t *facts_json(const struct host_facts *f)
{
	json_t *addrs = json_array();
	for (size_t i = 0; addrs && i < f->addrs.n; i++) {
		const struct host_addr *a = &f->addrs.a[i];
		json_array_append_new(addrs, json_pack("{s:s, s:i, s:s, s:i, s:I, s:b, s:b}",
			"address", a->text, "prefixlen", a->prefixlen, "ifname", a->ifname,
			"scope", a->scope, "flags", (json_int_t)a->flags,
			"public", netaddr_is_public(a), "tunnelled", netaddr_is_tunnelled(a)));
	}
	const struct host_privileges *p = &f->priv;
	const struct host_virt *v = &f->virt;
	return json_pack("{s:I, s:I, s:I, s:I, s:i, s:s, s:o,"
			 " s:{s:b, s:b, s:s, s:b, s:b, s:b, s:b, s:i},"
			 " s:{s:b, s:i, s:s, s:s, s:s, s:s, s:s, s:s}}",
		"cpus", (json_int_t)f->res.cpus, "mem_total_kb", (json_int_t)f->res.mem_total_kb,
		"storage_bytes", (json_int_t)f->res.storage_bytes,
		"storage_free_bytes", (json_int_t)f->res.storage_free,
		"nics", f->res.nics, "nic_names", f->res.nic_names,
		"addresses", addrs ? addrs : json_null(),
		"privileges", "cap_net_raw", p->cap_net_raw, "raw_socket", p->raw_socket,
			"interface", p->ifname, "sw_rx", p->sw_rx, "sw_tx", p->sw_tx,
			"hw_rx", p->hw_rx, "hw_tx", p->hw_tx, "phc_index", p->phc_index,
		"virt", "virtualised", f->virtualised, "cpuid_hypervisor", v->cpuid_hypervisor,
			"cpuid_vendor", v->cpuid_vendor, "hypervisor", v->hypervisor,
			"dmi_vendor", v->dmi_vendor, "dmi_product", v->dmi_product,
			"clocksource", v->clocksource, "clocksources", v->clocksources);
}

/* The whole check as a JSON object; NULL when out of memory. */
json_t *check_report_json(const struct host_requirements *req, const char *source,
			  const struct host_facts *f, const struct check_report *r)
{
	json_t *lines = json_array();
	for (size_t i = 0; lines && i < r->n; i++) {
		const struct check_line *l = &r->line[i];
		json_array_append_new(lines, json_pack("{s:s, s:s, s:s, s:s}", "name", l->name,
			"status", check_status_name(l->status), "value", l->value, "need", l->need));
	}
	json_t *timing = f->timing_ok ? timing_report_json(&f->timing) : json_null();
	return json_pack("{s:s, s:s, s:o, s:{s:i, s:i, s:i}, s:i, s:o, s:o}",
		"role", role_name(req->role), "requirements", source,
		"checks", lines ? lines : json_null(),
		"summary", "pass", r->npass, "warn", r->nwarn, "fail", r->nfail,
		"exit", check_exit_status(r), "host", facts_json(f),
		"timing", timing ? timing : json_null());
}
