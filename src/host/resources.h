/*
 * resources: the machine's CPUs, memory, storage and network interfaces, as
 * the host check compares them with a role's requirements.
 */
#ifndef VANTAGE_HOST_RESOURCES_H
#define VANTAGE_HOST_RESOURCES_H

#include <stdint.h>

struct host_resources {
	long cpus;               /* online CPUs                              */
	uint64_t mem_total_kb;   /* MemTotal from /proc/meminfo (0: unknown) */
	uint64_t storage_bytes;  /* size of the filesystem at storage_path   */
	uint64_t storage_free;   /* bytes available to unprivileged users    */
	int nics;                /* interfaces backed by a device (not lo,
				    not virtual: veth, bridges, ifb, tunnels) */
	char nic_names[128];     /* their names, comma separated             */
};

/* Measure resources; storage of the filesystem holding storage_path.
   Returns 0; fields that cannot be read stay 0. */
int host_resources(const char *storage_path, struct host_resources *out);

#endif
