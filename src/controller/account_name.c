/*
 * account_name: the rule for account names (see account_name.h).
 */
#include "controller/account_name.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define ACCOUNT_NAME_MAX 63

/* See account_name.h. */
int account_name_valid(const char *name, char *err, size_t errlen)
{
	size_t len = strlen(name), digits = 0;
	if (len == 0 || len > ACCOUNT_NAME_MAX) {
		snprintf(err, errlen, "account name '%.70s' must have 1 to %d characters", name,
			 ACCOUNT_NAME_MAX);
		return 0;
	}
	if (!isalnum((unsigned char)name[0])) {
		snprintf(err, errlen, "account name '%s' must start with a letter or a digit", name);
		return 0;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)name[i];
		if (!isalnum(ch) && ch != '.' && ch != '_' && ch != '-') {
			snprintf(err, errlen, "account name '%s': character %zu is not a letter,"
				 " a digit, '.', '_' or '-'", name, i + 1);
			return 0;
		}
		digits += isdigit(ch) != 0;
	}
	if (digits == len) {
		snprintf(err, errlen, "account name '%s' is all digits (a number names an id)", name);
		return 0;
	}
	return 1;
}
