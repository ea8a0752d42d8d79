/*
 * cmd_scan: the `vantage scan` subcommand (see scan.h for what it does).
 */
#ifndef VANTAGE_SCAN_CMD_SCAN_H
#define VANTAGE_SCAN_CMD_SCAN_H

/* Run `vantage scan` with argv (argv[0] = "scan"); returns the exit status. */
int cmd_scan(int argc, char **argv);

#endif
