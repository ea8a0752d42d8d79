/*
 * trace_cmd: the `vantage trace` subcommand.
 */
#ifndef VANTAGE_MSM_TRACE_TRACE_CMD_H
#define VANTAGE_MSM_TRACE_TRACE_CMD_H

/* vantage trace [OPTIONS] [TARGET...]; returns the exit status. */
int cmd_trace(int argc, char **argv);

#endif
