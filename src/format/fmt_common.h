/*
 * fmt_common: small pieces every encoder needs: an address of a result as
 * text, nanoseconds as milliseconds, wall-clock labels split into seconds and
 * microseconds, and the protocol names RIPE Atlas uses.
 */
#ifndef VANTAGE_FORMAT_FMT_COMMON_H
#define VANTAGE_FORMAT_FMT_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "msm/msm_result.h"

/* Big enough for any IPv4 or IPv6 address text. */
#define FMT_ADDR_LEN 48

/*
 * Write address a of family af (AF_INET/AF_INET6) as text into buf and
 * return buf; "?" if the family is unknown.
 */
const char *fmt_addr(uint8_t af, const struct msm_addr *a, char *buf, size_t len);

/* True if the address is all zero ("none"). */
bool fmt_addr_is_zero(const struct msm_addr *a);

/* True if both addresses are the same bytes. */
bool fmt_addr_equal(const struct msm_addr *a, const struct msm_addr *b);

/* Nanoseconds as milliseconds (exact to the nanosecond in a double). */
double fmt_ns_to_ms(uint64_t ns);

/* Nanoseconds rounded to whole microseconds, saturated to 32 bits. */
uint32_t fmt_ns_to_us32(uint64_t ns);

/*
 * The wall-clock time of an event offset_us microseconds after start, as
 * seconds and microseconds since the epoch.
 */
void fmt_time_after(const struct timespec *start, uint32_t offset_us,
		    uint32_t *sec, uint32_t *usec);

/* 4 or 6 for AF_INET / AF_INET6, 0 otherwise. */
int fmt_af_number(uint8_t af);

#endif
