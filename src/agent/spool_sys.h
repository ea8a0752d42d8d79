/*
 * spool_sys: the system calls the spool makes that can fail in ways that
 * matter for durability (open, write, fsync, ftruncate, unlink), behind a
 * table so tests can make the Nth call fail on purpose.
 */
#ifndef VANTAGE_AGENT_SPOOL_SYS_H
#define VANTAGE_AGENT_SPOOL_SYS_H

#include <sys/types.h>

struct spool_sys {
	int (*open)(const char *path, int flags, mode_t mode, void *arg);
	ssize_t (*write)(int fd, const void *buf, size_t len, void *arg);
	int (*fsync)(int fd, void *arg);
	int (*ftruncate)(int fd, off_t len, void *arg);
	int (*unlink)(const char *path, void *arg);
	void *arg;
};

/* The real system calls. */
const struct spool_sys *spool_sys_default(void);

#endif
