/*
 * msm_task: the shared bookkeeping of running measurement tasks (see
 * msm_task.h): the kernel-timestamp tally, array growth, the hand-over.
 */
#include "msm/msm_task.h"

#include <stdlib.h>

/* No replies yet: all kernel-timed so far, none seen. */
void msm_ts_tally_init(struct msm_ts_tally *t)
{
	t->all = 1;
	t->any = 0;
}

/* One reply: kernel RTT or not. */
void msm_ts_tally_add(struct msm_ts_tally *t, uint8_t flags)
{
	if (msm_reply_kernel_rtt(flags))
		t->any = 1;
	else
		t->all = 0;
}

/* KERNEL if none fell back, MIXED if some did, FALLBACK if all did. */
uint8_t msm_ts_tally_source(const struct msm_ts_tally *t)
{
	return t->all ? MSM_TS_KERNEL : t->any ? MSM_TS_MIXED : MSM_TS_FALLBACK;
}

/* Twice the room (first the first time), at most 65535 elements. */
void *msm_grow16(void *array, uint16_t *cap, size_t elem, unsigned first)
{
	if (*cap == UINT16_MAX)
		return NULL;
	uint32_t n = *cap ? *cap * 2u : first;
	n = n > UINT16_MAX ? UINT16_MAX : n;
	void *v = realloc(array, n * elem);
	if (v != NULL)
		*cap = (uint16_t)n;
	return v;
}

/* Free, then call done. */
void msm_hand_over(void (*task_free)(void *task), void *task, msm_done_fn done, void *arg,
		   void *result)
{
	task_free(task);
	done(result, arg);
}
