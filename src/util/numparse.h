/*
 * numparse: the one bounded number parser every option and config value goes
 * through, in the manner of OpenBSD's strtonum(3): the whole string must be a
 * decimal integer within [min, max], or the call fails with a reason.
 */
#ifndef VANTAGE_UTIL_NUMPARSE_H
#define VANTAGE_UTIL_NUMPARSE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Parse text as a decimal integer in [min, max] into *out.
 * Returns true on success. On failure returns false, leaves *out untouched and
 * writes a short reason ("not a number", "too small (minimum 1)", ...) into
 * err (of size errlen).
 */
bool parse_bounded(const char *text, long long min, long long max,
                   long long *out, char *err, size_t errlen);

/*
 * Like parse_bounded, but the error message names the option and the value:
 * "--pps: 'abc' is not a number". Intended for command-line parsing.
 */
bool parse_option_num(const char *option, const char *text, long long min,
                      long long max, long long *out, char *err, size_t errlen);

/*
 * For a program's main(): the number option's value text (min..max), or
 * print "PROG: --option: ..." on stderr and exit with status 2.
 */
int option_num_or_exit(const char *prog, const char *option, const char *text,
                       long long min, long long max);

/*
 * Parse a yes/no setting: yes|true|1 or no|false|0 into *out (1 or 0).
 * Returns true on success; on failure leaves *out untouched and writes
 * "'TEXT' is neither yes nor no" into err.
 */
bool parse_yes_no(const char *text, int *out, char *err, size_t errlen);

#endif
