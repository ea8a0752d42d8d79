/*
 * session: one agent's connection to the controller. After the TLS
 * handshake the agent's key fingerprint must belong to a registered and
 * approved agent, and its HELLO must claim that same identity; otherwise the
 * connection is refused with a reason, logged, and nothing of it is stored.
 * An admitted session is recorded (connect and disconnect times), gets its
 * measurement definitions, and then carries heartbeats, status and results.
 */
#include "controller/controller_int.h"

#include "controller/reach_addr.h"

#include <event2/bufferevent_ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ADMIT_TIMEOUT 10   /* seconds from accept to an accepted HELLO */

static void on_connected(struct conn *cn, void *arg);
static void on_msg(struct conn *cn, struct msg *m, void *arg);
static void on_close(struct conn *cn, const char *reason, void *arg);

static const struct conn_cbs session_cbs = { on_connected, on_msg, on_close };

/* See controller_int.h. */
void session_start(struct controller *c, struct bufferevent *bev, const char *peer,
		   const char *host)
{
	struct session *s = calloc(1, sizeof *s);
	if (!s || preauth_enter(c, s) < 0 || !(s->conn = conn_new(bev, &session_cbs, s))) {
		if (s)
			preauth_leave(c, s);
		free(s);
		bufferevent_free(bev);
		return;
	}
	s->ctl = c;
	snprintf(s->peer, sizeof s->peer, "%s", peer);
	snprintf(s->host, sizeof s->host, "%s", host);
	s->last_heard = ctl_now_mono();
	TAILQ_INSERT_TAIL(&c->sessions, s, link);
}

/* Refuse s: log why, tell the peer, close. */
static void refuse(struct session *s, const char *why)
{
	s->ctl->refused_conns++;
	ctl_log(s->ctl, "%s: refused: %s", s->peer, why);
	conn_close(s->conn, why, why);
}

/* The handshake is done: look the key up. */
static void on_connected(struct conn *cn, void *arg)
{
	struct session *s = arg;
	struct controller *c = s->ctl;
	SSL *ssl = bufferevent_openssl_get_ssl(conn_bev(cn));
	char err[256], why[400];
	if (!ssl || identity_peer_fp(ssl, s->fp) < 0) {
		refuse(s, "no Ed25519 client key presented");
		return;
	}
	int found = c->store->ops->agent_by_fp(c->store, s->fp, &s->agent, err, sizeof err);
	if (found < 0) {
		ctl_log(c, "%s: %s", s->peer, err);
		conn_close(cn, "controller storage error", err);
	} else if (found == 0) {
		snprintf(why, sizeof why, "key %s is not registered", s->fp);
		refuse(s, why);
	} else if (!s->agent.approved) {
		snprintf(why, sizeof why, "agent %lld (key %s) is not approved",
			 (long long)s->agent.id, s->fp);
		refuse(s, why);
	} else {
		int ok = account_admits(c, s->agent.id, why, sizeof why);
		if (ok < 0)
			conn_close(cn, "controller storage error", why);
		else if (ok == 0)
			refuse(s, why);
	}
}

/* See controller_int.h. Agent ids are small dense integers: an array indexes them. */
struct session *session_of_agent(struct controller *c, int64_t agent_id)
{
	if (agent_id < 0 || (size_t)agent_id >= c->nby_agent)
		return NULL;
	return c->by_agent[agent_id];
}

/* See controller_int.h. */
int session_index(struct controller *c, int64_t agent_id, struct session *s)
{
	if (agent_id < 0 || agent_id > (1 << 30))
		return -1;
	if ((size_t)agent_id >= c->nby_agent) {
		size_t n = c->nby_agent ? c->nby_agent : 64;
		while (n <= (size_t)agent_id)
			n *= 2;
		struct session **b = realloc(c->by_agent, n * sizeof *b);
		if (!b)
			return -1;
		memset(b + c->nby_agent, 0, (n - c->nby_agent) * sizeof *b);
		c->by_agent = b;
		c->nby_agent = n;
	}
	c->by_agent[agent_id] = s;
	return 0;
}

/* Send m on s, logging a failure. */
static void send_msg(struct session *s, const struct msg *m)
{
	char err[256];
	if (conn_send(s->conn, m, err, sizeof err) < 0)
		ctl_log(s->ctl, "agent %lld: %s", (long long)s->agent.id, err);
}

