/*
 * procfs: pure parsers of the few /proc and /sys texts the host check reads
 * (/proc/meminfo, the aggregate line of /proc/stat), plus a bounded helper
 * that reads a small text file. The parsers take a buffer and its length,
 * never read past it, and are fuzzed.
 */
#ifndef VANTAGE_HOST_PROCFS_H
#define VANTAGE_HOST_PROCFS_H

#include <stddef.h>
#include <stdint.h>

/* CPU time counters of the aggregate "cpu" line of /proc/stat, in ticks. */
struct cpu_ticks {
	uint64_t total;  /* sum of all fields */
	uint64_t steal;  /* time stolen by the hypervisor */
	uint64_t idle;   /* idle + iowait */
};

/* Find "MemTotal: N kB" in meminfo text; returns 0 and *kb, or -1. */
int procfs_meminfo_total(const char *text, size_t len, uint64_t *kb);

/* Parse the first "cpu " line of /proc/stat text; returns 0 or -1. */
int procfs_stat_cpu(const char *text, size_t len, struct cpu_ticks *out);

/*
 * Read up to size-1 bytes of the file at path into buf, NUL-terminate it and
 * strip one trailing newline. Returns the length, or -1 when it cannot be read.
 */
long procfs_read(const char *path, char *buf, size_t size);

#endif
