/*
 * resources: count CPUs (sysconf), read MemTotal, statvfs the storage path
 * and count the network interfaces that /sys says sit on a device.
 */
#include "host/resources.h"
#include "host/procfs.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* Count interfaces in /sys/class/net that have a device link. */
static void count_nics(struct host_resources *out)
{
	DIR *d = opendir("/sys/class/net");
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strlen(e->d_name) > 64)
			continue;
		char path[300];
		snprintf(path, sizeof path, "/sys/class/net/%.64s/device", e->d_name);
		if (access(path, F_OK) != 0)
			continue;
		size_t used = strlen(out->nic_names);
		if (used + strlen(e->d_name) + 2 < sizeof out->nic_names)
			snprintf(out->nic_names + used, sizeof out->nic_names - used,
				 "%s%.64s", used ? "," : "", e->d_name);
		out->nics++;
	}
	closedir(d);
}

/* Measure the machine's resources into *out. */
int host_resources(const char *storage_path, struct host_resources *out)
{
	memset(out, 0, sizeof *out);
	out->cpus = sysconf(_SC_NPROCESSORS_ONLN);
	char buf[8192];
	long n = procfs_read("/proc/meminfo", buf, sizeof buf);
	if (n > 0)
		procfs_meminfo_total(buf, (size_t)n, &out->mem_total_kb);
	struct statvfs vfs;
	if (statvfs(storage_path, &vfs) == 0) {
		out->storage_bytes = (uint64_t)vfs.f_blocks * vfs.f_frsize;
		out->storage_free = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	}
	count_nics(out);
	return 0;
}
