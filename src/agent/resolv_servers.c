/*
 * resolv_servers: the nameserver lines of a resolv.conf (see
 * resolv_servers.h). Each line is copied into a bounded buffer first, so
 * the parser never reads past the text or past a line.
 */
#include "agent/resolv_servers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net/addr.h"
#include "util/readfile.h"

#define LINE_MAX_BYTES 512
#define FILE_MAX_BYTES (64 * 1024)

/* "5353" into *port (1-65535); 0 or -1. */
static int parse_port(const char *text, int *port)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (!*text || *end || errno || v < 1 || v > 65535)
		return -1;
	*port = (int)v;
	return 0;
}

/* ADDR, ADDR:PORT (IPv4) or [ADDR]:PORT into s; 0 or -1 with why. */
static int parse_server(char *tok, struct resolv_server *s, char *why, size_t wl)
{
	struct net_addr a;
	char *addr = tok, *colon = strrchr(tok, ':');
	s->port = 53;
	if (tok[0] == '[') {
		char *close = strchr(tok, ']');
		if (!close || (close[1] && (close[1] != ':' || parse_port(close + 2, &s->port) < 0))) {
			snprintf(why, wl, "nameserver '%s': expected [ADDR]:PORT", tok);
			return -1;
		}
		*close = 0;
		addr = tok + 1;
	} else if (colon && strchr(tok, ':') == colon) {   /* one colon: IPv4:PORT */
		*colon = 0;
		if (parse_port(colon + 1, &s->port) < 0) {
			snprintf(why, wl, "nameserver '%s': bad port '%s'", tok, colon + 1);
			return -1;
		}
	}
	if (!net_addr_parse(addr, &a, why, wl))
		return -1;
	net_addr_str(&a, s->addr, sizeof s->addr);
	s->v6 = a.family == AF_INET6;
	return 0;
}

/* One line (NUL-terminated copy): a name server added to out, or nothing. 0 or -1. */
static int parse_line(char *line, struct resolv_servers *out, char *why, size_t wl)
{
	const char *sep = " \t\r";
	char *save = NULL, *key = strtok_r(line, sep, &save), *value;
	if (!key || strcmp(key, "nameserver") != 0)
		return 0;
	if (!(value = strtok_r(NULL, sep, &save))) {
		snprintf(why, wl, "nameserver without an address");
		return -1;
	}
	if (out->n == RESOLV_MAX_SERVERS) {
		snprintf(why, wl, "more than %d name servers", RESOLV_MAX_SERVERS);
		return -1;
	}
	if (parse_server(value, &out->s[out->n], why, wl) < 0)
		return -1;
	out->n++;
	return 0;
}

/* See resolv_servers.h. */
int resolv_servers_parse(const char *text, size_t len, struct resolv_servers *out, char *err,
			 size_t errlen)
{
	char line[LINE_MAX_BYTES], why[200];
	size_t pos = 0;
	memset(out, 0, sizeof *out);
	for (int lineno = 1; pos < len; lineno++) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		size_t keep = n < sizeof line - 1 ? n : sizeof line - 1;
		memcpy(line, text + pos, keep);
		line[keep] = 0;
		line[strcspn(line, "#;")] = 0;   /* comments, as resolv.conf(5); a NUL ends it too */
		if (parse_line(line, out, why, sizeof why) < 0) {
			snprintf(err, errlen, "line %d: %s", lineno, why);
			return -1;
		}
		pos += n + (nl != NULL);
	}
	return 0;
}

/* See resolv_servers.h. */
int resolv_servers_load(const char *path, struct resolv_servers *out, char *err, size_t errlen)
{
	char *buf = malloc(FILE_MAX_BYTES), why[240];
	memset(out, 0, sizeof *out);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	errno = 0;
	long n = read_small_file(path, buf, FILE_MAX_BYTES);
	int rc = 0;
	if (n < 0 && errno == ENOENT) {
		rc = 1;
	} else if (n < 0) {
		snprintf(err, errlen, "%s: cannot be read: %s", path, strerror(errno));
		rc = -1;
	} else if (resolv_servers_parse(buf, (size_t)n, out, why, sizeof why) < 0) {
		snprintf(err, errlen, "%s: %s", path, why);
		rc = -1;
	}
	free(buf);
	return rc;
}
