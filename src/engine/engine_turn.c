/*
 * engine_turn: the probes of one pump turn leave together. The pump builds
 * each probe it may send into a slot of the turn instead of sending it at
 * once; the flush sends each socket's share with one sendmmsg, samples the
 * clocks once for all of them (the user-space send time is only the
 * fallback of kernel stamps), then does for each probe what follows a send
 * (eng_sent). A paced engine thus pays one wake-up and one system call per
 * turn (a millisecond's worth of probes, pacer.h), not per probe.
 *
 * A staged probe is in state ENG_STAGED; one freed meanwhile (its owner
 * closed from a callback) leaves an empty slot that is sent all the same
 * (it was built) and counted, with no one to tell.
 */
#include <string.h>

#include "engine/engine_int.h"

/* Room for the next staged packet, or NULL when the turn is full. */
uint8_t *eng_turn_buf(struct engine *e, size_t *room)
{
	if (e->turn.n >= RAWSOCK_SEND_BATCH)
		return NULL;
	*room = ENG_TURN_SLOT;
	return e->turn.buf[e->turn.n];
}

/* Stage probe p, built at eng_turn_buf() (len bytes), for socket slot. */
void eng_turn_add(struct engine *e, struct eng_probe *p, int slot, size_t len,
		  const struct net_addr *dst, int hlim, int ifindex, const uint8_t mac[6])
{
	struct eng_turn *t = &e->turn;
	uint32_t i = t->n++;
	struct rawsock_out *o = &t->out[i];
	memset(o, 0, sizeof *o);
	o->pkt = t->buf[i];
	o->len = len;
	o->dst = *dst;
	o->hlim = hlim;
	o->ifindex = ifindex;
	if (mac)
		memcpy(o->mac, mac, 6);
	t->p[i] = p;
	t->slot[i] = (uint8_t)slot;
	p->state = ENG_STAGED;
}

/* Send the staged packets of socket slot, in order (one sendmmsg). */
static void send_slot(struct engine *e, int slot)
{
	struct eng_turn *t = &e->turn;
	struct rawsock_out out[RAWSOCK_SEND_BATCH];
	uint32_t idx[RAWSOCK_SEND_BATCH], n = 0;
	for (uint32_t i = 0; i < t->n; i++)
		if (t->slot[i] == slot)
			out[n] = t->out[i], idx[n++] = i;
	if (n == 0)
		return;
	if (e->socks[slot].rs.fd < 0) {
		for (uint32_t k = 0; k < n; k++)
			out[k].err = EBADF;
	} else {
		rawsock_send_many(&e->socks[slot].rs, out, (int)n);
	}
	for (uint32_t k = 0; k < n; k++)
		t->out[idx[k]].key = out[k].key, t->out[idx[k]].err = out[k].err;
}

/* Send everything staged, then tell each probe's owner. */
void eng_turn_flush(struct engine *e)
{
	struct eng_turn *t = &e->turn;
	if (t->n == 0)
		return;
	uint64_t mono;
	uint32_t off_err;
	int64_t off = eng_offset_now(e, &mono, &off_err);
	bool used[ENG_NSOCK] = { false };
	for (uint32_t i = 0; i < t->n; i++)
		used[t->slot[i]] = true;
	for (int s = 0; s < ENG_NSOCK; s++)
		if (used[s])
			send_slot(e, s);
	/* owners' callbacks may stage nothing (the pump is not re-entered) but
	   may free probes of this turn: take them one by one from the turn */
	uint32_t n = t->n;
	for (uint32_t i = 0; i < n; i++) {
		struct eng_probe *p = t->p[i];
		int slot = t->slot[i], err = t->out[i].err;
		t->p[i] = NULL;
		if (err == 0 && slot == ENG_PK_TX)
			e->stats.packet_sent++;
		if (p == NULL) {
			if (err == 0)
				e->stats.sent++; /* it left, though its probe is gone */
			else
				e->stats.send_errors++;
			continue;
		}
		eng_sent(e, p, slot, err ? -err : 0, t->out[i].key, mono, off, off_err);
	}
	t->n = 0;
}

/* Probe p (ENG_STAGED) is being freed: its slot will find no probe. */
void eng_turn_forget(struct engine *e, struct eng_probe *p)
{
	for (uint32_t i = 0; i < e->turn.n; i++)
		if (e->turn.p[i] == p)
			e->turn.p[i] = NULL;
}
