/*
 * msm_task: the bookkeeping every running measurement task does the same
 * way, whatever its type: tallying whether its replies were timed by the
 * kernel (the result's ts_source), growing a result's record array, and
 * handing the finished result over (the task is freed before `done` runs,
 * so `done` may start a new measurement with the same id at once).
 */
#ifndef VANTAGE_MSM_MSM_TASK_H
#define VANTAGE_MSM_MSM_TASK_H

#include <stddef.h>
#include <stdint.h>

#include "msm/msm_type.h"

/* Whether all / any of a task's replies had a kernel RTT (2 bytes). */
struct msm_ts_tally {
	uint8_t all;  /* no reply fell back yet (1 until one does) */
	uint8_t any;  /* some reply had kernel time on both sides */
};

/* Start a tally: no replies, so every one so far was kernel-timed. */
void msm_ts_tally_init(struct msm_ts_tally *t);

/* Count one reply with these MSM_REPLY_* flags. */
void msm_ts_tally_add(struct msm_ts_tally *t, uint8_t flags);

/* The enum msm_ts_source the tally comes to. */
uint8_t msm_ts_tally_source(const struct msm_ts_tally *t);

/*
 * Room for one more record in an array of `cap` elements of `elem` bytes
 * whose count is at most 65535: the array reallocated to twice its room
 * (`first` elements the first time), *cap updated. Returns the new array,
 * or NULL (array and *cap unchanged) when it is full or out of memory.
 */
void *msm_grow16(void *array, uint16_t *cap, size_t elem, unsigned first);

/*
 * Free the task with task_free (which must not free `result`), then give
 * `result` to done(result, arg).
 */
void msm_hand_over(void (*task_free)(void *task), void *task, msm_done_fn done, void *arg,
		   void *result);

#endif
