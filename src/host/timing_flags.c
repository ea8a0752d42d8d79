/*
 * timing_flags: the rules that call a timing report poor (see timing_flags.h)
 * and the names of the flags as they appear in status messages, the store
 * and exported results ("timing_flags").
 */
#include "host/timing_flags.h"

#include <stdio.h>
#include <string.h>

static const char *const flag_names[] = {
	"clock_stepped", "unsynchronised", "steal", "coarse_timestamps",
	"no_kernel_timestamps",
};

#define NFLAGS (sizeof flag_names / sizeof flag_names[0])

/* See timing_flags.h. */
void timing_limits_default(struct timing_limits *l)
{
	l->max_error_us = 100000;
	l->steal_pct = 5.0;
	l->coarse_ns = 10000;
}

/* Member key of the object part of report, or NULL. */
static const json_t *part(const json_t *report, const char *section, const char *key)
{
	return json_object_get(json_object_get(report, section), key);
}

/* A numeric member as a double (0 when absent or not a number). */
static double num(const json_t *report, const char *section, const char *key)
{
	const json_t *v = part(report, section, key);
	return json_is_number(v) ? json_number_value(v) : 0.0;
}

/* A boolean member (0 when absent or not a boolean). */
static int yes(const json_t *report, const char *section, const char *key)
{
	return json_is_true(part(report, section, key));
}

/* See timing_flags.h. */
unsigned timing_flags_eval(const json_t *report, const struct timing_limits *l)
{
	unsigned f = 0;
	if (!json_is_object(report))
		return 0;
	if (yes(report, "realtime", "stepped"))
		f |= TIMING_F_STEPPED;
	if (yes(report, "sync", "ok") && !yes(report, "sync", "synced") &&
	    num(report, "sync", "maxerror_us") > (double)l->max_error_us)
		f |= TIMING_F_UNSYNC;
	if (yes(report, "steal", "ok") && num(report, "steal", "pct") > l->steal_pct)
		f |= TIMING_F_STEAL;
	if (!yes(report, "kernel_ts", "rx"))
		f |= TIMING_F_NO_KTS;
	else if (num(report, "kernel_ts", "step_ns") > (double)l->coarse_ns ||
		 num(report, "kernel_ts", "quantum_ns") > (double)l->coarse_ns)
		f |= TIMING_F_COARSE;
	return f;
}

/* See timing_flags.h. */
json_t *timing_flags_json(unsigned flags)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < NFLAGS; i++)
		if (flags & (1u << i))
			json_array_append_new(a, json_string(flag_names[i]));
	return a;
}

/* The bit of a flag name, 0 if unknown. */
static unsigned flag_bit(const char *name)
{
	for (size_t i = 0; name && i < NFLAGS; i++)
		if (strcmp(name, flag_names[i]) == 0)
			return 1u << i;
	return 0;
}

/* See timing_flags.h. */
int timing_flags_parse(const json_t *names, unsigned *flags, char *err, size_t errlen)
{
	size_t i;
	const json_t *v;
	*flags = 0;
	if (!json_is_array(names)) {
		snprintf(err, errlen, "timing flags are not an array");
		return -1;
	}
	json_array_foreach(names, i, v) {
		unsigned bit = flag_bit(json_string_value(v));
		if (!bit) {
			snprintf(err, errlen, "unknown timing flag at index %zu", i);
			return -1;
		}
		*flags |= bit;
	}
	return 0;
}
