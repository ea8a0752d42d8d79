/*
 * link: the agent's one connection to its controller. It dials out over TLS
 * 1.3, checks the controller's key against the pinned fingerprint, says
 * HELLO, and after the WELCOME uploads spooled results (at most AGENT_WINDOW
 * unacked at a time) while taking acks, measurement definitions and
 * heartbeats. When the connection fails or falls silent it dials the next
 * controller of its list (front-ends of one platform, each key pinned)
 * after a jittered exponential backoff (backoff.h: it keeps growing until a
 * session has held for a while), and starts uploading again from the oldest
 * unacked result. Each result goes as (epoch, seq) with the sequence sent
 * before it, so the controller acks only an unbroken run; a record whose send
 * fails is read again, never skipped. When the controller holds other results
 * under our numbers (we were restored from a snapshot, or copied), it says so
 * and the spool numbers them in a new epoch.
 */
#include "agent/agent_int.h"

#include <arpa/inet.h>
#include <event2/bufferevent_ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/json_peek.h"

static void on_connected(struct conn *c, void *arg);
static void on_msg(struct conn *c, struct msg *m, void *arg);
static void on_close(struct conn *c, const char *reason, void *arg);

static const struct conn_cbs link_cbs = { on_connected, on_msg, on_close };

/* The retry timer fired. */
static void retry_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	link_connect(arg);
}

/* Schedule a reconnect after the backoff's jittered delay (backoff.h). */
static void backoff(struct agent *a)
{
	int delay = backoff_next(&a->backoff, agent_mono(), a->cfg.backoff_max * 1000, random());
	struct timeval tv = { delay / 1000, (delay % 1000) * 1000 };
	if (!a->retry)
		a->retry = event_new(a->base, -1, 0, retry_cb, a);
	event_add(a->retry, &tv);
}

/* The controller dialled now. */
static const struct config_controller *current(const struct agent *a)
{
	return &a->cfg.controllers[a->ctl_index];
}

/* Fill ss with the current controller's address; returns its length or -1. */
static int controller_sockaddr(const struct agent *a, struct sockaddr_storage *ss)
{
	const struct config_controller *cc = current(a);
	memset(ss, 0, sizeof *ss);
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, cc->addr, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)cc->port);
		return sizeof *in;
	}
	if (inet_pton(AF_INET6, cc->addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)cc->port);
		return sizeof *in6;
	}
	return -1;
}

