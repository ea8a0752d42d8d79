/*
 * fuzz_timing_flags: arbitrary bytes as the timing part of an agent's STATUS
 * (a timing report and its flag names, as the controller receives them):
 * parsed as JSON, then the rules and the flag-name reader run over it, and
 * the flags read back must be a subset of the known ones.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "host/timing_flags.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *r = json_loadb((const char *)data, size, 0, NULL);
	if (!r)
		return 0;
	struct timing_limits l;
	timing_limits_default(&l);
	unsigned f = timing_flags_eval(r, &l), back = 0;
	if (f & ~(unsigned)TIMING_F_ALL)
		abort();
	char err[128];
	if (timing_flags_parse(json_object_get(r, "flags"), &back, err, sizeof err) == 0 &&
	    (back & ~(unsigned)TIMING_F_ALL))
		abort();
	json_t *names = timing_flags_json(f);
	if (timing_flags_parse(names, &back, err, sizeof err) != 0 || back != f)
		abort();
	json_decref(names);
	json_decref(r);
	return 0;
}
