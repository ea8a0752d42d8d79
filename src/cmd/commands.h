/*
 * commands: the subcommands of the `vantage` program. Each is implemented
 * next to the code it drives (e.g. the lab in src/lab, ping in src/msm/ping)
 * and registered by one line in the table in vantage.c.
 */
#ifndef VANTAGE_CMD_COMMANDS_H
#define VANTAGE_CMD_COMMANDS_H

/* Every subcommand: argv[0] is the subcommand's name; returns an exit status. */
typedef int (*command_fn)(int argc, char **argv);

struct command {
	const char *name;
	command_fn run;
	const char *summary;
};

#endif
