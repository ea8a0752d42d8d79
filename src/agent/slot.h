/*
 * slot: when a scheduled measurement runs next, with RIPE Atlas's semantics.
 * A one-off runs once, at its start time or at once if that has passed; a
 * periodic one runs in the slots start + k * interval (k = 0, 1, ...) up to
 * its stop time, never twice in one slot, skipping slots that have passed.
 * The random spread within a slot is added by the caller. Pure.
 */
#ifndef VANTAGE_AGENT_SLOT_H
#define VANTAGE_AGENT_SLOT_H

#include <stdint.h>

/*
 * The Unix time of the next slot at or after now for a measurement that
 * starts at base, repeats every interval seconds (0: one-off), ends at stop
 * (0: never) and has run runs times so far; -1 when it will not run again.
 */
int64_t slot_next(int64_t base, int64_t interval, int64_t stop, uint64_t runs, int64_t now);

#endif
