/*
 * store_put: results stored in a transaction of their own (begin,
 * results_put, commit; rollback on any failure), the one way the controller's
 * per-agent retry (controller/ingest.c) and the JetStream writer's batch
 * (jetstream/js_writer.c) commit results, on either store engine.
 */
#include "store/store.h"

/* See store.h. */
int store_results_put_txn(struct store *st, struct store_result *r, size_t n,
			  char *err, size_t errlen)
{
	if (st->ops->txn(st, "begin", err, errlen) < 0)
		return -1;
	int added = st->ops->results_put(st, r, n, err, errlen);
	if (added >= 0 && st->ops->txn(st, "commit", err, errlen) < 0)
		added = -1;
	if (added < 0)
		st->ops->txn(st, "rollback", NULL, 0);
	return added;
}
