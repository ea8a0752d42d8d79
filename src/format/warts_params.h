/*
 * warts_params: the "flags and parameters" block that every warts record and
 * sub-record (ping reply, trace hop, list, cycle) carries, and the per-record
 * address table.
 *
 * A block is a run of flag bytes (7 flags per byte, the high bit saying that
 * another flag byte follows; flag id 1 is bit 0 of the first byte), then, if
 * any flag is set, a 16-bit length and the parameters themselves in ascending
 * id order. A reader that meets an id it does not know skips to the end of
 * the block using the length, which is what keeps old readers working.
 *
 * Addresses inside one record are written in full the first time (length,
 * type, bytes) and afterwards as a reference (a zero length then a 32-bit
 * index counting the full ones in the order they appear in the record).
 */
#ifndef VANTAGE_FORMAT_WARTS_PARAMS_H
#define VANTAGE_FORMAT_WARTS_PARAMS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "format/wbuf.h"

/* warts address types */
enum { WARTS_ADDR_IPV4 = 1, WARTS_ADDR_IPV6 = 2 };

/* The warts address type of an address family (AF_INET6 or else IPv4). */
static inline uint8_t warts_addr_type(int af)
{
	return af == AF_INET6 ? WARTS_ADDR_IPV6 : WARTS_ADDR_IPV4;
}

/* Highest parameter id a block may carry here (ten flag bytes). */
#define WARTS_PARAM_MAX_ID 70

/* The addresses already written in full in the current record. */
struct warts_addrs {
	struct warts_addr_ent {
		uint8_t type;
		uint8_t b[16];
	} *ent;
	uint32_t count;
	uint32_t cap;
	bool failed;
};

/* One flags-and-parameters block under construction. */
struct warts_params {
	uint8_t flags[WARTS_PARAM_MAX_ID / 7];
	int max_id;
	bool bad;            /* an id out of order or out of range was given */
	struct wbuf data;
};

/* Start an empty address table. */
void warts_addrs_init(struct warts_addrs *t);

/* Forget every address (a new record starts); keeps the memory. */
void warts_addrs_reset(struct warts_addrs *t);

/* Release the table's memory. */
void warts_addrs_free(struct warts_addrs *t);

/*
 * Append address a (4 bytes for IPv4, 16 for IPv6; type WARTS_ADDR_*) to out,
 * in full if t has not seen it in this record, else as a reference.
 */
void warts_addr_put(struct wbuf *out, struct warts_addrs *t, uint8_t type,
		    const uint8_t *a);

/* Start an empty block (allocates nothing until a parameter is added). */
void warts_params_init(struct warts_params *p);

/* Clear the block for reuse. */
void warts_params_reset(struct warts_params *p);

/* Release the block's memory. */
void warts_params_free(struct warts_params *p);

/* Add parameter id (ids must ascend) with a value of the given width. */
void warts_param_u8(struct warts_params *p, int id, uint8_t v);
void warts_param_u16(struct warts_params *p, int id, uint16_t v);
void warts_param_u32(struct warts_params *p, int id, uint32_t v);

/* Add a timestamp parameter: seconds then microseconds, 32 bits each. */
void warts_param_time(struct warts_params *p, int id, uint32_t sec, uint32_t usec);

/* Add a NUL-terminated string parameter. */
void warts_param_str(struct warts_params *p, int id, const char *s);

/* Add raw bytes as a parameter (e.g. ICMP extension data). */
void warts_param_bytes(struct warts_params *p, int id, const void *b, uint16_t n);

/* Add an address parameter, in full or as a reference through t. */
void warts_param_addr(struct warts_params *p, int id, struct warts_addrs *t,
		      uint8_t type, const uint8_t *a);

/*
 * Append the finished block (folded flags, length, parameters) to out.
 * Returns 0, or -1 if an id was out of order/range, the parameters exceed
 * 65535 bytes, or memory ran out.
 */
int warts_params_emit(const struct warts_params *p, struct wbuf *out);

#endif
