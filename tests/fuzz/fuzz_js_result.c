/*
 * fuzz_js_result: arbitrary bytes as what a store writer reads from a
 * JetStream message (src/jetstream/js_result.c): the part before the first
 * newline as the message id, the rest as the Vantage-Msm header. A parse
 * that succeeds must give back the same id when formatted again (no two
 * texts name one result), with every number in range. The whole input is
 * also a Vantage-Charge header, held to the same round trip.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jetstream/js_result.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	char *nl = strchr(text, '\n');
	char *msm = nl ? nl + 1 : NULL;
	if (nl)
		*nl = '\0';
	struct store_result r = { 0 };
	char err[200], again[64];
	if (js_result_parse(text, msm, &r, err, sizeof err) == 0) {
		if (r.agent_id < 1 || r.epoch < 0 || r.seq < 1 || r.msm_id < 1)
			abort();
		js_result_id(r.agent_id, r.epoch, r.seq, again, sizeof again);
		struct store_result back = { 0 };
		if (js_result_parse(again, msm, &back, err, sizeof err) != 0 ||
		    back.agent_id != r.agent_id || back.epoch != r.epoch || back.seq != r.seq)
			abort();
	}
	if (nl)
		*nl = '\n';
	struct store_result c = { 0 };
	if (js_result_charge_parse(text, &c, err, sizeof err) == 0) {
		if (c.charge_account < 1 || c.charge < 0)
			abort();
		js_result_charge(c.charge_account, c.charge, again, sizeof again);
		struct store_result back = { 0 };
		if (js_result_charge_parse(again, &back, err, sizeof err) != 0 ||
		    back.charge_account != c.charge_account || back.charge != c.charge)
			abort();
	}
	free(text);
	return 0;
}
