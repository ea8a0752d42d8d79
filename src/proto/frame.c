/*
 * frame: parse and write the 8-byte frame header of the agent-controller
 * protocol (see frame.h). No allocation, no I/O.
 */
#include "proto/frame.h"

#include <stdio.h>

/* Read a 32-bit big-endian integer from p. */
static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Check the header fields; returns FRAME_OK or FRAME_BAD with a reason in err. */
static enum frame_status header_check(const uint8_t *buf, uint32_t plen, char *err, size_t errlen)
{
	if (buf[4] != FRAME_VERSION) {
		snprintf(err, errlen, "unsupported protocol version %u (expected %u)",
			 buf[4], FRAME_VERSION);
		return FRAME_BAD;
	}
	if (buf[6] != 0 || buf[7] != 0) {
		snprintf(err, errlen, "reserved header bytes are not zero");
		return FRAME_BAD;
	}
	if (plen > FRAME_MAX_PAYLOAD) {
		snprintf(err, errlen, "frame of %u bytes exceeds the limit of %u", plen,
			 FRAME_MAX_PAYLOAD);
		return FRAME_BAD;
	}
	return FRAME_OK;
}

/* See frame.h. */
enum frame_status frame_parse(const uint8_t *buf, size_t len, struct frame *out,
			      size_t *consumed, size_t *need, char *err, size_t errlen)
{
	if (need)
		*need = FRAME_HEADER_LEN;
	if (len < FRAME_HEADER_LEN) {
		/* Reject a bad version early even when the header is incomplete. */
		if (len > 4 && buf[4] != FRAME_VERSION) {
			snprintf(err, errlen, "unsupported protocol version %u", buf[4]);
			return FRAME_BAD;
		}
		return FRAME_NEED_MORE;
	}
	uint32_t plen = get_be32(buf);
	if (header_check(buf, plen, err, errlen) != FRAME_OK)
		return FRAME_BAD;
	size_t total = FRAME_HEADER_LEN + (size_t)plen;
	if (need)
		*need = total;
	if (len < total)
		return FRAME_NEED_MORE;
	out->version = buf[4];
	out->type = buf[5];
	out->len = plen;
	out->payload = buf + FRAME_HEADER_LEN;
	*consumed = total;
	return FRAME_OK;
}

/* See frame.h. */
int frame_header_write(uint8_t hdr[FRAME_HEADER_LEN], uint8_t type, size_t payload_len)
{
	if (payload_len > FRAME_MAX_PAYLOAD)
		return -1;
	hdr[0] = (uint8_t)(payload_len >> 24);
	hdr[1] = (uint8_t)(payload_len >> 16);
	hdr[2] = (uint8_t)(payload_len >> 8);
	hdr[3] = (uint8_t)payload_len;
	hdr[4] = FRAME_VERSION;
	hdr[5] = type;
	hdr[6] = 0;
	hdr[7] = 0;
	return 0;
}
