/*
 * fuzz_host_procfs: arbitrary bytes as the kernel texts and messages the
 * host check parses: an rtnetlink address dump, /proc/meminfo, /proc/stat
 * and the IPv4/IPv6 route tables. The first byte picks the parser.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/netaddr.h"
#include "host/privileges.h"
#include "host/procfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t which = data[0] % 4;
	size--;
	/* an exact-size, aligned copy so ASan sees any overread */
	uint64_t *copy = malloc(size ? (size + 7) / 8 * 8 : 8);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size);
	const char *text = (const char *)copy;
	if (which == 0) {
		struct host_addrs *out = calloc(1, sizeof *out);
		if (out)
			netaddr_parse(copy, size, out);
		free(out);
	} else if (which == 1) {
		uint64_t kb;
		procfs_meminfo_total(text, size, &kb);
	} else if (which == 2) {
		struct cpu_ticks t;
		procfs_stat_cpu(text, size, &t);
	} else {
		char name[16];
		route_default_ifname(text, size, 0, name, sizeof name);
		route_default_ifname(text, size, 1, name, sizeof name);
	}
	free(copy);
	return 0;
}
