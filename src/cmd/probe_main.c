/*
 * vantage-probe: `vantage ping` and `vantage trace` alone, in a program that
 * links only what measuring needs (libevent's core, jansson, libcap, libc).
 * The full `vantage` command line also carries the controller's tools, so
 * loading it maps and relocates OpenSSL and SQLite as well, which costs
 * about 2.4 MB of resident memory before the first probe; a vantage point
 * that runs 10,000 traces at once, like scamper, is better off without it.
 * The subcommands are the very same functions as in `vantage`.
 */
#include "msm/ping/ping_cmd.h"
#include "msm/trace/trace_cmd.h"

#include <stdio.h>
#include <string.h>

/* Print how the program is called to out. */
static void usage(FILE *out)
{
	fprintf(out, "usage: vantage-probe ping|trace [OPTIONS] [TARGET...]\n"
		     "  the same as 'vantage ping' and 'vantage trace' "
		     "('vantage-probe ping --help' tells more)\n");
}

/* Run the subcommand named by argv[1]; returns its exit status (2 on misuse). */
int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "ping") == 0)
		return cmd_ping(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "trace") == 0)
		return cmd_trace(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc >= 2)
		fprintf(stderr, "vantage-probe: unknown command '%s' (ping or trace)\n", argv[1]);
	else
		usage(stderr);
	return 2;
}
