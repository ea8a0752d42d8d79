/*
 * cli: the operator subcommands of the `vantage` program that drive a
 * running controller through its admin socket: `vantage agents`,
 * `vantage measurement`, `vantage results`. The socket is --admin PATH, else
 * $VANTAGE_ADMIN, else /var/lib/vantage-controller/admin.sock.
 */
#ifndef VANTAGE_CONTROLLER_CLI_H
#define VANTAGE_CONTROLLER_CLI_H

#include <jansson.h>
#include <stddef.h>

int cmd_agents(int argc, char **argv);
int cmd_measurement(int argc, char **argv);
int cmd_results(int argc, char **argv);

/* `vantage noprobe add PREFIX --reason TEXT | remove PREFIX | list`: the platform no-probe list. */
int cmd_noprobe(int argc, char **argv);

/* `vantage prefixes load FILE | list`: versioned prefix-to-AS tables (cli_team.c). */
int cmd_prefixes(int argc, char **argv);

/* `vantage team create | list | status | stop`: team probing (cli_team.c). */
int cmd_team(int argc, char **argv);

/* `vantage results export --team NAME --cycle N ...`: a team cycle, one file a member
   (cli_team_export.c). */
int cli_team_export(int argc, char **argv);

struct result_sink;

/* Write one RIPE Atlas result object to a warts sink; 0 or -1 with err (cli.c). */
int cli_warts_one(struct result_sink *s, const json_t *o, char *err, size_t errlen);
/* `vantage accounts add NAME [--note T] | list | show A | disable A` (cli_accounts.c). */
int cmd_accounts(int argc, char **argv);

/* `vantage agents names --zone DOMAIN [--convention C]`: zone-file lines (cli_names.c). */
int cli_agents_names(int argc, char **argv);
/* `vantage permissions grant|list` and `vantage accounts own` (cli_permissions.c). */
int cmd_permissions(int argc, char **argv);
int cmd_accounts_own(int argc, char **argv);

/* `vantage report churn [--from T] [--to T] [--period S] [--json] [--svg F]` (cli_report.c). */
int cmd_report(int argc, char **argv);

/* `vantage policy show [--json]`: the platform's rules in force (policy_ctl.c). */
int cmd_policy(int argc, char **argv);

/* `vantage credits show A | ledger A [--from T --to T] | transfer --from A --to B
   --amount N [--note T]` (cli_credits.c). */
int cmd_credits(int argc, char **argv);

/*
 * Send req (a JSON object) to the admin socket at path and wait for the
 * answer. Returns 0 with the answer's data in *data (caller decrefs), or -1
 * with the controller's error or the connection problem in err.
 */
int cli_request(const char *path, json_t *req, json_t **data, char *err, size_t errlen);

/*
 * Send req (consumed) to the admin socket (cli_admin_path(admin)) and print
 * the answer's data as JSON (json set, or show NULL) or through show; a
 * failure is printed as "prog: reason". Returns an exit status.
 */
int cli_ask(const char *prog, const char *admin, int json, json_t *req,
	    void (*show)(const json_t *data));

/* The admin socket path: given if not NULL, else $VANTAGE_ADMIN, else the default. */
const char *cli_admin_path(const char *given);

#endif
