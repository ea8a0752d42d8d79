/*
 * Tests of the pps budget: over a simulated second the pacer lets through
 * the budget (no more, hardly less, also when the loop runs late), in turns
 * of a millisecond's worth (what came meanwhile when late) never faster than
 * twice the rate from turn to turn, without a burst after a quiet time, and
 * pps 0 means no limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine/pacer.h"

/*
 * A simulated event loop that sleeps as long as the pacer says, then wakes
 * `late_ns` later than asked on every `late_every`-th turn (a busy machine),
 * asking greedily, for one simulated second. Returns the probes sent; checks
 * every turn against the turn size and spacing on the way.
 */
static uint64_t run_loop(uint32_t pps, uint64_t late_ns, unsigned late_every)
{
	struct pacer p;
	uint64_t t0 = 5000000000ULL, sent = 0, last_turn = 0, last_n = 0;
	unsigned turn = 0;
	pacer_init(&p, pps, t0);
	for (uint64_t t = t0; t < t0 + 1000000000ULL;) {
		uint32_t n = pacer_take(&p, t, 1000000);
		assert_true(n <= p.cap_milli / 1000);
		/* never faster than twice the rate from one turn to the next */
		if (n > 0 && sent > 0)
			assert_true(t - last_turn >= last_n * 500000000ULL / pps);
		if (n > 0)
			last_turn = t, last_n = n;
		sent += n;
		uint64_t w = pacer_wait_ns(&p, t, 1000000);
		if (w == 0)
			w = 1000; /* the loop's own turn time */
		t += w + (late_every && ++turn % late_every == 0 ? late_ns : 0);
	}
	return sent;
}

/* Each rate is met within a turn's worth and a token, on time or late. */
static void test_rate(void **state)
{
	(void)state;
	static const uint32_t rates[] = { 10, 100, 1000, 10000, 88000, 250000 };
	for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
		struct pacer turn;
		pacer_init(&turn, rates[i], 0);
		uint32_t pps = rates[i], slack = turn.turn_max + 2;
		uint64_t sent = run_loop(pps, 0, 0);
		assert_true(sent <= pps + slack && sent + slack >= pps);
		/* 3 ms late every 10th turn: caught up, within 1% */
		sent = run_loop(pps, 3000000, 10);
		assert_true(sent <= pps + slack && sent + slack + pps / 100 >= pps);
	}
}

/* Turns: eight probes from 501/s, a millisecond's worth once that is more
   (ten at 10,000/s); four from 100 to 500/s, two below 100/s: test_wait. */
