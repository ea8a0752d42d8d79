/*
 * msm_cli_type: a measurement command (`vantage ping`, `vantage trace`)
 * described as data: its --method names, its bounded numeric options each
 * with the field it fills, and a hook that completes the parsed arguments.
 * msm_cli_type_main builds the getopt table from that description (the
 * type's options, then the shared ones), parses with msm_cli_parse and runs
 * the targets with msm_cli_run. Every number goes through util/numparse.h,
 * so each bad value gets one message naming the option and the value.
 */
#ifndef VANTAGE_MSM_MSM_CLI_TYPE_H
#define VANTAGE_MSM_MSM_CLI_TYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "msm/msm_type.h"

/* A bounded numeric option: its long name (without "--"), range, and the
   field it fills in the command's args struct (offset, width 1/2/4/8). */
struct msm_cli_num {
	const char *name;
	long long min, max;
	size_t off, width;
};

/* The entry for option --name filling `field` of args struct T. */
#define MSM_CLI_NUM(name, min, max, T, field) \
	{ (name), (min), (max), offsetof(T, field), sizeof(((T *)0)->field) }

/* The most numeric options a command may have. */
#define MSM_CLI_MAX_NUMS 16

/* A measurement command. */
struct msm_cli_type {
	const char *prog;                     /* "vantage ping", for messages */
	const struct msm_type *type;          /* what it runs */
	void (*help)(FILE *f);                /* its help text */
	const char *(*method_name)(unsigned); /* --method names by index */
	unsigned n_methods;
	const char *method_list;              /* "a, b or c", for the message */
	size_t method_off;                    /* its uint8_t method field in args */
	const struct msm_cli_num *nums;       /* its numeric options, in --help order */
	size_t n_nums;                        /* at most MSM_CLI_MAX_NUMS */
	bool send_path;                       /* it takes --send-path */
	size_t spec_off;                      /* the type's spec inside args */
	/* check and complete args after parsing: -1 to run, else the exit
	   status (after printing why) */
	int (*complete)(void *args);
};

/*
 * Run the command on argc/argv with args holding the type's defaults.
 * Returns the exit status (see msm_cli_parse and msm_cli_run).
 */
int msm_cli_type_main(const struct msm_cli_type *t, void *args, int argc, char **argv);

#endif
