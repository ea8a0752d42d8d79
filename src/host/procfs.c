/*
 * procfs: bounded parsers of /proc/meminfo and /proc/stat text, and a small
 * file reader (see procfs.h).
 */
#include "host/procfs.h"

#include "util/readfile.h"

#include <string.h>

/* Parse a decimal number at text[*pos] (after blanks); 0 or -1. */
static int read_u64(const char *text, size_t len, size_t *pos, uint64_t *out)
{
	size_t i = *pos;
	while (i < len && (text[i] == ' ' || text[i] == '\t'))
		i++;
	if (i >= len || text[i] < '0' || text[i] > '9')
		return -1;
	uint64_t v = 0;
	while (i < len && text[i] >= '0' && text[i] <= '9') {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(text[i] - '0');
		i++;
	}
	*pos = i;
	*out = v;
	return 0;
}

/* Offset just after the line starting with prefix, or -1 if none. */
static long find_line(const char *text, size_t len, const char *prefix)
{
	size_t plen = strlen(prefix);
	for (size_t i = 0; i < len;) {
		if (len - i >= plen && memcmp(text + i, prefix, plen) == 0)
			return (long)(i + plen);
		const char *nl = memchr(text + i, '\n', len - i);
		if (!nl)
			break;
		i = (size_t)(nl - text) + 1;
	}
	return -1;
}

/* MemTotal in kB from meminfo text. */
int procfs_meminfo_total(const char *text, size_t len, uint64_t *kb)
{
	long at = find_line(text, len, "MemTotal:");
	if (at < 0)
		return -1;
	size_t pos = (size_t)at;
	return read_u64(text, len, &pos, kb);
}

/* Aggregate cpu counters from /proc/stat text. */
int procfs_stat_cpu(const char *text, size_t len, struct cpu_ticks *out)
{
	long at = find_line(text, len, "cpu ");
	if (at < 0)
		return -1;
	size_t pos = (size_t)at;
	uint64_t f[10] = { 0 };
	int n = 0;
	while (n < 10 && read_u64(text, len, &pos, &f[n]) == 0)
		n++;
	if (n < 4)
		return -1;
	out->total = 0;
	/* guest and guest_nice (fields 9, 10) are already inside user/nice */
	for (int i = 0; i < n && i < 8; i++) {
		if (out->total > UINT64_MAX - f[i])
			return -1;
		out->total += f[i];
	}
	out->idle = f[3] + f[4];
	out->steal = n > 7 ? f[7] : 0;
	return 0;
}

/* Read a small text file into buf, without its trailing newline. */
long procfs_read(const char *path, char *buf, size_t size)
{
	long got = read_small_file(path, buf, size);
	if (got > 0 && buf[got - 1] == '\n')
		buf[--got] = '\0';
	return got;
}