static void test_turns(void **state)
{
	(void)state;
	struct pacer p;
	pacer_init(&p, 1000, 0);
	assert_int_equal(p.turn_max, 8);
	pacer_init(&p, 1001, 0);
	assert_int_equal(p.turn_max, 8);
	pacer_init(&p, 8999, 0);
	assert_int_equal(p.turn_max, 8);
	pacer_init(&p, 10000, 0);
	assert_int_equal(p.turn_max, 10);
	/* 5 ms with nothing waiting: 50 tokens came, yet the first turn
	   takes a turn's worth; the next one waits for the next turn's tokens */
	assert_int_equal(pacer_take(&p, 5000000, 100), 10);
	assert_int_equal(pacer_take(&p, 5100000, 100), 0);
	assert_int_equal(pacer_wait_ns(&p, 5100000, 100), 900000); /* tokens */
	/* on time: a turn's worth; 3 ms late: what came meanwhile */
	assert_int_equal(pacer_take(&p, 6000000, 100), 10);
	assert_int_equal(pacer_take(&p, 9000000, 100), 30);
	assert_int_equal(pacer_wait_ns(&p, 9000000, 100), 1500000);
	/* 30 ms late with probes waiting: the bucket's 20 go, 10 are counted
	   lost; 30 ms with none waiting: nothing is lost */
	pacer_init(&p, 1000, 0);
	assert_int_equal(pacer_take(&p, 0, 100), 1);
	assert_int_equal(pacer_take(&p, 30000000, 100), 20);
	assert_int_equal(p.lost_milli / 1000, 10);
	pacer_init(&p, 1000, 0);
	assert_int_equal(pacer_take(&p, 0, 1), 1);
	assert_int_equal(pacer_take(&p, 30000000, 100), 8); /* a turn's worth */
	assert_int_equal(p.lost_milli, 0);
	/* probes ready at once, the first turn 30 ms late: no probe had left,
	   so nothing counts lost (the rate is measured from the first one) */
	pacer_init(&p, 1000, 0);
	pacer_ready(&p, 0, 0);
	assert_int_equal(pacer_take(&p, 30000000, 100), 20);
	assert_int_equal(p.lost_milli, 0);
	assert_int_equal(pacer_take(&p, 60000000, 100), 20);
	assert_int_equal(p.lost_milli / 1000, 10);
	/* 10 ms late with 5 probes waiting: all 5 go; probes queued right
	   after (the same late wake-up) wait for the spacing (2.5 ms), then get
	   the 5 tokens left, which came while probes waited, and those of the
	   2.5 ms; a quiet 30 ms after that saves a turn's worth, no more */
	pacer_init(&p, 1000, 0);
	assert_int_equal(pacer_take(&p, 0, 100), 1);
	assert_int_equal(pacer_take(&p, 10000000, 5), 5);
	assert_int_equal(pacer_take(&p, 10000000, 100), 0);
	assert_int_equal(pacer_take(&p, 12500000, 100), 7);
	assert_int_equal(pacer_take(&p, 16000000, 3), 3);
	assert_int_equal(pacer_take(&p, 46000000, 100), 8);
	assert_int_equal(p.lost_milli, 0);
	/* the queue drained at 10 ms and refilled at 11 ms (ready: the token
	   of that quiet millisecond is a turn's worth, kept); the turn comes
	   30 ms later: the bucket's 20 go, the other 11 are counted lost, none
	   dropped as savings */
	pacer_init(&p, 1000, 0);
	assert_int_equal(pacer_take(&p, 0, 100), 1);
	assert_int_equal(pacer_take(&p, 10000000, 10), 10);
	pacer_ready(&p, 11000000, 11000000);
	assert_int_equal(pacer_take(&p, 41000000, 100), 20);
	assert_int_equal(p.lost_milli / 1000, 11);
	/* the last turn 60 ms late at 100/s finds its 2 probes and the 6
	   tokens of its lateness: no turn after it uses them, they count
	   lost while no probe waits (not lost once more probes take them) */
	pacer_init(&p, 100, 0);
	pacer_ready(&p, 0, 0);
	assert_int_equal(pacer_take(&p, 0, 100), 1);
	assert_int_equal(pacer_take(&p, 20000000, 100), 2);
	assert_int_equal(pacer_take(&p, 100000000, 2), 2);
	assert_int_equal(pacer_lost(&p), 6);
	pacer_ready(&p, 100000000, 100000000);
	assert_int_equal(pacer_take(&p, 110000000, 100), 7);
	assert_int_equal(pacer_lost(&p), 0);
	/* on time, the last turn leaves nothing over */
	pacer_init(&p, 100, 0);
	assert_int_equal(pacer_take(&p, 0, 100), 1);
	assert_int_equal(pacer_take(&p, 20000000, 2), 2);
	assert_int_equal(pacer_lost(&p), 0);
	/* the queue drained at 10 ms; the timer that queues the next probes
	   was due at 12 ms and ran 15 ms late: the 15 tokens since 12 ms are
	   theirs, not savings; 40 ms late, the bucket's 20 are theirs and 20
	   are counted lost */
	pacer_init(&p, 1000, 0);
	assert_int_equal(pacer_take(&p, 0, 100), 1);
	assert_int_equal(pacer_take(&p, 10000000, 10), 10);
	pacer_ready(&p, 27000000, 12000000);
	assert_int_equal(pacer_take(&p, 27000000, 100), 15);
	assert_int_equal(pacer_lost(&p), 0);
	pacer_init(&p, 1000, 0);
	assert_int_equal(pacer_take(&p, 0, 100), 1);
	assert_int_equal(pacer_take(&p, 10000000, 10), 10);
	pacer_ready(&p, 52000000, 12000000);
	assert_int_equal(pacer_take(&p, 52000000, 100), 20);
	assert_int_equal(pacer_lost(&p), 20);
	/* the first probe left 30 ms after its turn took the token (the
	   loop was preempted): the budget counts from the send */
	pacer_init(&p, 1000, 0);
	assert_int_equal(pacer_take(&p, 0, 100), 1);
	pacer_sent(&p, 30000000);
	assert_int_equal(pacer_take(&p, 31000000, 100), 1);
	/* the last turn (3 probes, on time at 34 ms) left its last probe 26 ms
	   late: those 26 tokens are lost once no probe waits */
	assert_int_equal(pacer_take(&p, 34000000, 3), 3);
	pacer_sent(&p, 34000000);
	pacer_sent(&p, 60000000);
	assert_int_equal(pacer_lost(&p), 26);
	/* few probes queued: wake for them, not for a full turn */
	pacer_init(&p, 10000, 0);
	assert_int_equal(pacer_take(&p, 0, 100), 1);
	assert_int_equal(pacer_wait_ns(&p, 600000, 2), 0);
	assert_true(pacer_wait_ns(&p, 600000, 100) > 0);
}

