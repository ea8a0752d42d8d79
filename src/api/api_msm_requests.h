/*
 * api_msm_requests: a measurement's participation requests, recorded as
 * they are made and listed as RIPE Atlas lists them (api_msm_requests.c).
 */
#ifndef VANTAGE_API_API_MSM_REQUESTS_H
#define VANTAGE_API_API_MSM_REQUESTS_H

#include <stddef.h>
#include <stdint.h>

struct api;
struct api_call;
struct api_create;
struct store_api_msm;

/*
 * Create the n measurements am and record req's probe sources as the
 * requests of each, inside the caller's open transaction (which the caller
 * commits, or rolls back on -1); 0, or -1 with err.
 */
int api_requests_create(struct api *a, struct store_api_msm *am, size_t n,
			const struct api_create *req, int64_t now, char *err, size_t errlen);

/* Record the applied participation request req of c's measurement (a failure is logged). */
void api_requests_changed(struct api_call *c, const struct api_create *req);

#endif