/* A HELLO: check the claimed identity, admit, welcome, send definitions. */
static void hello(struct session *s, const struct msg *m)
{
	struct controller *c = s->ctl;
	char err[256], why[400];
	if (strcmp(m->agent, s->fp) != 0) {
		snprintf(why, sizeof why, "claims to be agent %.64s but presents key %s",
			 m->agent, s->fp);
		refuse(s, why);
		return;
	}
	if (quota_hello(c, s->agent.id, why, sizeof why) < 0) {
		refuse(s, why);   /* before any write: a reconnect loop stores nothing */
		return;
	}
	char host[64] = "";
	reach_peer_host(s->peer, host, sizeof host);
	int admitted = admission_hello(c, s->agent.id, host, why, sizeof why);
	if (admitted <= 0) {
		if (admitted < 0)
			conn_close(s->conn, "controller storage error", why);
		else
			refuse(s, why);
		return;
	}
	struct session *old = session_of_agent(c, s->agent.id);
	if (old)
		conn_close(old->conn, "replaced by a newer connection", "replaced by a newer connection");
	int64_t max = 0;
	ingest_txn(c);
	s->epoch = m->epoch;
	s->stream = ++c->streams;
	if (c->store->ops->result_max_seq(c->store, s->agent.id, s->epoch, &max, err,
					  sizeof err) < 0 ||
	    frontend_session_open(c, s, err, sizeof err) < 0) {
		ctl_log(c, "agent %lld: %s", (long long)s->agent.id, err);
		conn_close(s->conn, "controller storage error", err);
		return;
	}
	s->connected_wall = time(NULL);
	s->earned_to = -1;
	if (session_index(c, s->agent.id, s) < 0) {
		conn_close(s->conn, "controller out of memory", "out of memory");
		return;
	}
	s->admitted = 1;
	ingest_nats_admitted(c, s);
	preauth_leave(c, s);
	if (!c->opts.quiet)
		ctl_log(c, "agent %lld (%s, %s, version %s) connected from %s",
			(long long)s->agent.id, s->agent.role, s->agent.org, m->version, s->peer);
	if (m->seq > 0 && max >= m->seq) {
		char why[200];
		snprintf(why, sizeof why, "it numbers from %lld in epoch %lld, but results up to %lld"
			 " of that epoch are stored (restored from a snapshot, or a copy with the same"
			 " key?)", (long long)m->seq, (long long)s->epoch, (long long)max);
		ingest_rewound(c, s, why);
	}
	stream_feed_probe(c, s, 1);
	struct msg w = { .type = MSG_WELCOME, .agent = s->fp, .seq = max, .epoch = s->epoch };
	send_msg(s, &w);
	noprobe_send(c, s);
	assign_send_all(c, s);
	team_admitted(c, s);
	reach_admitted(c, s);
}

/* A STATUS: keep it on the agent's row. */
static void status(struct session *s, const struct msg *m)
{
	char err[256];
	char *text = json_dumps(m->root, JSON_COMPACT);
	quota_bytes(s->ctl, s->agent.id, text ? strlen(text) : 0);
	ingest_txn(s->ctl);
	if (s->ctl->store->ops->agent_status(s->ctl->store, s->agent.id, text, time(NULL),
					     err, sizeof err) < 0)
		ctl_log(s->ctl, "agent %lld: %s", (long long)s->agent.id, err);
	free(text);
	s->pps_max = m->pps_max > 0 && m->pps_max < UINT32_MAX ? (uint32_t)m->pps_max : 0;
	if (m->timing)
		timing_status(s->ctl, s->agent.id, m->timing);
	if (m->reason && m->reason[0])
		ctl_log(s->ctl, "agent %lld reports: %s", (long long)s->agent.id, m->reason);
}

/* A REFUSE: record the agent's reason for not running a measurement. */
static void refused(struct session *s, const struct msg *m)
{
	char err[256];
	ctl_log(s->ctl, "agent %lld refuses measurement %lld: %s", (long long)s->agent.id,
		(long long)m->msm_id, m->reason);
	if (s->ctl->store->ops->msm_refused(s->ctl->store, m->msm_id, s->agent.id, m->reason,
					    err, sizeof err) < 0)
		ctl_log(s->ctl, "agent %lld: %s", (long long)s->agent.id, err);
}

