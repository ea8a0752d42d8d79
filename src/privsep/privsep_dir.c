/*
 * privsep_dir: hand a program's own directory (the agent's spool) to the
 * user it is about to become, so that it can go on creating, renaming and
 * deleting its files there without root. Only the directory (as the
 * operator named it, a link to it included) and its direct entries change
 * owner; a link among the entries changes, never what it points to.
 */
#include "privsep/privsep.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* See privsep.h. */
int privsep_own_dir(const char *dir, uid_t uid, gid_t gid, char *err, size_t errlen)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 && fchown(fd, uid, gid) == 0 ? fdopendir(fd) : NULL;
	if (!d) {
		snprintf(err, errlen, "%s: cannot give it to uid %u: %s", dir, (unsigned)uid,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (fchownat(fd, e->d_name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0) {
			snprintf(err, errlen, "%s/%s: cannot give it to uid %u: %s", dir,
				 e->d_name, (unsigned)uid, strerror(errno));
			rc = -1;
		}
	}
	closedir(d);
	return rc;
}