/* The wait until the next token is right and then a token is there; from
   501 to 1,000/s a turn waits for eight tokens, from 100 to 500/s for four,
   below 100/s for two, unless fewer probes wait. */
static void test_wait(void **state)
{
	(void)state;
	struct pacer p;
	pacer_init(&p, 1000, 0);
	assert_int_equal(pacer_take(&p, 0, 1), 1);
	uint64_t w = pacer_wait_ns(&p, 0, 1);
	assert_true(w > 900000 && w <= 1000000);
	assert_int_equal(pacer_take(&p, w - 1000, 1), 0);
	assert_int_equal(pacer_take(&p, w, 1), 1);
	/* nine waiting at 1,000/s: a turn of eight, 8 ms of tokens */
	w += pacer_wait_ns(&p, w, 9);
	assert_int_equal(w, 9000000);
	assert_int_equal(pacer_take(&p, w, 9), 8);
	pacer_init(&p, 100, 0);
	assert_int_equal(p.turn_max, 4);
	assert_int_equal(pacer_take(&p, 0, 5), 1);
	w = pacer_wait_ns(&p, 0, 5);
	assert_true(w > 39000000 && w <= 40000000);
	assert_int_equal(pacer_take(&p, w, 5), 4);
	/* four waiting: four tokens; one waiting: its token would be there in
	   10 ms, but after a turn of four the spacing asks for half their
	   gaps (20 ms) */
	assert_int_equal(pacer_wait_ns(&p, w, 5), 40000000);
	assert_int_equal(pacer_wait_ns(&p, w, 1), 20000000);
	/* below 100/s a pair; one probe waiting: its token is enough */
	pacer_init(&p, 99, 0);
	assert_int_equal(p.turn_max, 2);
	assert_int_equal(pacer_take(&p, 0, 5), 1);
	w = pacer_wait_ns(&p, 0, 5);
	assert_true(w > 20000000 && w <= 20202021);
	assert_int_equal(pacer_take(&p, w, 5), 2);
	w = pacer_wait_ns(&p, w, 1);
	assert_true(w > 10000000 && w <= 10101011);
	pacer_init(&p, 500, 0);
	assert_int_equal(p.turn_max, 4);
	pacer_init(&p, 501, 0);
	assert_int_equal(p.turn_max, 8);
	pacer_init(&p, 1001, 0);
	assert_int_equal(p.turn_max, 8);
	/* never fewer a turn at a higher rate: wake-ups per probe do not jump */
	uint32_t before = 1;
	for (uint32_t pps = 1; pps <= 200000; pps += pps < 2000 ? 1 : 97) {
		pacer_init(&p, pps, 0);
		assert_true(p.turn_max >= before);
		before = p.turn_max;
	}
}

/* pps 0: everything asked for, at once. */
static void test_unlimited(void **state)
{
	(void)state;
	struct pacer p;
	pacer_init(&p, 0, 0);
	assert_int_equal(pacer_take(&p, 0, 12345), 12345);
	assert_int_equal(pacer_wait_ns(&p, 0, 5), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_turns),
		cmocka_unit_test(test_wait),
		cmocka_unit_test(test_unlimited),
	};
	return cmocka_run_group_tests_name("engine_pacer", tests, NULL, NULL);
}
