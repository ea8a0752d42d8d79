/*
 * dash_find: look a dashboard file up by its name. A linear search: there
 * are a dozen files, and a name that is not one of them (including any with
 * "..") simply matches nothing.
 */
#include "dash/dash.h"

#include <string.h>

/* See dash.h. */
const struct dash_file *dash_find(const char *name)
{
	if (name[0] == 0)
		name = "index.html";
	for (unsigned i = 0; i < dash_nfiles; i++)
		if (strcmp(dash_files[i].name, name) == 0)
			return &dash_files[i];
	return NULL;
}
