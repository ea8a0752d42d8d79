/*
 * cmd_api: the subcommands of the `vantage` program that belong to the
 * REST API: `vantage keys` (operators create, list and revoke API keys in
 * the controller's store), `vantage measure` and `vantage results ID`
 * (researchers, through the API).
 */
#ifndef VANTAGE_API_CMD_API_H
#define VANTAGE_API_CMD_API_H

/* vantage keys add OWNER [--rate N] | list | revoke ID   [--dir DIR | --db PATH] */
int cmd_keys(int argc, char **argv);

/* vantage measure ping|traceroute --target ADDR ... (see cmd_measure.c) */
int cmd_measure(int argc, char **argv);

/* vantage results ID ...; other forms go to the admin-socket cmd_results */
int cmd_results_api(int argc, char **argv);

#endif
