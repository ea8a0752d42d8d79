/*
 * spool_sys: the default table of real system calls for the spool.
 */
#include "agent/spool_sys.h"

#include <fcntl.h>
#include <unistd.h>

/* open(2), ignoring arg. */
static int sys_open(const char *path, int flags, mode_t mode, void *arg)
{
	(void)arg;
	return open(path, flags | O_CLOEXEC, mode);
}

/* write(2), ignoring arg. */
static ssize_t sys_write(int fd, const void *buf, size_t len, void *arg)
{
	(void)arg;
	return write(fd, buf, len);
}

/* fsync(2), ignoring arg. */
static int sys_fsync(int fd, void *arg)
{
	(void)arg;
	return fsync(fd);
}

/* ftruncate(2), ignoring arg. */
static int sys_ftruncate(int fd, off_t len, void *arg)
{
	(void)arg;
	return ftruncate(fd, len);
}

/* unlink(2), ignoring arg. */
static int sys_unlink(const char *path, void *arg)
{
	(void)arg;
	return unlink(path);
}

static const struct spool_sys real = {
	sys_open, sys_write, sys_fsync, sys_ftruncate, sys_unlink, NULL,
};

/* See spool_sys.h. */
const struct spool_sys *spool_sys_default(void)
{
	return &real;
}
