/*
 * Fuzz target: `vantage scan` reading a checkpoint (src/scan/scan_ckpt.c)
 * over arbitrary bytes. The input is one slot's content; the target appends
 * the checksum a slot ends with (so the fuzzer reaches the header and body
 * checks behind it, not only the checksum) and hands it, beside an empty
 * second slot, to a scan of 6 targets (the lab test's) with a window of 4. Whatever is
 * read, the state must then be usable: the spent positions are walked and
 * every slot freed without a leak or a read outside a buffer.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "scan/scan_int.h"

static uint64_t fnv(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char text[] = "198.18.128.0/22\n198.18.200.0/23\n";
	struct scan_opts o;
	struct scan s;
	char err[256];
	scan_opts_defaults(&o);
	o.prog = "fuzz";
	o.resume = "fuzz-ckpt";
	o.window = 4;
	memset(&s, 0, sizeof s);
	s.o = &o;
	scan_stamp_init(&s.stamp, o.method, o.seed);
	if (scan_targets_init(&s.t, AF_INET, o.seed, err, sizeof err) != 0 ||
	    scan_targets_add_text(&s.t, text, sizeof text - 1, "t", err, sizeof err) < 0 ||
	    scan_targets_finish(&s.t, err, sizeof err) != 0 || scan_state_init(&s) != 0)
		abort();
	int a = memfd_create("slot-a", 0), b = memfd_create("slot-b", 0);
	uint64_t sum = fnv(data, size);
	if (a < 0 || b < 0 || (size && write(a, data, size) != (ssize_t)size) ||
	    write(a, &sum, sizeof sum) != sizeof sum)
		abort();
	s.ckpt_fd[0] = a;
	s.ckpt_fd[1] = b;
	s.ckpt_open = true;
	long off;
	(void)scan_ckpt_resume(&s, &off);
	scan_state_free(&s); /* closes both slots */
	return 0;
}
