/*
 * enrol: the first start of a vantage point on a fresh host,
 * `vantage-agent --enrol CONTROLLER:PORT FINGERPRINT`. It checks the host
 * for its role (the `vantage check-host` check), writes the agent's
 * configuration (refusing to replace one: an enrolled agent keeps its key,
 * spool and schedule across upgrades), creates its key, gives the key to
 * the user the agent runs as, and prints the key's fingerprint for the
 * operator (`vantage agents add FINGERPRINT`). It dials nothing.
 */
#ifndef VANTAGE_AGENT_ENROL_H
#define VANTAGE_AGENT_ENROL_H

#include <stddef.h>

struct enrol_opts {
	const char *controller;   /* ADDR:PORT ([ADDR]:PORT for IPv6) */
	const char *fingerprint;  /* the controller's key, 64 hex digits */
	const char *config_path;  /* the file to write */
	const char *role;         /* probe or anchor */
	const char *user;         /* NULL: the default (src/privsep/privsep.h) */
	int check_host;           /* run the host check; a failure stops the enrolment */
};

/*
 * The configuration text an enrolment writes into buf (len bytes): the
 * controller, its fingerprint and the role, the rest as comments naming the
 * defaults. Returns 0, or -1 if it does not fit. Pure.
 */
int enrol_config_text(const struct enrol_opts *o, char *buf, size_t len);

/* Enrol as above; returns the program's exit status (0, 1 failed, 2 refused). */
int agent_enrol(const struct enrol_opts *o);

#endif
