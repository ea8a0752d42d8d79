/*
 * zstd_file: a stdio stream that writes a zstd-compressed file as it goes
 * (fopencookie over a streaming compressor), so an encoder that writes to a
 * FILE (the warts and JSON sinks) makes a .zst file of any size with a
 * bounded buffer: what is written is compressed and written out in blocks.
 */
#ifndef VANTAGE_UTIL_ZSTD_FILE_H
#define VANTAGE_UTIL_ZSTD_FILE_H

#include <stddef.h>
#include <stdio.h>

/*
 * Create (or truncate) path and return a stream writing to it compressed
 * at level; fclose ends the zstd frame and closes the file (EOF when any
 * write failed). NULL with a reason in err.
 */
FILE *zstd_file_open(const char *path, int level, char *err, size_t errlen);

#endif
