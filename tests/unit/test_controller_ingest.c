/*
 * Tests of the controller's group commit (controller/ingest.c): when a batch
 * that holds several agents' results fails to commit because of one agent's
 * results, only that agent's session is closed; the others' results are
 * stored and acked. The store is a fake whose results_put fails for any
 * batch holding a result of agent 2; sessions are connections over
 * socketpairs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "controller/controller_int.h"

/* The fake store: counts what it kept. */
struct fake_store {
	struct store st;
	size_t kept;
};

static int fake_put(struct store *st, struct store_result *r, size_t n, char *err,
		    size_t errlen)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].agent_id == 2) {
			snprintf(err, errlen, "agent 2's result is poison");
			return -1;
		}
	for (size_t i = 0; i < n; i++)
		r[i].outcome = STORE_NEW;
	((struct fake_store *)st)->kept += n;
	return (int)n;
}

static int fake_txn(struct store *st, const char *what, char *err, size_t errlen)
{
	(void)st;
	(void)what;
	(void)err;
	(void)errlen;
	return 0;
}

static int fake_assigned(struct store *st, int64_t msm_id, int64_t agent_id, char *err,
			 size_t errlen)
{
	(void)st;
	(void)msm_id;
	(void)agent_id;
	(void)err;
	(void)errlen;
	return 1;
}

static const struct store_ops fake_ops = { .name = "fake", .results_put = fake_put,
					   .txn = fake_txn, .msm_assigned = fake_assigned };

/* What the test sees of one session. */
struct seen {
	int closed;
	int peer;                 /* the agent's end of the socketpair */
};

static void on_close(struct conn *cn, const char *reason, void *arg)
{
	(void)cn;
	(void)reason;
	((struct seen *)arg)->closed = 1;
}

static const struct conn_cbs cbs = { NULL, NULL, on_close };

/* An admitted session of agent id over a socketpair. */
static void session_of(struct controller *c, struct session *s, struct seen *seen, int64_t id)
{
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	struct bufferevent *bev = bufferevent_socket_new(c->base, sv[0], BEV_OPT_CLOSE_ON_FREE);
	memset(s, 0, sizeof *s);
	s->ctl = c;
	s->agent.id = id;
	s->admitted = 1;
	s->conn = conn_new(bev, &cbs, seen);
	bufferevent_enable(bev, EV_READ);
	seen->peer = sv[1];
	seen->closed = 0;
}

/* Queue one result of s with sequence seq. */
static void result(struct controller *c, struct session *s, int64_t seq)
{
	struct msg m = { .type = MSG_RESULT, .seq = seq, .msm_id = 1, .body = json_object() };
	assert_int_equal(ingest_add(c, s, &m), 0);
	json_decref(m.body);
}

/* Bytes the controller sent to a peer so far. */
static ssize_t sent_to(const struct seen *seen, uint8_t *buf, size_t len)
{
	return recv(seen->peer, buf, len, MSG_DONTWAIT);
}

static void test_one_agents_failed_commit_spares_the_others(void **state)
{
	(void)state;
	struct fake_store fs = { .st = { &fake_ops } };
	struct controller c = { .opts = { .batch_max = 100, .flush_ms = 1000 }, .store = &fs.st };
	c.base = event_base_new();
	struct session s1, s2;
	struct seen seen1, seen2;
	session_of(&c, &s1, &seen1, 1);
	session_of(&c, &s2, &seen2, 2);
	result(&c, &s1, 1);
	result(&c, &s2, 1);
	result(&c, &s1, 2);
	ingest_flush(&c);
	event_base_loop(c.base, EVLOOP_NONBLOCK);
	event_base_loop(c.base, EVLOOP_NONBLOCK);
	assert_int_equal(fs.kept, 2);            /* agent 1's two results stored */
	assert_int_equal(c.stored, 2);
	assert_false(seen1.closed);              /* its session lives on ... */
	assert_true(seen2.closed);               /* ... agent 2's was closed */
	uint8_t buf[512];
	ssize_t n = sent_to(&seen1, buf, sizeof buf);
	assert_true(n > FRAME_HEADER_LEN);       /* ... and agent 1 got its ack */
	assert_int_equal(buf[5], MSG_ACK);
	assert_non_null(memmem(buf, (size_t)n, "\"seq\":2", 7));
	conn_free(s1.conn);
	ingest_free(&c);
	event_free(c.flush);
	close(seen1.peer);
	close(seen2.peer);
	event_base_free(c.base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_agents_failed_commit_spares_the_others),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
