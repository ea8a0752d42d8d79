/*
 * gate: the agent's check of a measurement definition against the site's
 * policy before accepting it: the method must be allowed, and the target
 * must not be forbidden, on the no-probe list, or outside the allowed ranges.
 * A refused measurement is reported to the controller with the reason. (The
 * engine checks the same policy again for every packet it sends.)
 */
#ifndef VANTAGE_AGENT_GATE_H
#define VANTAGE_AGENT_GATE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "agent/config.h"

struct gate_prefix {
	int af;               /* 4 or 6 */
	uint8_t addr[16];
	int len;
	char text[64];
};

struct gate {
	char methods[256];
	struct gate_prefix *allow, *forbid, *noprobe;
	size_t n_allow, n_forbid, n_noprobe;
};

/* Build the gate from the config (loads the no-probe file). 0 or -1 with err. */
int gate_init(struct gate *g, const struct agent_config *cfg, char *err, size_t errlen);

void gate_free(struct gate *g);

/* Parse "addr/len" or a bare address into p; 0 or -1 with err. */
int gate_prefix_parse(const char *text, struct gate_prefix *p, char *err, size_t errlen);

/* Returns 0 if the definition may run, or -1 with the reason in reason. */
int gate_check(const struct gate *g, const json_t *def, char *reason, size_t len);

#endif
