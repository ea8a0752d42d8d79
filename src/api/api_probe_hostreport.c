/*
 * api_probe_hostreport: what the API says from a probe's own check-host
 * report (store_hostreport.h): GET /probes/{id}/host-report/ for the
 * dashboard's probe page, and the system tags only the host itself can tell:
 * system-virtual (it runs on a virtual machine), system-ipv4-rfc1918 and
 * system-ipv6-ula (such an address is configured on it, as RIPE's tags of
 * those names say). A probe that sent no report gets none of these.
 */
#include "api/api_int.h"
#include "host/host_report.h"
#include "store/store_hostreport.h"

#include <jansson.h>

/* The probe's report and its facts: 1, 0 when it has none (or a bad one), -1. */
static int probe_report(const struct api *a, int64_t id, json_t **report, int64_t *received,
			struct host_report_facts *f, char *err, size_t errlen)
{
	const struct store_hostreport_ops *ops = a->store->ops->hostreport;
	if (!ops)
		return 0;
	int rc = ops->get(a->store, id, report, received, err, errlen);
	if (rc <= 0)
		return rc;
	if (host_report_check(*report, f, err, errlen) < 0) {
		json_decref(*report);
		*report = NULL;
		return 0;
	}
	return 1;
}

/* Append {name, slug} to tags. */
static void add_tag(json_t *tags, const char *slug, const char *name)
{
	json_array_append_new(tags, json_pack("{s:s,s:s}", "name", name, "slug", slug));
}

/* See api_int.h. */
void api_probe_report_tags(const struct api *a, json_t *probe)
{
	json_t *report = NULL, *tags = json_object_get(probe, "tags");
	int64_t received;
	struct host_report_facts f;
	char err[256];
	int64_t id = json_integer_value(json_object_get(probe, "id"));
	if (!json_is_array(tags) || probe_report(a, id, &report, &received, &f, err,
						 sizeof err) <= 0)
		return;
	json_decref(report);
	if (f.virtualised)
		add_tag(tags, "system-virtual", "Virtual Machine");
	if (f.ipv4_rfc1918)
		add_tag(tags, "system-ipv4-rfc1918", "IPv4 RFC1918 address is configured");
	if (f.ipv6_ula)
		add_tag(tags, "system-ipv6-ula", "IPv6 ULA is configured");
}

/* See api_int.h. */
void api_probe_host_report(struct api_call *c)
{
	json_t *report = NULL;
	int64_t received = 0;
	struct host_report_facts f;
	char err[256];
	int rc = probe_report(c->api, c->route.id, &report, &received, &f, err, sizeof err);
	if (rc < 0)
		return api_error(c, 500, "%s", err);
	if (rc == 0)
		return api_error(c, 404, "Probe %lld has sent no check-host report",
				 (long long)c->route.id);
	api_reply_json(c, 200, json_pack("{s:I,s:I,s:o}", "probe", (json_int_t)c->route.id,
					 "received", (json_int_t)received, "report", report));
}
