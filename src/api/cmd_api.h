/*
 * cmd_api: the subcommands of the `vantage` program that belong to the
 * REST API: `vantage keys` (operators create, list and revoke API keys in
 * the controller's store).
 */
#ifndef VANTAGE_API_CMD_API_H
#define VANTAGE_API_CMD_API_H

/* vantage keys add OWNER [--rate N] | list | revoke ID   [--dir DIR | --db PATH] */
int cmd_keys(int argc, char **argv);

#endif
