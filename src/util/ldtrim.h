/*
 * ldtrim: give back the resident pages of the tables the dynamic loader read
 * to link the program: each shared object's first segment, which holds only
 * its symbol, string, hash and relocation tables. With every library bound at
 * load (BIND_NOW) nothing reads them again after start-up; a later read (a
 * lazy binding, dlsym) faults the pages back in from the page cache, so this
 * changes no behaviour, only what stays resident. For the agent it is about
 * 1 MB of its 8 MB budget (libcrypto's tables alone are 0.8 MB).
 */
#ifndef VANTAGE_UTIL_LDTRIM_H
#define VANTAGE_UTIL_LDTRIM_H

#include <stddef.h>

/* Drop those pages of every loaded object; returns the bytes given back. */
size_t ldtrim_linker_tables(void);

#endif
