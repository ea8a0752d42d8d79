/*
 * fuzz_api_create: feed arbitrary bytes to the REST API's body parsers, as
 * the controller reads them from an untrusted client: the create request
 * (definitions and probe sources) and the participation request; then run
 * the probe selection of a parsed request over a fixed set of probes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "api/api_create.h"
#include "api/api_select.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Participants of any other measurement: probes 1 and 3. */
static int msm_fn(void *arg, int64_t msm, json_t **ids, char *err, size_t errlen)
{
	(void)arg;
	(void)msm;
	(void)err;
	(void)errlen;
	*ids = json_pack("[i,i]", 1, 3);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct target_policy tp;
	if (!tp.nspecial) {
		char err0[128];
		targets_init(&tp);
		targets_add(&tp, "allow 198.18.0.0/15", "fuzz", err0, sizeof err0);
		targets_add(&tp, "allow 2001:db8::/32", "fuzz", err0, sizeof err0);
	}
	struct api_limits lim = { &tp, NULL, 10 };
	struct api_create *c = malloc(sizeof *c);
	char err[512];
	json_t *probes = json_loads("[{\"id\":1,\"asn_v4\":64500,\"country_code\":\"NL\","
		"\"address_v4\":\"198.18.0.2\",\"status\":{\"id\":1},\"tags\":[{\"slug\":\"a\"}],"
		"\"geometry\":{\"type\":\"Point\",\"coordinates\":[4.9,52.37]}},"
		"{\"id\":3,\"asn_v6\":64502,\"address_v6\":\"2001:db8::2\",\"tags\":[]}]", 0, NULL);
	if (c && api_create_parse((const char *)data, size, &lim, c, err, sizeof err) == 0) {
		int64_t *ids = NULL;
		size_t n = 0;
		api_select(probes, c, msm_fn, NULL, &ids, &n, err, sizeof err);
		free(ids);
		for (size_t i = 0; i < c->ndefs; i++)   /* host names: as if resolved */
			if (c->defs[i].resolve)
				api_def_resolved(c, i, c->defs[i].af == 4 ? "198.18.7.7" : "10.0.0.1",
						 &lim, err, sizeof err);
		api_create_free(c);
	}
	if (c && api_change_parse((const char *)data, size, c, err, sizeof err) == 0)
		api_create_free(c);
	json_decref(probes);
	free(c);
	return 0;
}
