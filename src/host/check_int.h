/*
 * check_int: helpers shared by the files of the host check.
 */
#ifndef VANTAGE_HOST_CHECK_INT_H
#define VANTAGE_HOST_CHECK_INT_H

#include "host/check.h"

/* Append one line (value formatted printf-style) to out. */
void check_add(struct check_report *out, const char *name, enum check_status st,
	       const char *need, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Status for a capability that is present (ok) or not, given its level. */
enum check_status level_status(enum req_level level, int ok);

/* Network lines: the best address of family judged against level. */
void check_family(struct check_report *out, const struct host_facts *f,
		  int family, enum req_level level);

#endif
