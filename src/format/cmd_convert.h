/*
 * cmd_convert: `vantage convert`, which reads RIPE Atlas result objects (one
 * a line, as vantage, the controller's export or RIPE Atlas write them) and
 * writes them as warts, text or JSON, e.g. to use scamper's tools on them.
 */
#ifndef VANTAGE_FORMAT_CMD_CONVERT_H
#define VANTAGE_FORMAT_CMD_CONVERT_H

/* The subcommand; returns 0, 1 if some line was bad, 2 on a usage error. */
int cmd_convert(int argc, char **argv);

#endif