/* See agent_int.h. */
void link_connect(struct agent *a)
{
	struct sockaddr_storage ss;
	int len = controller_sockaddr(a, &ss);
	SSL *ssl = SSL_new(a->tls);
	struct bufferevent *bev = ssl ? bufferevent_openssl_socket_new(a->base, -1, ssl,
		BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS) : NULL;
	if (!bev) {
		SSL_free(ssl);
		agent_log(a, "cannot set up a TLS connection");
		backoff(a);
		return;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	a->conn = conn_new(bev, &link_cbs, a);
	if (!a->conn) {
		bufferevent_free(bev);
		backoff(a);
		return;
	}
	a->welcomed = 0;
	a->last_heard = agent_mono();
	if (bufferevent_socket_connect(bev, (struct sockaddr *)&ss, len) < 0)
		conn_close(a->conn, NULL, "connect failed");
}

/* TLS is up: pin the controller's key and say HELLO. */
static void on_connected(struct conn *c, void *arg)
{
	struct agent *a = arg;
	char fp[IDENTITY_FP_LEN] = "";
	SSL *ssl = bufferevent_openssl_get_ssl(conn_bev(c));
	const char *pinned = current(a)->fp;
	if (!ssl || identity_peer_fp(ssl, fp) < 0 || strcmp(fp, pinned) != 0) {
		agent_log(a, "controller %s port %d: key %s does not match the pinned fingerprint %s",
			  current(a)->addr, current(a)->port, fp[0] ? fp : "(none)", pinned);
		conn_close(c, "controller key does not match the pinned fingerprint",
			   "controller key mismatch");
		return;
	}
	uint64_t next = spool_next_seq(a->spool);
	struct msg m = { .type = MSG_HELLO, .agent = a->id.fp, .version = VANTAGE_VERSION,
			 .role = a->cfg.role, .epoch = spool_epoch_of(a->spool, next),
			 .seq = (int64_t)next };
	char err[200];
	if (conn_send(c, &m, err, sizeof err) < 0)
		conn_close(c, NULL, err);
}

/* See agent_int.h. */
int link_send(struct agent *a, const struct msg *m)
{
	char err[200];
	if (!a->conn || !a->welcomed)
		return -1;
	if (conn_send(a->conn, m, err, sizeof err) < 0) {
		agent_log(a, "send %s: %s", msg_type_name(m->type), err);
		return -1;
	}
	return 0;
}

/*
 * The body of spooled record seq: the result, or (for a record too big for
 * any frame, spooled by a version without the limit, or unreadable) a small
 * result that says why it cannot be sent, so the number is still accounted.
 * *as_is is set when the record is one JSON object as the controller reads
 * it (no key twice), so its bytes can go out as they are.
 */
static json_t *upload_body(struct agent *a, const void *data, size_t len, uint64_t seq,
			   int *as_is)
{
	json_error_t jerr;
	json_t *body = NULL;
	*as_is = 0;
	if (len <= SPOOL_MAX_APPEND) {
		body = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
		*as_is = json_is_object(body);
		if (!*as_is) {        /* sent re-encoded, if jansson can read it at all */
			json_decref(body);
			body = json_loadb(data, len, 0, &jerr);
		}
	}
	if (json_is_object(body))
		return body;
	json_decref(body);
	char why[160];
	snprintf(why, sizeof why, len > SPOOL_MAX_APPEND ? "spooled result of %zu bytes is over"
		 " the frame limit; not sent" : "spooled result of %zu bytes is not a JSON object",
		 len);
	agent_log(a, "spooled result %llu: %s", (unsigned long long)seq, why);
	return json_pack("{s:s,s:I}", "error", why, "timestamp", (json_int_t)time(NULL));
}

/* Note seq as sent and unacked. */
static void flight_push(struct agent *a, uint64_t seq)
{
	a->inflight[(a->flight0 + a->nflight++) % AGENT_WINDOW] = seq;
}

/* Forget the sent sequences up to seq (acked). */
static void flight_ack(struct agent *a, uint64_t seq)
{
	while (a->nflight && a->inflight[a->flight0] <= seq) {
		a->flight0 = (a->flight0 + 1) % AGENT_WINDOW;
		a->nflight--;
	}
}

/*
 * Send one spooled result; returns 0, or -1 to stop pumping (it is sent
 * again later). A record spool_is_object vouches for that a frame carries
 * goes out unparsed: an agent with this code printed it with jansson from an
 * object and the spool's CRC held since; only its msm_id is read.
 */
static int upload_one(struct agent *a, const void *data, size_t len, uint64_t seq)
{
	int as_is = spool_is_object(a->spool, seq) && len <= SPOOL_MAX_APPEND;
	int64_t msm = 0;
	json_t *body = NULL;
	if (as_is) {
		json_peek_int(data, len, "msm_id", &msm);
	} else {
		body = upload_body(a, data, len, seq, &as_is);
		msm = json_integer_value(json_object_get(body, "msm_id"));
	}
	struct msg m = { .type = MSG_RESULT, .seq = (int64_t)seq, .msm_id = msm < 0 ? 0 : msm,
			 .body = body, .epoch = spool_epoch_of(a->spool, seq),
			 .prev = (int64_t)a->sent_seq };
	if (as_is) {              /* the spooled text as it is: checked, not printed again */
		m.body_text = data;
		m.body_len = len;
	}
	int rc = body || as_is ? link_send(a, &m) : -1;
	json_decref(body);
	if (rc < 0) {
		spool_read_back(a->spool, seq);
		return -1;
	}
	a->sent_seq = seq;
	flight_push(a, seq);
	a->uploads++;
	return 0;
}

/* See agent_int.h. */
void link_pump(struct agent *a)
{
	char err[300];
	while (a->conn && a->welcomed && a->nflight < AGENT_WINDOW &&
	       conn_pending(a->conn) < (1u << 20)) {
		const void *data;
		size_t len;
		uint64_t seq;
		int rc = spool_read_next(a->spool, &data, &len, &seq, err, sizeof err);
		if (rc < 0)
			agent_log(a, "%s", err);
		if (rc <= 0 || upload_one(a, data, len, seq) < 0)
			return;
	}
}

/* Take a new sequence epoch from sequence from on; why is logged. */
static void new_epoch(struct agent *a, uint64_t from, const char *why)
{
	char err[300];
	int64_t epoch;
	if (spool_new_epoch(a->spool, from, &epoch, err, sizeof err) < 0)
		agent_log(a, "%s", err);
	else
		agent_log(a, "new sequence epoch %lld from result %llu: %s", (long long)epoch,
			  (unsigned long long)from, why);
}

/* WELCOME: the controller's highest stored sequence of our epoch; start uploading. */
static void welcome(struct agent *a, const struct msg *m)
{
	a->welcomed = 1;
	backoff_session_up(&a->backoff, agent_mono());   /* reset once it has held */
	a->connects++;
	uint64_t next = spool_next_seq(a->spool);
	if ((uint64_t)m->seq >= next && m->epoch == spool_epoch_of(a->spool, next)) {
		char why[160];
		snprintf(why, sizeof why, "the controller holds results up to %lld of epoch %lld"
			 " (this agent was restored or copied)", (long long)m->seq, (long long)m->epoch);
		new_epoch(a, next, why);
	}
	spool_rewind(a->spool);
	a->acked_seq = a->sent_seq = spool_acked(a->spool);
	a->nflight = a->flight0 = 0;
	agent_log(a, "connected to the controller %s port %d; %llu results to upload",
		  current(a)->addr, current(a)->port, (unsigned long long)spool_depth(a->spool));
	a->tel_sent = 0;          /* a new connection gets the newest timing report */
	agent_send_status(a);
	agent_send_host_report(a);
	agent_chunks_welcome(a);
	link_pump(a);
}

/* EPOCH: our results from seq on collide with others the controller holds. */
static void epoch(struct agent *a, const struct msg *m)
{
	uint64_t seq = (uint64_t)m->seq;
	if (seq <= spool_acked(a->spool) || seq >= spool_next_seq(a->spool) ||
	    spool_epoch_of(a->spool, seq) != m->epoch) {
		conn_close(a->conn, "epoch change for results this agent does not hold",
			   "bad epoch message from the controller");
		return;
	}
	new_epoch(a, seq, m->reason);
}

/* ACK: every result up to seq is stored; forget them. */
static void ack(struct agent *a, const struct msg *m)
{
	char err[300];
	uint64_t seq = (uint64_t)m->seq;
	if (seq > a->sent_seq) {
		conn_close(a->conn, "ack beyond what was sent", "bad ack from the controller");
		return;
	}
	if (spool_ack(a->spool, seq, err, sizeof err) < 0)
		agent_log(a, "%s", err);
	flight_ack(a, seq);
	if (seq > a->acked_seq)
		a->acked_seq = seq;
	a->acks++;
	agent_relieve(a);
}

/* Dispatch one message from the controller. */
static void on_msg(struct conn *c, struct msg *m, void *arg)
{
	struct agent *a = arg;
	a->last_heard = agent_mono();
	if (!a->welcomed && m->type != MSG_WELCOME && m->type != MSG_ERROR) {
		conn_close(c, "expected WELCOME", "protocol error");
		return;
	}
	switch (m->type) {
	case MSG_WELCOME: welcome(a, m); break;
	case MSG_ACK: ack(a, m); break;
	case MSG_EPOCH: epoch(a, m); break;
	case MSG_MSM: sched_put(a, m); break;
	case MSG_MSM_STOP: sched_stop(a, m->msm_id); break;
	case MSG_MSM_SET: sched_reconcile(a, m->body); break;
	case MSG_NOPROBE: agent_noprobe_put(a, m); break;
	case MSG_CHUNK: agent_chunk_put(a, m); break;
	case MSG_HEARTBEAT: {
		struct msg hb = { .type = MSG_HEARTBEAT, .time = time(NULL) };
		link_send(a, &hb);
		break;
	}
	case MSG_ERROR:
		agent_log(a, "controller says: %s", m->reason);
		conn_close(c, NULL, m->reason);
		break;
	default:
		conn_close(c, "unexpected message", "unexpected message from the controller");
	}
}

/* The connection is gone: dial the next controller of the list later. */
static void on_close(struct conn *c, const char *reason, void *arg)
{
	(void)c;
	struct agent *a = arg;
	const struct config_controller *was = current(a);
	if (a->welcomed)
		agent_log(a, "disconnected from %s port %d: %s", was->addr, was->port, reason);
	else
		agent_log(a, "cannot connect to %s port %d: %s", was->addr, was->port, reason);
	a->conn = NULL;
	a->welcomed = 0;
	if (a->cfg.n_controllers > 1) {
		a->ctl_index = (a->ctl_index + 1) % a->cfg.n_controllers;
		agent_log(a, "next: controller %s port %d", current(a)->addr, current(a)->port);
	}
	backoff(a);
}

/* See agent_int.h. */
void link_tick(struct agent *a)
{
	if (!a->conn)
		return;
	if (agent_mono() - a->last_heard > 3 * a->cfg.heartbeat) {
		conn_close(a->conn, NULL, "controller silent for too long");
		return;
	}
	struct msg hb = { .type = MSG_HEARTBEAT, .time = time(NULL) };
	link_send(a, &hb);
	agent_send_status(a);
}

/* See agent_int.h. */
void link_close(struct agent *a)
{
	if (a->conn)
		conn_free(a->conn);
	a->conn = NULL;
	a->welcomed = 0;
}
