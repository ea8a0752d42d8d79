/*
 * cmd_compare: the `vantage compare` subcommand.
 */
#ifndef VANTAGE_ANALYSIS_CMD_COMPARE_H
#define VANTAGE_ANALYSIS_CMD_COMPARE_H

/* vantage compare A [B] [--probe-a ID] [--probe-b ID] [--since T] [--until T]
   [--window S]
   [--min-effect-us N] [--json FILE] [--plot FILE.svg]; returns the exit
   status documented in its --help. */
int cmd_compare(int argc, char **argv);

#endif
