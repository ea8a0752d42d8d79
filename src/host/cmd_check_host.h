/*
 * cmd_check_host: the `vantage check-host` subcommand.
 */
#ifndef VANTAGE_HOST_CMD_CHECK_HOST_H
#define VANTAGE_HOST_CMD_CHECK_HOST_H

/* vantage check-host [--role probe|anchor] [--requirements FILE] [--json]
   [--interface IF] [--quick]; returns CHECK_EXIT_*. */
int cmd_check_host(int argc, char **argv);

#endif
