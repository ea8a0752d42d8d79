/*
 * dlist: an intrusive circular doubly linked list with a sentinel, for the
 * engine's queues (probes waiting to be sent, probes waiting for their
 * transmit timestamp, an owner's live probes). O(1) insert and removal.
 */
#ifndef VANTAGE_ENGINE_DLIST_H
#define VANTAGE_ENGINE_DLIST_H

#include <stdbool.h>
#include <stddef.h>

struct dlink {
	struct dlink *prev, *next;
};

/* The struct that contains link `ptr` as member `member`. */
#define DL_ENTRY(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/* Make l an empty list (or an unlinked node). */
static inline void dl_init(struct dlink *l)
{
	l->prev = l->next = l;
}

/* True when the list is empty (or the node is not linked). */
static inline bool dl_empty(const struct dlink *l)
{
	return l->next == l;
}

/* Append n at the tail of list l. */
static inline void dl_push(struct dlink *l, struct dlink *n)
{
	n->prev = l->prev;
	n->next = l;
	l->prev->next = n;
	l->prev = n;
}

/* Unlink n (safe on an unlinked node). */
static inline void dl_del(struct dlink *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	dl_init(n);
}

#endif
