/*
 * numparse: bounded decimal integer parsing for options and config values,
 * and the yes/no of settings.
 * Rejects empty strings, trailing garbage, leading spaces and overflow, so
 * that "10ms" or " 5" never silently become 10 or 5.
 */
#include "util/numparse.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool parse_bounded(const char *text, long long min, long long max,
                   long long *out, char *err, size_t errlen)
{
	if (text == NULL || *text == '\0') {
		snprintf(err, errlen, "empty");
		return false;
	}
	if (!isdigit((unsigned char)text[0]) && text[0] != '-' && text[0] != '+') {
		snprintf(err, errlen, "not a number");
		return false;
	}
	errno = 0;
	char *end = NULL;
	long long v = strtoll(text, &end, 10);
	if (end == text || *end != '\0') {
		snprintf(err, errlen, "not a number");
		return false;
	}
	if (errno == ERANGE || v < min) {
		if (errno == ERANGE && v > 0)
			snprintf(err, errlen, "too large (maximum %lld)", max);
		else
			snprintf(err, errlen, "too small (minimum %lld)", min);
		return false;
	}
	if (v > max) {
		snprintf(err, errlen, "too large (maximum %lld)", max);
		return false;
	}
	*out = v;
	return true;
}

bool parse_option_num(const char *option, const char *text, long long min,
                      long long max, long long *out, char *err, size_t errlen)
{
	char why[64];
	if (parse_bounded(text, min, max, out, why, sizeof why))
		return true;
	snprintf(err, errlen, "%s: '%s' is %s", option, text ? text : "", why);
	return false;
}

/* See numparse.h. */
int option_num_or_exit(const char *prog, const char *option, const char *text,
                       long long min, long long max)
{
	long long v;
	char err[200];
	if (!parse_option_num(option, text, min, max, &v, err, sizeof err)) {
		fprintf(stderr, "%s: %s\n", prog, err);
		exit(2);
	}
	return (int)v;
}

/* See numparse.h. */
bool parse_yes_no(const char *text, int *out, char *err, size_t errlen)
{
	if (!strcmp(text, "yes") || !strcmp(text, "true") || !strcmp(text, "1"))
		*out = 1;
	else if (!strcmp(text, "no") || !strcmp(text, "false") || !strcmp(text, "0"))
		*out = 0;
	else {
		snprintf(err, errlen, "'%.64s' is neither yes nor no", text);
		return false;
	}
	return true;
}
