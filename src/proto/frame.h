/*
 * frame: the agent-controller wire framing. Every message travels as one
 * frame: an 8-byte header (payload length as a 32-bit big-endian integer,
 * protocol version, message type, two reserved zero bytes) followed by the
 * payload. The payload length is bounded by FRAME_MAX_PAYLOAD so a peer can
 * never make the other side buffer more than that. Parsing is pure and never
 * reads outside the buffer it is given.
 */
#ifndef VANTAGE_PROTO_FRAME_H
#define VANTAGE_PROTO_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_VERSION     1
#define FRAME_HEADER_LEN  8
#define FRAME_MAX_PAYLOAD (1024u * 1024u)

enum frame_status {
	FRAME_OK = 0,     /* a whole frame is in the buffer */
	FRAME_NEED_MORE,  /* the buffer holds a valid prefix of a frame */
	FRAME_BAD,        /* the bytes cannot start a valid frame */
};

struct frame {
	uint8_t version;
	uint8_t type;
	uint32_t len;             /* payload length */
	const uint8_t *payload;   /* points into the parsed buffer */
};

/*
 * Parse the frame at the start of buf (len bytes). On FRAME_OK fills *out
 * (payload points into buf) and *consumed with the whole frame's size. On
 * FRAME_NEED_MORE *need (if not NULL) tells how many bytes the whole frame
 * needs when known (else FRAME_HEADER_LEN). On FRAME_BAD writes the reason
 * into err.
 */
enum frame_status frame_parse(const uint8_t *buf, size_t len, struct frame *out,
			      size_t *consumed, size_t *need, char *err, size_t errlen);

/*
 * Write a frame header for a payload of payload_len bytes of the given type
 * into hdr (FRAME_HEADER_LEN bytes). Returns 0, or -1 if the payload is too big.
 */
int frame_header_write(uint8_t hdr[FRAME_HEADER_LEN], uint8_t type, size_t payload_len);

#endif
