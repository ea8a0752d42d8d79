/*
 * engine_txthread: the packet path's sender thread (see txthread.h).
 *
 * The sender thread only calls sendmmsg on the packet socket for the frames
 * published in the ring (up to TXT_BATCH per call), noting for each the
 * monotonic time and clock offset sampled just before the call and the
 * frame's OPT_ID key (keys are per socket, in send order, counted here as
 * rawsock_send_many counts them) or the errno. It sleeps on an eventfd when
 * the ring is empty and wakes the main loop through another eventfd only
 * when the main thread asked for it, once half the frames it had out when it
 * last looked are sent (the read callbacks consume outcomes in between; a
 * wake-up per batch cost about 5% of a sweep's rate), never per frame.
 *
 * Races handled here: a TX stamp read before its frame's outcome is
 * consumed is stashed by key until it is; a reply to a probe whose outcome
 * is not consumed waits for it (eng_txt_settle). After a send error the
 * OPT_ID counter is uncertain: the sender stops after that frame until the
 * main thread has read the stamps, reset the counter (as after a send error
 * of its own) and let it go on.
 */
#include <errno.h>
#include <event2/event.h>
#include <linux/if_packet.h>
#include <pthread.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "engine/engine_int.h"
#include "engine/txring.h"

#define TXT_ORDER 9        /* 512 slots */
#define TXT_BATCH 32       /* frames per sendmmsg at most (8: ~5% slower) */
#define SETTLE_NS 100000000ULL /* how long a reply waits for its probe's send */
#define SETTLE_NAP_NS 10000    /* and how it waits (a spin cost as much CPU
				  time as the sender's, for nothing faster) */

struct txt_stash {
	uint32_t key;
	int64_t ns; /* 0 = empty */
};

struct eng_txthread {
	struct txring ring;
	struct engine *e;
	struct rawsock *rs;      /* the packet socket (next_key is the sender's
				    while it runs, the main thread's while stalled) */
	pthread_t tid;
	int wake_main, wake_tx;  /* eventfds: to the main loop, to the sender */
	struct event *ev;
	atomic_int tx_sleeping;  /* the sender is (about to be) blocked */
	atomic_int want_wake;    /* the main thread wants wake_main written */
	_Atomic uint32_t wake_seq; /* once outcomes up to this one are out */
	atomic_int stalled;      /* the sender waits for a key reset */
	atomic_int stop;
	bool draining;
	struct txt_stash stash[1u << TXT_ORDER];
};

/* Sender: block until the main thread writes wake_tx. */
static void sender_block(struct eng_txthread *t)
{
	uint64_t v;
	while (read(t->wake_tx, &v, sizeof v) < 0 && errno == EINTR)
		;
}

/*
 * Sender: wake the main loop if it asked for it and the outcome of slot seq
 * (the last one published) is the one it waits for, or at once (now).
 */
static void sender_notify(struct eng_txthread *t, uint32_t seq, bool now)
{
	uint64_t one = 1;
	if (atomic_load(&t->want_wake) &&
	    (now || (int32_t)(seq - atomic_load(&t->wake_seq)) >= 0) &&
	    atomic_exchange(&t->want_wake, 0))
		(void)!write(t->wake_main, &one, sizeof one);
}

