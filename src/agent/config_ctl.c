/*
 * config_ctl: the list of controllers (front-ends) in the agent's config.
 * Each `controller ADDR:PORT [HEX]` line adds one, with its pinned key on
 * the same line or on a `controller_fingerprint HEX` line right after it; a
 * `controller_fingerprint` before any controller line is the key of every
 * controller listed without one (the file of a single controller, or
 * front-ends sharing one key). The agent dials them in turn (link.c).
 */
#include "agent/config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "proto/identity.h"
#include "util/numparse.h"

/* Parse ADDR:PORT (IPv6 in brackets) of length len into cc; 0 or -1 with why. */
static int parse_addr_port(struct config_controller *cc, const char *v, size_t len, char *why,
			   size_t wl)
{
	char text[96], host[64];
	unsigned char buf[16];
	long long port;
	if (len >= sizeof text) {
		snprintf(why, wl, "address too long");
		return -1;
	}
	memcpy(text, v, len);
	text[len] = 0;
	int br = text[0] == '[';
	const char *colon = br ? strstr(text, "]:") : strrchr(text, ':');
	if (!colon || colon == text) {
		snprintf(why, wl, "'%s' is not ADDR:PORT", text);
		return -1;
	}
	size_t hl = (size_t)(colon - text) - (size_t)br;
	if (hl >= sizeof host) {
		snprintf(why, wl, "address too long");
		return -1;
	}
	memcpy(host, text + br, hl);
	host[hl] = 0;
	if (inet_pton(AF_INET, host, buf) != 1 && inet_pton(AF_INET6, host, buf) != 1) {
		snprintf(why, wl, "'%s' is not an IP address", host);
		return -1;
	}
	if (!parse_bounded(colon + 1 + br, 1, 65535, &port, why, wl))
		return -1;
	strcpy(cc->addr, host);
	cc->port = (int)port;
	return 0;
}

/* Set fp (64 lower-case hex digits) as the key of cc; 0 or -1 with why. */
static int set_fp(char *dst, const char *fp, char *why, size_t wl)
{
	if (!identity_fp_valid(fp)) {
		snprintf(why, wl, "fingerprint is not 64 lower-case hex digits");
		return -1;
	}
	strcpy(dst, fp);
	return 0;
}

/* See config.h. */
int config_controller_add(struct agent_config *c, const char *value, char *why, size_t wl)
{
	if (c->n_controllers == CONFIG_MAX_CONTROLLERS) {
		snprintf(why, wl, "more than %d controllers", CONFIG_MAX_CONTROLLERS);
		return -1;
	}
	struct config_controller cc = { .port = 0 };
	size_t len = strcspn(value, " \t");
	if (parse_addr_port(&cc, value, len, why, wl) < 0)
		return -1;
	const char *fp = value + len + strspn(value + len, " \t");
	if (*fp && set_fp(cc.fp, fp, why, wl) < 0)
		return -1;
	for (int i = 0; i < c->n_controllers; i++)
		if (strcmp(c->controllers[i].addr, cc.addr) == 0 && c->controllers[i].port == cc.port) {
			snprintf(why, wl, "controller %.*s is listed twice", (int)len, value);
			return -1;
		}
	c->controllers[c->n_controllers++] = cc;
	return 0;
}

/* See config.h. */
int config_controller_fp(struct agent_config *c, const char *value, char *why, size_t wl)
{
	if (c->n_controllers == 0) {
		if (c->default_fp[0]) {
			snprintf(why, wl, "controller_fingerprint given twice before any controller");
			return -1;
		}
		return set_fp(c->default_fp, value, why, wl);
	}
	struct config_controller *last = &c->controllers[c->n_controllers - 1];
	if (last->fp[0]) {
		snprintf(why, wl, "controller %s port %d already has a fingerprint", last->addr,
			 last->port);
		return -1;
	}
	return set_fp(last->fp, value, why, wl);
}

/* See config.h. */
int config_controllers_finish(struct agent_config *c, const char *name, char *err,
			      size_t errlen)
{
	if (c->n_controllers == 0 || (!c->default_fp[0] && !c->controllers[0].fp[0])) {
		snprintf(err, errlen, "%s: 'controller' and 'controller_fingerprint' are required",
			 name);
		return -1;
	}
	for (int i = 0; i < c->n_controllers; i++) {
		struct config_controller *cc = &c->controllers[i];
		if (!cc->fp[0] && c->default_fp[0])
			strcpy(cc->fp, c->default_fp);
		if (!cc->fp[0]) {
			snprintf(err, errlen, "%s: controller %s port %d has no fingerprint", name,
				 cc->addr, cc->port);
			return -1;
		}
	}
	strcpy(c->controller_addr, c->controllers[0].addr);
	c->controller_port = c->controllers[0].port;
	strcpy(c->controller_fp, c->controllers[0].fp);
	return 0;
}
