/*
 * logline: the one-line log format of the daemons: UTC time, the program's
 * name, the message, on stderr.
 */
#ifndef VANTAGE_UTIL_LOGLINE_H
#define VANTAGE_UTIL_LOGLINE_H

#include <stdarg.h>

/*
 * Write "2026-01-02T03:04:05Z prog: message\n" to stderr, with control
 * characters in the message (newlines too) written as \xNN.
 */
void vlogline(const char *prog, const char *fmt, va_list ap);

#endif
