/*
 * msgbench: how fast the agent-controller messages encode and decode
 * (src/proto: JSON payloads in binary frames), for a typical RIPE Atlas
 * ping result upload; prints messages/s each way and the frame size. The
 * figure to beat is the controller's ingest floor of 20,000 results/s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "proto/frame.h"
#include "proto/msg.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
	json_t *body = json_loads("{\"fw\":5080,\"type\":\"ping\",\"af\":4,\"dst_addr\":\"198.18.1.2\","
		"\"src_addr\":\"198.18.0.2\",\"from\":\"198.18.0.2\",\"proto\":\"ICMP\",\"size\":48,"
		"\"ttl\":62,\"sent\":3,\"rcvd\":3,\"min\":1.204,\"avg\":1.311,\"max\":1.398,"
		"\"result\":[{\"rtt\":1.204},{\"rtt\":1.331},{\"rtt\":1.398}],\"timestamp\":1700000000,"
		"\"msm_id\":1,\"prb_id\":1,\"step\":240}", 0, NULL);
	const int n = 200000;
	char err[256];
	size_t len = 0, total = 0;
	uint8_t *last = NULL;
	double t0 = now_s();
	for (int i = 0; i < n; i++) {
		struct msg m = { .type = MSG_RESULT, .seq = i + 1, .msm_id = 1, .body = body };
		free(last);
		last = msg_encode(&m, &len, err, sizeof err);
		total += len;
	}
	double enc = now_s() - t0;
	t0 = now_s();
	for (int i = 0; i < n; i++) {
		struct frame f;
		struct msg m;
		size_t used;
		if (frame_parse(last, len, &f, &used, NULL, err, sizeof err) != FRAME_OK ||
		    msg_decode(&f, &m, err, sizeof err) < 0) {
			fprintf(stderr, "msgbench: %s\n", err);
			return 1;
		}
		msg_free(&m);
	}
	double dec = now_s() - t0;
	printf("result frame: %zu bytes (8-byte header + JSON payload)\n", len);
	printf("encode: %.0f messages/s, decode (frame + validation): %.0f messages/s, one core\n",
	       n / enc, n / dec);
	free(last);
	json_decref(body);
	return total > 0 ? 0 : 1;
}
