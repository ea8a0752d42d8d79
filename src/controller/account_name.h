/*
 * account_name: what an account may be called. 1 to 63 characters of
 * letters, digits, '.', '_' and '-', starting with a letter or digit, and
 * not all digits (a number names an account by its id). Pure; shared by
 * the controller's admin commands and `vantage keys`.
 */
#ifndef VANTAGE_CONTROLLER_ACCOUNT_NAME_H
#define VANTAGE_CONTROLLER_ACCOUNT_NAME_H

#include <stddef.h>

/* 1 if name is a valid account name, else 0 with the reason in err. */
int account_name_valid(const char *name, char *err, size_t errlen);

#endif