/* Refuse a result over the agent's quota (closing with the reason); 0 or -1. */
static int over_quota(struct session *s, const struct msg *m)
{
	char why[200];
	size_t bytes = json_dumpb(m->body, NULL, 0, JSON_COMPACT);
	if (quota_result(s->ctl, s, bytes, why, sizeof why) == 0)
		return 0;
	ctl_log(s->ctl, "agent %lld: result %lld refused: %s", (long long)s->agent.id,
		(long long)m->seq, why);
	conn_close(s->conn, why, why);
	return -1;
}

/* Dispatch one message from the agent. */
static void on_msg(struct conn *cn, struct msg *m, void *arg)
{
	struct session *s = arg;
	s->last_heard = ctl_now_mono();
	if (!s->admitted) {
		if (m->type == MSG_HELLO && s->agent.approved)
			hello(s, m);
		else
			refuse(s, "expected a HELLO from an approved agent first");
		return;
	}
	switch (m->type) {
	case MSG_HEARTBEAT: break;
	case MSG_STATUS: status(s, m); break;
	case MSG_RESULT:
		if (over_quota(s, m) < 0)
			break;
		if (ingest_add(s->ctl, s, m) < 0)
			conn_close(cn, "controller cannot queue the result", "ingest queue error");
		break;
	case MSG_REFUSE: refused(s, m); break;
	case MSG_CHUNK_DONE: team_chunk_done(s->ctl, s, m); break;
	case MSG_HOST_REPORT: hostreport_received(s, m->body); break;
	case MSG_ERROR:
		ctl_log(s->ctl, "agent %lld: error: %s", (long long)s->agent.id, m->reason);
		conn_close(cn, NULL, m->reason);
		break;
	default: {
		char why[96];
		snprintf(why, sizeof why, "unexpected %s message from an agent", msg_type_name(m->type));
		ctl_log(s->ctl, "agent %lld: %s", (long long)s->agent.id, why);
		conn_close(cn, why, why);
	}
	}
}

/* Record the disconnect and forget the session. */
static void end_session(struct session *s, const char *reason)
{
	struct controller *c = s->ctl;
	char err[256];
	ingest_forget(c, s);
	preauth_leave(c, s);
	quota_session_end(s);
	if (s->admitted && session_of_agent(c, s->agent.id) == s)
		session_index(c, s->agent.id, NULL);
	if (s->admitted) {
		ingest_txn(c);
		credits_session_end(c, s, time(NULL));
		if (c->store->ops->session_close(c->store, s->sid, time(NULL), reason, err,
						 sizeof err) < 0)
			ctl_log(c, "agent %lld: %s", (long long)s->agent.id, err);
		if (!c->opts.quiet)
			ctl_log(c, "agent %lld disconnected: %s (%llu results)", (long long)s->agent.id,
				reason, (unsigned long long)s->results);
		stream_feed_probe(c, s, 0);
	}
	TAILQ_REMOVE(&c->sessions, s, link);
	free(s);
}

/* The connection is gone. */
static void on_close(struct conn *cn, const char *reason, void *arg)
{
	(void)cn;
	end_session(arg, reason);
}

/* See controller_int.h. */
void session_close_all(struct controller *c)
{
	struct session *s;
	while ((s = TAILQ_FIRST(&c->sessions))) {
		struct conn *cn = s->conn;
		end_session(s, "controller shutting down");
		conn_free(cn);
	}
}

/* See controller_int.h. */
void session_tick(struct controller *c)
{
	int64_t now = ctl_now_mono();
	struct msg hb = { .type = MSG_HEARTBEAT, .time = time(NULL) };
	struct session *s, *next;
	for (s = TAILQ_FIRST(&c->sessions); s; s = next) {
		next = TAILQ_NEXT(s, link);
		int64_t limit = s->admitted ? 3 * c->opts.heartbeat : ADMIT_TIMEOUT;
		if (now - s->last_heard > limit) {
			conn_close(s->conn, "silent for too long", "silent for too long");
			continue;
		}
		if (s->admitted)
			send_msg(s, &hb);
	}
}
