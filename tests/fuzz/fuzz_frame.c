/*
 * fuzz_frame: feed arbitrary bytes to the agent-controller frame parser and
 * message decoder, as a controller reads them from an untrusted agent.
 */
#include <stddef.h>
#include <stdint.h>

#include "proto/frame.h"
#include "proto/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0;
	for (;;) {
		struct frame f;
		size_t used = 0, need = 0;
		char err[256];
		if (frame_parse(data + off, size - off, &f, &used, &need, err, sizeof err) != FRAME_OK)
			break;
		struct msg m;
		if (msg_decode(&f, &m, err, sizeof err) == 0)
			msg_free(&m);
		off += used;
	}
	return 0;
}
