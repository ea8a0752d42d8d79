/*
 * cmd_lab: the `vantage lab` subcommand (up, down, status, exec, truth, link).
 */
#ifndef VANTAGE_LAB_CMD_LAB_H
#define VANTAGE_LAB_CMD_LAB_H

/* Run `vantage lab ARGS...`; argv[0] is "lab". Returns the exit status. */
int cmd_lab(int argc, char **argv);

#endif
