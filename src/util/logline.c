/*
 * logline: timestamped log lines on stderr for the daemons (see logline.h).
 * A message may quote what a peer sent (an agent's version or reason), so
 * control characters are written escaped: one message is one line, and no
 * peer can forge a line of its own or send terminal escapes.
 */
#include "util/logline.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Write s to f with bytes below 0x20 and 0x7f as \xNN. */
static void put_escaped(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
}

/* See logline.h. */
void vlogline(const char *prog, const char *fmt, va_list ap)
{
	char when[32], small[1024], *msg = small;
	time_t now = time(NULL);
	struct tm tm;
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	if (n >= (int)sizeof small && (msg = malloc((size_t)n + 1)))
		vsnprintf(msg, (size_t)n + 1, fmt, copy);
	va_end(copy);
	if (!msg)
		msg = small;   /* out of memory: the message cut short */
	flockfile(stderr);
	fprintf(stderr, "%s %s: ", when, prog);
	put_escaped(stderr, n < 0 ? "(cannot format the message)" : msg);
	fputc('\n', stderr);
	funlockfile(stderr);
	if (msg != small)
		free(msg);
}
