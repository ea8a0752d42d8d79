/*
 * readfile: read a small file (a /proc or /sys entry, a config file) into a
 * caller's buffer in one call, bounded by the buffer, retrying on EINTR.
 */
#ifndef VANTAGE_UTIL_READFILE_H
#define VANTAGE_UTIL_READFILE_H

#include <stddef.h>

/*
 * Read at most max-1 bytes of path into buf and NUL-terminate it.
 * Returns the number of bytes read, or -1 when the file cannot be opened
 * (or max is 0).
 */
long read_small_file(const char *path, char *buf, size_t max);

#endif