/* Sender: send the n ready slots from sequence number from (one sendmmsg). */
static void sender_batch(struct eng_txthread *t, uint32_t from, uint32_t n)
{
	struct mmsghdr mm[TXT_BATCH];
	struct iovec iov[TXT_BATCH];
	struct sockaddr_ll ll[TXT_BATCH];
	memset(mm, 0, sizeof mm[0] * n);
	for (uint32_t i = 0; i < n; i++) {
		struct txslot *s = txring_slot(&t->ring, from + i);
		ll[i] = (struct sockaddr_ll){ .sll_family = AF_PACKET,
					      .sll_ifindex = s->ifindex, .sll_halen = 6 };
		memcpy(ll[i].sll_addr, s->mac, 6);
		iov[i].iov_base = s->frame;
		iov[i].iov_len = s->len;
		mm[i].msg_hdr.msg_name = &ll[i];
		mm[i].msg_hdr.msg_namelen = sizeof ll[i];
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	uint64_t mono;
	uint32_t off_err;
	int64_t off = eng_offset_now(t->e, &mono, &off_err);
	int got;
	do
		got = sendmmsg(t->rs->fd, mm, n, 0);
	while (got < 0 && errno == EINTR);
	int err = got < 0 ? errno : 0;
	uint32_t k = got < 0 ? 1 : (uint32_t)got;
	for (uint32_t i = 0; i < k; i++) {
		struct txslot *s = txring_slot(&t->ring, from + i);
		s->err = err;
		s->key = err ? 0 : t->rs->next_key++;
		s->mono = mono;
		s->off = off;
		s->off_err = off_err;
	}
	if (err)
		atomic_store(&t->stalled, 1);
	txring_finish(&t->ring, k);
	sender_notify(t, from + k - 1, err != 0); /* it waits for us after an error */
}

/* Sender thread: send what is published, sleep when nothing is. */
static void *sender_main(void *arg)
{
	struct eng_txthread *t = arg;
	while (!atomic_load(&t->stop)) {
		if (atomic_load(&t->stalled)) {
			sender_block(t);
			continue;
		}
		uint32_t from, n = txring_ready(&t->ring, &from);
		if (n == 0) {
			atomic_store(&t->tx_sleeping, 1);
			n = txring_ready(&t->ring, &from);
			if (n == 0 && !atomic_load(&t->stop))
				sender_block(t);
			atomic_store(&t->tx_sleeping, 0);
			continue;
		}
		sender_batch(t, from, n < TXT_BATCH ? n : TXT_BATCH);
	}
	return NULL;
}

/* Main: write an eventfd. */
static void poke(int fd)
{
	uint64_t one = 1;
	(void)!write(fd, &one, sizeof one);
}

/* Main: the sender's wake-up: consume what it published. */
static void wake_cb(evutil_socket_t fd, short what, void *arg)
{
	struct engine *e = arg;
	uint64_t v;
	(void)what;
	(void)!read(fd, &v, sizeof v);
	eng_drain_txts(e, ENG_PK_TX); /* the outcomes, then the TX stamps */
}

/* Main: free what eng_txt_start allocated (the thread not running). */
static void txt_free(struct eng_txthread *t)
{
	if (t->ev)
		event_free(t->ev);
	if (t->wake_main >= 0)
		close(t->wake_main);
	if (t->wake_tx >= 0)
		close(t->wake_tx);
	txring_free(&t->ring);
	free(t);
}

/* Start the sender thread. */
bool eng_txt_start(struct engine *e)
{
	if (e->txt)
		return true;
	if (e->txt_failed || !e->packet_on || e->socks[ENG_PK_TX].rs.fd < 0)
		return false;
	struct eng_txthread *t = calloc(1, sizeof *t);
	if (t == NULL) {
		e->txt_failed = true;
		return false;
	}
	t->e = e;
	t->rs = &e->socks[ENG_PK_TX].rs;
	t->wake_main = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	t->wake_tx = eventfd(0, EFD_CLOEXEC);
	if (txring_init(&t->ring, TXT_ORDER) != 0 || t->wake_main < 0 || t->wake_tx < 0 ||
	    (t->ev = event_new(e->base, t->wake_main, EV_READ | EV_PERSIST, wake_cb, e)) == NULL ||
	    event_add(t->ev, NULL) != 0 || pthread_create(&t->tid, NULL, sender_main, t) != 0) {
		txt_free(t);
		e->txt_failed = true;
		return false;
	}
	e->txt = t;
	/* Its TX stamps are read at every drain from now on, not on readiness:
	   a socket nobody polls spares the sender's kernel path a wake-up call
	   per stamp and per freed frame. */
	event_del(e->socks[ENG_PK_TX].ev);
	return true;
}

/* Stop the sender thread and free the probes left in its ring. */
void eng_txt_stop(struct engine *e)
{
	struct eng_txthread *t = e->txt;
	if (t == NULL)
		return;
	atomic_store(&t->stop, 1);
	poke(t->wake_tx);
	pthread_join(t->tid, NULL);
	uint32_t head = atomic_load(&t->ring.head);
	for (uint32_t seq = t->ring.tail; seq != head; seq++) {
		struct txslot *s = txring_slot(&t->ring, seq);
		if (s->owner)
			eng_probe_free(e, s->owner); /* clears s->owner */
	}
	e->txt = NULL;
	txt_free(t);
}

/* Free slots. */
uint32_t eng_txt_room(const struct engine *e)
{
	return e->txt ? txring_room(&e->txt->ring) : UINT32_MAX;
}

/* The next slot's frame buffer. */
uint8_t *eng_txt_frame(struct engine *e, size_t *room)
{
	if (e->txt == NULL || txring_room(&e->txt->ring) == 0)
		return NULL;
	*room = TXRING_FRAME;
	return txring_next(&e->txt->ring)->frame;
}

/* Publish the built frame of p. */
void eng_txt_push(struct engine *e, struct eng_probe *p, size_t len, int ifindex,
		  const uint8_t mac[6])
{
	struct eng_txthread *t = e->txt;
	struct txslot *s = txring_next(&t->ring);
	s->len = (uint16_t)len;
	s->ifindex = ifindex;
	memcpy(s->mac, mac, 6);
	s->owner = p;
	p->state = ENG_INFLIGHT;
	dl_init(&p->txlink);
	p->tx_key = txring_publish(&t->ring); /* the slot's number while in flight */
	if (atomic_load(&t->tx_sleeping) && atomic_exchange(&t->tx_sleeping, 0))
		poke(t->wake_tx);
}

/* Main: after a send error the sender waits; reset the keys, let it go on. */
static void resume_after_error(struct engine *e, struct eng_txthread *t)
{
	memset(t->stash, 0, sizeof t->stash);
	atomic_store(&t->stalled, 0);
	poke(t->wake_tx);
	(void)e;
}

/* Main: act on one published outcome. */
static void consume_one(struct engine *e, struct eng_txthread *t, struct txslot *s)
{
	struct eng_probe *p = s->owner;
	s->owner = NULL;
	if (s->err == 0) {
		struct txt_stash *st = &t->stash[s->key & t->ring.mask];
		if (p && st->ns && st->key == s->key)
			p->tx_kernel_ns = st->ns;
		if (st->key == s->key)
			st->ns = 0;
		e->stats.packet_sent++;
		e->stats.thread_sent++;
		if (p)
			eng_sent(e, p, ENG_PK_TX, 0, s->key, s->mono, s->off, s->off_err);
		else
			e->stats.sent++; /* it left, though its probe is gone */
		return;
	}
	if (p) {
		eng_sent(e, p, ENG_PK_TX, -s->err, 0, s->mono, s->off, s->off_err);
	} else {
		e->stats.send_errors++;
		eng_reset_keys(e, ENG_PK_TX);
	}
	resume_after_error(e, t);
}

/* Consume the published outcomes. */
void eng_txt_drain(struct engine *e)
{
	struct eng_txthread *t = e->txt;
	if (t == NULL || t->draining)
		return;
	t->draining = true;
	uint32_t n = 0;
	for (;;) {
		struct txslot *s;
		while ((s = txring_outcome(&t->ring)) != NULL) {
			consume_one(e, t, s);
			txring_consume(&t->ring);
			n++;
		}
		if (txring_busy(&t->ring) == 0)
			break;
		/* frames still out: ask for a wake-up once half of them are
		   (or at once after an error), then look once more */
		uint32_t busy = txring_busy(&t->ring);
		atomic_store(&t->wake_seq, t->ring.tail + (busy - 1) / 2);
		atomic_store(&t->want_wake, 1);
		atomic_thread_fence(memory_order_seq_cst);
		if (txring_outcome(&t->ring) == NULL)
			break;
	}
	t->draining = false;
	if (n > 0 && !dl_empty(&e->sendq))
		eng_schedule_pump(e, 0);
}

/* Wait for the outcome of the probe a reply matched. */
struct eng_probe *eng_txt_settle(struct engine *e, const struct eng_sig *sig)
{
	uint64_t until = eng_clock_mono_ns(&e->opts.clock) + SETTLE_NS;
	for (;;) {
		eng_txt_drain(e);
		struct sig_node *n = sigtab_find(&e->sigs, sig);
		if (n == NULL)
			return NULL;
		struct eng_probe *p = DL_ENTRY(n, struct eng_probe, sig);
		if (p->state != ENG_INFLIGHT)
			return p;
		if (e->txt == NULL || e->txt->draining ||
		    eng_clock_mono_ns(&e->opts.clock) > until)
			return NULL;
		if (!txring_is_done(&e->txt->ring, p->tx_key)) {
			/* its batch is being sent: tens of us at most */
			struct timespec ts = { 0, SETTLE_NAP_NS };
			nanosleep(&ts, NULL);
		}
	}
}

/* Keep an early TX stamp. */
void eng_txt_stash(struct engine *e, uint32_t key, int64_t ns)
{
	struct eng_txthread *t = e->txt;
	if (t == NULL)
		return;
	t->stash[key & t->ring.mask] = (struct txt_stash){ key, ns };
}

/* The probe of an in-flight slot goes away. */
void eng_txt_forget(struct engine *e, struct eng_probe *p)
{
	if (e->txt)
		txring_slot(&e->txt->ring, p->tx_key)->owner = NULL;
}
