/*
 * js_result: one result as a JetStream message, between the front-end that
 * publishes it (src/controller/ingest_nats.c) and the store writers that
 * commit it (js_writer.c). The subject is vantage.results.AGENT, the message
 * id (Nats-Msg-Id, which JetStream deduplicates on) is "AGENT.EPOCH.SEQ",
 * the body is the result's JSON, header Vantage-Msm names its measurement
 * and Vantage-Refused, when present, why the front-end refused it (it is then
 * recorded as refused, not stored). Vantage-Charge, when present, is
 * "ACCOUNT.COST": the account the front-end priced the result to and its
 * cost in credits, charged by the writer that newly stores it (in the same
 * transaction), so a result is charged once however many writers see it.
 * Both sides go through these functions only, so the format lives in one
 * place.
 */
#ifndef VANTAGE_JETSTREAM_JS_RESULT_H
#define VANTAGE_JETSTREAM_JS_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define JS_STREAM_NAME "VANTAGE_RESULTS"
#define JS_SUBJECTS "vantage.results.>"
#define JS_DURABLE "writers"

/* The message id of (agent, epoch, seq) into id (at least 64 bytes). */
void js_result_id(int64_t agent, int64_t epoch, int64_t seq, char *id, size_t idlen);

/* The subject of agent's results into subj (at least 48 bytes). */
void js_result_subject(int64_t agent, char *subj, size_t len);

/*
 * Parse a message's id and Vantage-Msm header (msm) into r's agent_id,
 * epoch, seq and msm_id; 0, or -1 with err. Both come from the network:
 * anything but the exact form is refused.
 */
int js_result_parse(const char *id, const char *msm, struct store_result *r,
		    char *err, size_t errlen);

/* The Vantage-Charge header of an account and a cost into out (at least 48 bytes). */
void js_result_charge(int64_t account, int64_t cost, char *out, size_t len);

/*
 * Parse a Vantage-Charge header into r's charge_account (>= 1) and charge
 * (>= 0); 0, or -1 with err. It comes from the network: anything but the
 * exact form is refused.
 */
int js_result_charge_parse(const char *text, struct store_result *r, char *err, size_t errlen);

#endif
