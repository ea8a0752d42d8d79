/*
 * wallclock: time(NULL), plus the offset of a test clock file (see
 * wallclock.h). The file is read at every call: it is only named in tests.
 */
#include "util/wallclock.h"

#include <stdlib.h>
#include <time.h>

#include "util/readfile.h"

/* See wallclock.h. */
int64_t wallclock_now(void)
{
	int64_t now = (int64_t)time(NULL);
	const char *path = getenv("VANTAGE_TEST_CLOCK");
	char text[32];
	if (path && read_small_file(path, text, sizeof text) > 0) {
		char *end;
		long long off = strtoll(text, &end, 10);
		if (end != text && off > -(1LL << 40) && off < (1LL << 40))
			now += off;
	}
	return now;
}
