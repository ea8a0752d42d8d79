/*
 * fuzz_js_live: arbitrary bytes as what a process serving /stream/ reads
 * from a live-stream NATS message (src/jetstream/js_live_msg.c): up to five
 * newline-separated fields, the subject and the headers Vantage-Msm,
 * Vantage-Prb, Vantage-Key and Vantage-Type (a field that is empty or past
 * the input's end is absent). An event that parses must name a kind with the ids it
 * needs, and come back the same when made into a message and parsed again.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jetstream/js_live_msg.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Messages need libnats opened (no server). */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return nats_Open(-1) == NATS_OK ? 0 : 1;
}

/* Parse m's fields again; abort unless they give ev back. */
static void check_again(natsMsg *m, const struct stream_event *ev)
{
	struct js_live_fields f = { .subject = natsMsg_GetSubject(m) };
	natsMsgHeader_Get(m, "Vantage-Msm", &f.msm);
	natsMsgHeader_Get(m, "Vantage-Prb", &f.prb);
	natsMsgHeader_Get(m, "Vantage-Key", &f.key);
	natsMsgHeader_Get(m, "Vantage-Type", &f.type);
	struct stream_event back = { 0 };
	char err[200];
	if (js_live_parse(&f, &back, err, sizeof err) != 0 || back.kind != ev->kind ||
	    back.msm != ev->msm || back.prb != ev->prb || back.owner_key != ev->owner_key ||
	    (!back.type) != (!ev->type) || (ev->type && strcmp(back.type, ev->type) != 0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	const char *field[5] = { 0 };
	char *p = text;
	for (int i = 0; i < 5 && p; i++) {
		field[i] = p;
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		p = nl ? nl + 1 : NULL;
	}
	for (int i = 0; i < 5; i++)
		if (field[i] && !field[i][0])
			field[i] = NULL;        /* an empty field: the header is absent */
	struct js_live_fields f = { field[0], field[1], field[2], field[3], field[4] };
	struct stream_event ev = { .payload = "{}", .len = 2 };
	char err[200];
	if (js_live_parse(&f, &ev, err, sizeof err) == 0) {
		if (ev.kind == STREAM_NONE || ev.msm < 0 || ev.prb < 0 || ev.owner_key < 0 ||
		    (ev.kind != STREAM_PROBESTATUS && !ev.msm) ||
		    (ev.kind != STREAM_METADATA && !ev.prb))
			abort();
		natsMsg *m = NULL;
		if (js_live_msg(&ev, &m) == NATS_OK) {
			check_again(m, &ev);
			natsMsg_Destroy(m);
		}
	}
	free(text);
	return 0;
}
