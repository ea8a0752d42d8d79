/*
 * Fuzz target: `vantage scan` reading a checkpoint (src/scan/scan_ckpt.c)
 * over arbitrary bytes. The input is one slot's content; the target appends
 * the checksum a slot ends with (so the fuzzer reaches the header and body
 * checks behind it, not only the checksum) and hands it, beside an empty
 * second slot, to a scan of 6 targets (the lab test's) with a window of 4. Whatever is
 * read, the state must then be usable: the spent positions are walked and
 * every slot freed without a leak or a read outside a buffer.
 */
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

/* The target list, read once (building it walks a bitmap of every /24);
   each run gets its own copy, which scan_state_free releases. */
static void targets(const struct scan_opts *o, struct scan_targets *out)
{
	static const char text[] = "198.18.128.0/22\n198.18.200.0/23\n";
	static struct scan_targets t;
	static int done;
	char err[256];
	if (!done && (scan_targets_init(&t, AF_INET, o->seed, err, sizeof err) != 0 ||
		      scan_targets_add_text(&t, text, sizeof text - 1, "t", err, sizeof err) < 0 ||
		      scan_targets_finish(&t, err, sizeof err) != 0))
		abort();
	done = 1;
	*out = t;
	out->v4 = malloc(t.n * sizeof *t.v4);
	if (out->v4 == NULL)
		abort();
	memcpy(out->v4, t.v4, t.n * sizeof *t.v4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scan_opts o;
	struct scan s;
	scan_opts_defaults(&o);
	o.prog = "fuzz";
	o.resume = "fuzz-ckpt";
	o.window = 4;
	memset(&s, 0, sizeof s);
	s.o = &o;
	scan_stamp_init(&s.stamp, o.method, o.seed);
	targets(&o, &s.t);
	if (scan_state_init(&s) != 0)
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
