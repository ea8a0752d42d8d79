/*
 * msm_cli: what `vantage ping` and `vantage trace` share: the common
 * options (-4/-6, --pps, -f FILE, -O FORMAT, -o FILE), reading targets from
 * the command line and from a list (bad lines reported by line number, the
 * rest runs), running every target concurrently on one engine under one
 * pps budget, and writing each result as it finishes. The raw sockets are
 * opened before any target is read; then the process becomes an
 * unprivileged user (--user, src/privsep/privsep.h) without any capability
 * and loads its seccomp filter (src/privsep/sandbox.h).
 */
#ifndef VANTAGE_MSM_MSM_CLI_H
#define VANTAGE_MSM_MSM_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <getopt.h>

#include "format/result_sink.h"
#include "msm/msm_type.h"

/* Option codes of the shared long options (beyond plain characters). */
enum { MSM_OPT_PPS = 1000, MSM_OPT_HELP, MSM_OPT_STATS, MSM_OPT_SEND_PATH, MSM_OPT_USER };

struct msm_cli_opts {
	int af;              /* 0 = any, 4 or 6 */
	uint32_t pps;        /* 0 = unlimited; default 1000 */
	const char *file;    /* target list, "-" = stdin, NULL = none */
	const char *out;     /* output file, NULL = stdout */
	enum result_format fmt;
	uint32_t window;     /* most measurements running at once */
	bool stats;          /* print the engine's counters at the end */
	uint8_t send_path;   /* enum eng_send_path (default auto) */
	const char *user;    /* --user: who measures when started as root (NULL: default) */
};

/* Defaults: any family, 1000 pps, JSON to stdout, 10000 at once. */
void msm_cli_defaults(struct msm_cli_opts *o);

/*
 * Handle a shared option c (from getopt_long) with its argument. Returns 1 if
 * handled, 0 if c is not a shared option, -1 with a message in err (naming
 * the option and value) when the value is bad.
 */
int msm_cli_common(int c, const char *arg, struct msm_cli_opts *o,
		   char *err, size_t errlen);

/*
 * Run type with spec on the targets (argv entries, then the list file) and
 * write results. prog names the program in messages ("vantage trace").
 * Returns the exit status: 0 all good, 1 some target line was bad or some
 * measurement failed, 2 nothing could run (e.g. no CAP_NET_RAW).
 */
int msm_cli_run(const char *prog, const struct msm_type *type, const void *spec,
		const struct msm_cli_opts *o, char **targets, int ntargets);

/* Print the shared options' help lines. */
void msm_cli_help_common(FILE *f);

/* The index i < n whose name_of(i) is name, or -1 (methods by name). */
int msm_cli_name_index(const char *(*name_of)(unsigned), unsigned n, const char *name);

/* A type's own option: 0, or -1 with a message naming the option in err. */
typedef int (*msm_cli_opt_fn)(int c, const char *arg, void *ctx, char *err, size_t errlen);

/*
 * Parse argv with getopt_long (short options -4 -6 -f -o -O -h plus
 * longopts): shared options into *o, the others through type_opt(ctx).
 * Returns -1 when all parsed (targets start at optind), else the exit
 * status: 0 after printing help (help(stdout)), 2 after an error message
 * ("PROG: --opt: ...") or an unknown option (help(stderr)).
 */
int msm_cli_parse(const char *prog, int argc, char **argv, const struct option *longopts,
		  msm_cli_opt_fn type_opt, void *ctx, void (*help)(FILE *),
		  struct msm_cli_opts *o);

#endif
