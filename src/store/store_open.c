/*
 * store_open: choose the store engine by the name given. A PostgreSQL
 * connection string (a postgresql:// or postgres:// URI, or libpq's
 * "key=value ..." form) opens the PostgreSQL store; anything else is the
 * path of a SQLite database file.
 */
#include "store/store.h"

#include <string.h>

/* See store.h. */
int store_spec_is_pg(const char *spec)
{
	return strncmp(spec, "postgresql://", 13) == 0 || strncmp(spec, "postgres://", 11) == 0 ||
	       (strchr(spec, '=') && !strchr(spec, '/') && strstr(spec, "dbname=")) ||
	       strncmp(spec, "host=", 5) == 0 || strncmp(spec, "dbname=", 7) == 0;
}

/* See store.h. */
struct store *store_open(const char *spec, char *err, size_t errlen)
{
	if (store_spec_is_pg(spec))
		return store_pg_open(spec, err, errlen);
	return store_sqlite_open(spec, err, errlen);
}
