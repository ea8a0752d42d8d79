/*
 * logline: timestamped log lines on stderr for the daemons (see logline.h).
 */
#include "util/logline.h"

#include <stdio.h>
#include <time.h>

/* See logline.h. */
void vlogline(const char *prog, const char *fmt, va_list ap)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	fprintf(stderr, "%s %s: ", when, prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}
