/*
 * api_caps: the per-key caps on what an API key may run (see api_caps.c).
 */
#ifndef VANTAGE_API_API_CAPS_H
#define VANTAGE_API_API_CAPS_H

#include <stddef.h>

struct api_call;

/* May the caller's key create ndefs measurements of nprobes probes each? 0, or -1 after replying. */
int api_caps_create(struct api_call *c, size_t ndefs, size_t nprobes);

/* May a measurement of now_in probes take added more? 0, or -1 after replying. */
int api_caps_participants(struct api_call *c, size_t now_in, size_t added);

/*
 * May the caller's account (the key's owner) create req on nprobes probes
 * under the platform's limits, and pay its estimated first day? 0, or -1
 * after replying (api_credit_caps.c).
 */
struct api_create;
int api_caps_credits(struct api_call *c, const struct api_create *req, size_t nprobes);

#endif
