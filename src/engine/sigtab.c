/*
 * sigtab: chained hash table of probe signatures (FNV-1a over the key).
 */
#include "engine/sigtab.h"

#include <stdlib.h>
#include <string.h>

/* Hash a signature. */
static uint32_t sig_hash(const struct eng_sig *k)
{
	uint8_t buf[22];
	buf[0] = k->family;
	buf[1] = k->proto;
	buf[2] = (uint8_t)(k->a >> 8);
	buf[3] = (uint8_t)k->a;
	buf[4] = (uint8_t)(k->b >> 8);
	buf[5] = (uint8_t)k->b;
	memcpy(buf + 6, k->dst, 16);
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < sizeof buf; i++) {
		h ^= buf[i];
		h *= 16777619u;
	}
	return h ^ (h >> 15);
}

/* An empty table with 256 buckets. */
int sigtab_init(struct sigtab *t)
{
	t->nb = 256;
	t->n = 0;
	t->b = calloc(t->nb, sizeof *t->b);
	return t->b ? 0 : -1;
}

/* Free the buckets. */
void sigtab_free(struct sigtab *t)
{
	free(t->b);
	t->b = NULL;
	t->nb = t->n = 0;
}

/* Compare two signatures field by field. */
bool eng_sig_equal(const struct eng_sig *x, const struct eng_sig *y)
{
	return x->family == y->family && x->proto == y->proto && x->a == y->a &&
	       x->b == y->b && memcmp(x->dst, y->dst, 16) == 0;
}

/* Double the buckets when the load passes 1; keeps the old table on failure. */
static void grow(struct sigtab *t)
{
	size_t nb = t->nb * 2;
	struct sig_node **b = calloc(nb, sizeof *b);
	if (b == NULL)
		return;
	for (size_t i = 0; i < t->nb; i++) {
		struct sig_node *n = t->b[i], *next;
		for (; n != NULL; n = next) {
			next = n->next;
			size_t j = sig_hash(&n->key) & (nb - 1);
			n->next = b[j];
			b[j] = n;
		}
	}
	free(t->b);
	t->b = b;
	t->nb = nb;
}

/* Link a node with a unique key. */
int sigtab_add(struct sigtab *t, struct sig_node *node)
{
	if (sigtab_find(t, &node->key) != NULL)
		return -1;
	if (t->n >= t->nb)
		grow(t);
	size_t i = sig_hash(&node->key) & (t->nb - 1);
	node->next = t->b[i];
	t->b[i] = node;
	t->n++;
	return 0;
}

/* Unlink a node (nothing happens if it is not linked). */
void sigtab_del(struct sigtab *t, struct sig_node *node)
{
	if (t->b == NULL)
		return;
	struct sig_node **pp = &t->b[sig_hash(&node->key) & (t->nb - 1)];
	for (; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == node) {
			*pp = node->next;
			node->next = NULL;
			t->n--;
			return;
		}
	}
}

/* Find by key. */
struct sig_node *sigtab_find(const struct sigtab *t, const struct eng_sig *key)
{
	struct sig_node *n = t->b[sig_hash(key) & (t->nb - 1)];
	for (; n != NULL; n = n->next)
		if (eng_sig_equal(&n->key, key))
			return n;
	return NULL;
}
