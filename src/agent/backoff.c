/*
 * backoff: the agent's reconnect delay, growing until a session holds (see
 * backoff.h for the rules).
 */
#include "agent/backoff.h"

/* See backoff.h. */
void backoff_init(struct backoff *b)
{
	b->ceiling_ms = 0;
	b->up_since = -1;
}

/* See backoff.h. */
void backoff_session_up(struct backoff *b, int64_t now)
{
	b->up_since = now;
}

/* See backoff.h. */
int backoff_next(struct backoff *b, int64_t now, int max_ms, long rnd)
{
	if (b->up_since >= 0 && now - b->up_since >= BACKOFF_STABLE_S)
		b->ceiling_ms = 0;           /* the session held: start small again */
	b->up_since = -1;
	if (max_ms < 2)
		max_ms = 2;
	b->ceiling_ms = b->ceiling_ms ? (b->ceiling_ms > max_ms / 2 ? max_ms : b->ceiling_ms * 2)
				      : (BACKOFF_MIN_MS < max_ms ? BACKOFF_MIN_MS : max_ms);
	int half = b->ceiling_ms / 2;
	return half + (int)(rnd % (b->ceiling_ms - half + 1));
}
