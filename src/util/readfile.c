/*
 * readfile: bounded read of a small file (see readfile.h).
 */
#include "util/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

/* Read up to max-1 bytes of path into buf; NUL-terminated. */
long read_small_file(const char *path, char *buf, size_t max)
{
	if (max == 0)
		return -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t used = 0;
	while (used + 1 < max) {
		ssize_t r = read(fd, buf + used, max - 1 - used);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		used += (size_t)r;
	}
	close(fd);
	buf[used] = '\0';
	return (long)used;
}
