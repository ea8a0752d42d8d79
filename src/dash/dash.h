/*
 * dash: the web dashboard's static files (src/dash/www), built into the
 * program by embed.py, and their lookup by name. The API serves them at
 * /dashboard/ (api_static.c); the pages read everything else from the API.
 */
#ifndef VANTAGE_DASH_DASH_H
#define VANTAGE_DASH_DASH_H

#include <stddef.h>

struct dash_file {
	const char *name;            /* path below /dashboard/, e.g. "js/app.js" */
	const char *type;            /* Content-Type */
	const char *etag;            /* strong ETag, quoted */
	const unsigned char *data;
	size_t len;
};

extern const struct dash_file dash_files[];
extern const unsigned dash_nfiles;

/* The file called name (no leading '/'; "" is index.html), or NULL. */
const struct dash_file *dash_find(const char *name);

#endif
