/*
 * fmt_common: helpers shared by the JSON, warts and text encoders.
 */
#include "format/fmt_common.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

const char *fmt_addr(uint8_t af, const struct msm_addr *a, char *buf, size_t len)
{
	if ((af != AF_INET && af != AF_INET6) ||
	    inet_ntop(af, a->b, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

bool fmt_addr_is_zero(const struct msm_addr *a)
{
	static const struct msm_addr zero;
	return memcmp(a->b, zero.b, sizeof zero.b) == 0;
}

bool fmt_addr_equal(const struct msm_addr *a, const struct msm_addr *b)
{
	return memcmp(a->b, b->b, sizeof a->b) == 0;
}

double fmt_ns_to_ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

uint32_t fmt_ns_to_us32(uint64_t ns)
{
	if (ns > UINT64_MAX - 500)
		return UINT32_MAX;
	uint64_t us = (ns + 500) / 1000;
	return us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

void fmt_time_after(const struct timespec *start, uint32_t offset_us,
		    uint32_t *sec, uint32_t *usec)
{
	uint64_t us = (uint64_t)(start->tv_nsec / 1000) + offset_us;
	*sec = (uint32_t)((uint64_t)start->tv_sec + us / 1000000);
	*usec = (uint32_t)(us % 1000000);
}

int fmt_af_number(uint8_t af)
{
	return af == AF_INET ? 4 : af == AF_INET6 ? 6 : 0;
}
