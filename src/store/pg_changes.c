/*
 * pg_changes: how a front-end learns which measurements changed for which
 * agent, through PostgreSQL's LISTEN/NOTIFY instead of polling. Row
 * triggers notify the channel vantage_msm with "AGENT MSM" for every
 * assignment made or removed and, for a measurement whose schedule or
 * definition changed (a stop, say), for every agent it is assigned to.
 * PostgreSQL delivers them when the writer's transaction commits, so a
 * listener that hears one can read the change. Each front-end listens on a
 * connection of its own (not the store's, whose round trips block): it
 * waits on that socket in its event loop and reads what arrived
 * (store_frontend.h: changes_listen, changes_read), then reads the one
 * measurement for the one agent (msm_of_agent). The same channel carries
 * "noprobe VERSION" when the platform no-probe list changed (pg_noprobe.c),
 * handed on as agent 0, and "credit ACCOUNT" when a commit charged the
 * account (pg_credit.c), handed on as agent -1. The change counter of
 * pg_frontend.c stays, as the slow safety net for a lost listener.
 */
#include "store/pg_int.h"
#include "store/store_frontend.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#define CHANNEL PG_CHANGES_CHANNEL

/* The triggers, run by pg.c with the rest of the schema. */
const char pg_changes_schema[] =
	"CREATE OR REPLACE FUNCTION vantage_msm_agent_notify() RETURNS trigger LANGUAGE plpgsql AS"
	" $$ BEGIN"
	"  IF TG_OP = 'DELETE' THEN"
	"   PERFORM pg_notify('" CHANNEL "', OLD.agent_id || ' ' || OLD.msm_id);"
	"  ELSE"
	"   PERFORM pg_notify('" CHANNEL "', NEW.agent_id || ' ' || NEW.msm_id);"
	"  END IF;"
	"  RETURN NULL; END $$;"
	/* UPDATE OF refused: a participant taken out, or put back (an upsert) */
	"CREATE OR REPLACE TRIGGER msm_agents_notify AFTER INSERT OR DELETE OR UPDATE OF refused"
	" ON msm_agents"
	" FOR EACH ROW EXECUTE FUNCTION vantage_msm_agent_notify();"
	"CREATE OR REPLACE FUNCTION vantage_msm_notify() RETURNS trigger LANGUAGE plpgsql AS"
	" $$ BEGIN"
	"  PERFORM pg_notify('" CHANNEL "', a.agent_id || ' ' || NEW.id)"
	"   FROM msm_agents a WHERE a.msm_id = NEW.id;"
	"  RETURN NULL; END $$;"
	/* only what an agent is sent: other columns (status, tags...) change no schedule */
	"CREATE OR REPLACE TRIGGER measurements_notify AFTER UPDATE ON measurements FOR EACH ROW"
	" WHEN (OLD.stopped IS DISTINCT FROM NEW.stopped OR OLD.def IS DISTINCT FROM NEW.def"
	"  OR OLD.start IS DISTINCT FROM NEW.start OR OLD.stop IS DISTINCT FROM NEW.stop"
	"  OR OLD.\"interval\" IS DISTINCT FROM NEW.\"interval\""
	"  OR OLD.spread IS DISTINCT FROM NEW.spread)"
	" EXECUTE FUNCTION vantage_msm_notify();";

/* Close the listening connection, if any. */
void pg_changes_close(struct store_pg *s)
{
	if (s->listen)
		PQfinish(s->listen);
	s->listen = NULL;
}

/* See store_frontend.h (changes_listen). */
int pg_changes_listen(struct store *st, char *err, size_t errlen)
{
	struct store_pg *s = pg(st);
	pg_changes_close(s);
	s->listen = pg_connect(s->conninfo);
	PGresult *r = NULL;
	if (PQstatus(s->listen) == CONNECTION_OK)
		r = PQexec(s->listen, "LISTEN " CHANNEL);
	if (!r || PQresultStatus(r) != PGRES_COMMAND_OK ||
	    PQsetnonblocking(s->listen, 1) != 0 || PQsocket(s->listen) < 0) {
		snprintf(err, errlen, "store: listen for measurement changes: %s",
			 PQerrorMessage(s->listen));
		PQclear(r);
		pg_changes_close(s);
		return -1;
	}
	PQclear(r);
	return PQsocket(s->listen);
}

/* See store_frontend.h (changes_read). */
int pg_changes_read(struct store *st, store_change_fn fn, void *arg, char *err, size_t errlen)
{
	struct store_pg *s = pg(st);
	if (!s->listen || !PQconsumeInput(s->listen)) {
		snprintf(err, errlen, "store: listening for measurement changes: %s",
			 s->listen ? PQerrorMessage(s->listen) : "not listening");
		pg_changes_close(s);
		return -1;
	}
	int n = 0;
	PGnotify *note;
	while ((note = PQnotifies(s->listen))) {
		int64_t agent = 0, msm;
		if (sscanf(note->extra, "%" SCNd64 " %" SCNd64, &agent, &msm) == 2 ||
		    (agent = 0, sscanf(note->extra, "noprobe %" SCNd64, &msm) == 1) ||
		    (agent = -1, sscanf(note->extra, "credit %" SCNd64, &msm) == 1)) {
			/* agent 0: the no-probe list (pg_noprobe.c); -1: an account
			   charged, its id in msm (pg_credit.c) */
			fn(arg, agent, msm);
			n++;
		}
		PQfreemem(note);
	}
	return n;
}

/* See store_frontend.h (msm_of_agent). */
int pg_msm_of_agent(struct store *st, int64_t agent_id, int64_t msm_id, store_row_fn fn,
		     void *arg, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_int(&q, agent_id);
	pg_arg_int(&q, msm_id);
	return pg_each(pg(st), "measurement of an agent",
		"SELECT m.id, m.def, m.start, m.stop, m.\"interval\", m.spread FROM measurements m"
		" JOIN msm_agents a ON a.msm_id = m.id WHERE a.agent_id = $1 AND m.id = $2"
		" AND m.stopped IS NULL AND a.refused IS NULL", &q, fn, arg, err, errlen);
}
