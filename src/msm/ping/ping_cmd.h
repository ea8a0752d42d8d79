/*
 * ping_cmd: the `vantage ping` subcommand.
 */
#ifndef VANTAGE_MSM_PING_PING_CMD_H
#define VANTAGE_MSM_PING_PING_CMD_H

/* vantage ping [OPTIONS] [TARGET...]; returns the exit status. */
int cmd_ping(int argc, char **argv);

#endif
