/*
 * cli_request: one request-response exchange with the controller's admin
 * socket, for the operator subcommands.
 */
#include "controller/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Connect to the Unix socket at path; returns the fd or -1 with err. */
static int dial(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof un.sun_path) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	strcpy(un.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&un, sizeof un) < 0) {
		snprintf(err, errlen, "%s: cannot reach the controller: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Write all of text and a newline to fd. */
static int send_line(int fd, const char *text)
{
	size_t len = strlen(text);
	while (len > 0) {
		ssize_t n = write(fd, text, len);
		if (n <= 0)
			return -1;
		text += n;
		len -= (size_t)n;
	}
	return write(fd, "\n", 1) == 1 ? 0 : -1;
}

/* Read everything until the controller closes; returns a malloc'd string or NULL. */
static char *read_all(int fd)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap);
	ssize_t n;
	while (buf && (n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 2) {
			char *b = realloc(buf, cap * 2);
			if (!b) {
				free(buf);
				return NULL;
			}
			buf = b;
			cap *= 2;
		}
	}
	if (buf)
		buf[len] = 0;
	return buf;
}

/* See cli.h. */
int cli_request(const char *path, json_t *req, json_t **data, char *err, size_t errlen)
{
	int fd = dial(path, err, errlen);
	if (fd < 0)
		return -1;
	char *text = json_dumps(req, JSON_COMPACT);
	char *answer = NULL;
	if (text && send_line(fd, text) == 0)
		answer = read_all(fd);
	free(text);
	close(fd);
	json_error_t jerr;
	json_t *resp = answer ? json_loads(answer, 0, &jerr) : NULL;
	free(answer);
	int rc = -1;
	if (!json_is_object(resp))
		snprintf(err, errlen, "%s: no valid answer from the controller", path);
	else if (!json_is_true(json_object_get(resp, "ok")))
		snprintf(err, errlen, "%s", json_string_value(json_object_get(resp, "error")));
	else {
		*data = json_incref(json_object_get(resp, "data"));
		rc = 0;
	}
	json_decref(resp);
	return rc;
}
