/*
 * fuzz_agent_resolve_def: arbitrary bytes as a measurement definition off the
 * wire, through the reader of definitions the agent resolves itself
 * (src/agent/resolve_def.c), then binding and the error result.
 */
#include <stddef.h>
#include <stdint.h>

#include "agent/resolve_def.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t jerr;
	json_t *def = json_loadb((const char *)data, size, JSON_ALLOW_NUL, &jerr);
	char name[RESOLVE_NAME_MAX], err[200];
	int af;
	if (def && resolve_def_parse(def, name, &af, err, sizeof err) == 1) {
		json_decref(resolve_def_bind(def, name, af == 4 ? "198.18.1.2" : "2001:db8::2"));
		json_decref(resolve_def_error(def, name, NULL, "getaddrinfo", "x", 0));
	}
	json_decref(def);
	return 0;
}
