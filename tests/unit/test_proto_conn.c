/*
 * Tests of conn's hold (src/proto/conn.c) over a socketpair: a hold taken
 * inside on_msg stops the messages already read into the input, also when
 * more bytes arrive; a release hands them over from the loop without any
 * new byte from the peer; a held conn still closes once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/event.h>

#include "proto/conn.h"
#include "proto/msg.h"

struct seen {
	int msgs, closes;
	int hold_at;              /* hold the conn when this many messages came */
	int64_t last_seq;
};

static void on_msg(struct conn *c, struct msg *m, void *arg)
{
	struct seen *s = arg;
	s->msgs++;
	s->last_seq = m->seq;
	if (s->msgs == s->hold_at)
		conn_hold(c, 1);
}

static void on_close(struct conn *c, const char *reason, void *arg)
{
	(void)c;
	(void)reason;
	((struct seen *)arg)->closes++;
}

/* Write n acks numbered from first to fd in one go. */
static void send_frames(int fd, int first, int n)
{
	uint8_t all[4096];
	size_t len = 0;
	for (int i = 0; i < n; i++) {
		char err[128];
		size_t one = 0;
		struct msg m = { .type = MSG_ACK, .seq = first + i };
		uint8_t *buf = msg_encode(&m, &one, err, sizeof err);
		assert_non_null(buf);
		assert_true(len + one <= sizeof all);
		memcpy(all + len, buf, one);
		len += one;
		free(buf);
	}
	assert_int_equal(write(fd, all, len), (ssize_t)len);
}

/* Run the loop for about ms milliseconds. */
static void run_for(struct event_base *base, int ms)
{
	struct timeval tv = { 0, ms * 1000 };
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

static void test_hold_stops_buffered_frames(void **state)
{
	(void)state;
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	struct event_base *base = event_base_new();
	struct bufferevent *bev = bufferevent_socket_new(base, sv[0], BEV_OPT_CLOSE_ON_FREE);
	struct seen seen = { .hold_at = 2 };
	struct conn_cbs cbs = { NULL, on_msg, on_close };
	struct conn *c = conn_new(bev, &cbs, &seen);
	assert_non_null(c);
	send_frames(sv[1], 1, 6);         /* one read takes all six into the input */
	run_for(base, 100);
	assert_int_equal(seen.msgs, 2);   /* the hold came inside the second */
	assert_int_equal(seen.last_seq, 2);
	assert_true(conn_held(c));
	send_frames(sv[1], 7, 2);         /* more bytes: still nothing handed over */
	run_for(base, 100);
	assert_int_equal(seen.msgs, 2);
	/* released: what waits comes from the loop, with no new byte from the peer */
	conn_hold(c, 0);
	assert_int_equal(seen.msgs, 2);   /* not from inside conn_hold */
	run_for(base, 100);
	assert_false(conn_held(c));
	assert_int_equal(seen.msgs, 8);
	assert_int_equal(seen.last_seq, 8);
	/* a hold and release with nothing waiting hands over nothing; new frames flow */
	conn_hold(c, 1);
	conn_hold(c, 0);
	run_for(base, 50);
	assert_int_equal(seen.msgs, 8);
	send_frames(sv[1], 9, 1);
	run_for(base, 100);
	assert_int_equal(seen.msgs, 9);
	/* a held conn closes once */
	conn_hold(c, 1);
	send_frames(sv[1], 10, 1);
	conn_close(c, NULL, "test over");
	run_for(base, 100);
	assert_int_equal(seen.closes, 1);
	assert_int_equal(seen.msgs, 9);
	close(sv[1]);
	event_base_free(base);
}

static void test_release_then_hold_before_the_loop_runs(void **state)
{
	(void)state;
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	struct event_base *base = event_base_new();
	struct bufferevent *bev = bufferevent_socket_new(base, sv[0], BEV_OPT_CLOSE_ON_FREE);
	struct seen seen = { .hold_at = 1 };
	struct conn_cbs cbs = { NULL, on_msg, on_close };
	struct conn *c = conn_new(bev, &cbs, &seen);
	send_frames(sv[1], 1, 3);
	run_for(base, 100);
	assert_int_equal(seen.msgs, 1);
	conn_hold(c, 0);                  /* released and held again before the loop ran */
	conn_hold(c, 1);
	run_for(base, 100);
	assert_int_equal(seen.msgs, 1);
	seen.hold_at = 0;
	conn_hold(c, 0);
	run_for(base, 100);
	assert_int_equal(seen.msgs, 3);
	conn_free(c);
	close(sv[1]);
	event_base_free(base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hold_stops_buffered_frames),
		cmocka_unit_test(test_release_then_hold_before_the_loop_runs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
