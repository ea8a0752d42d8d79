/*
 * api_time: integers and ISO-8601 UTC times into Unix seconds (see
 * api_time.h), parsed by hand into fixed fields so that nothing depends on
 * the locale or the time zone of the controller.
 */
#include "api/api_time.h"

#include <ctype.h>
#include <string.h>

#include "util/numparse.h"

/* n digits at *p into *v, advancing *p; -1 if not n digits. */
static int digits(const char **p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		*v = *v * 10 + (**p - '0');
	}
	return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's method). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Days in month m of year y. */
static int month_days(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d[m - 1] + (m == 2 && leap);
}

/* The zone suffix at p ("", "Z", "+HH:MM", "-HHMM") into seconds east; -1 if bad. */
static int zone(const char *p, int *east)
{
	int h, m, sign;
	*east = 0;
	if (*p == 0 || (p[0] == 'Z' && p[1] == 0))
		return 0;
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	if (digits(&p, 2, &h) < 0)
		return -1;
	if (*p == ':')
		p++;
	if (digits(&p, 2, &m) < 0 || *p || h > 23 || m > 59)
		return -1;
	*east = sign * (h * 3600 + m * 60);
	return 0;
}

/* The time of day after 'T' at *p: HH:MM[:SS[.fff]]; -1 if bad. */
static int clock_part(const char **p, int *secs)
{
	int h, m, s = 0;
	if (digits(p, 2, &h) < 0 || *(*p)++ != ':' || digits(p, 2, &m) < 0)
		return -1;
	if (**p == ':' && ((*p)++, digits(p, 2, &s) < 0))
		return -1;
	if (**p == '.')
		for ((*p)++; isdigit((unsigned char)**p); (*p)++)
			;
	if (h > 23 || m > 59 || s > 60)
		return -1;
	*secs = h * 3600 + m * 60 + s;
	return 0;
}

/* YYYY-MM-DD[THH:MM[:SS][zone]] into *out. */
static int iso(const char *p, int64_t *out)
{
	int y, mo, d, secs = 0, east = 0;
	if (digits(&p, 4, &y) < 0 || *p++ != '-' || digits(&p, 2, &mo) < 0 || *p++ != '-' ||
	    digits(&p, 2, &d) < 0 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo))
		return -1;
	if ((*p == 'T' || *p == ' ') && (p++, clock_part(&p, &secs) < 0))
		return -1;
	if (zone(p, &east) < 0)
		return -1;
	int64_t t = days_from_civil(y, mo, d) * 86400 + secs - east;
	if (t < 0 || t > API_TIME_MAX)
		return -1;
	*out = t;
	return 0;
}

/* See api_time.h. */
int api_time_parse(const char *text, int64_t *out)
{
	long long v;
	char why[64];
	if (strlen(text) > 40)
		return -1;
	if (parse_bounded(text, 0, API_TIME_MAX, &v, why, sizeof why)) {
		*out = v;
		return 0;
	}
	return iso(text, out);
}

/* See api_time.h. */
int api_time_json(const json_t *v, int64_t *out)
{
	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0 || json_integer_value(v) > API_TIME_MAX)
			return -1;
		*out = json_integer_value(v);
		return 0;
	}
	return json_is_string(v) ? api_time_parse(json_string_value(v), out) : -1;
}
