/*
 * warts_file: the framing of a warts file as scamper writes it, so that
 * scamper's own tools (sc_warts2json, sc_warts2text, sc_analysis_dump) read
 * what vantage writes. A file is a sequence of records, each an 8-byte header
 * (magic 0x1205, record type, body length) and a body. A measurement run is
 * framed by a list record and a cycle-start record at the beginning and a
 * cycle-stop record at the end; each ping or trace record names the list and
 * cycle it belongs to.
 */
#ifndef VANTAGE_FORMAT_WARTS_FILE_H
#define VANTAGE_FORMAT_WARTS_FILE_H

#include <stdint.h>
#include <stdio.h>

#include "format/warts_params.h"
#include "format/wbuf.h"

#define WARTS_MAGIC 0x1205

/* warts record types (the ones vantage writes) */
enum warts_type {
	WARTS_T_LIST = 1,
	WARTS_T_CYCLE_DEF = 2,
	WARTS_T_CYCLE_START = 3,
	WARTS_T_CYCLE_STOP = 4,
	WARTS_T_ADDR = 5,
	WARTS_T_TRACE = 6,
	WARTS_T_PING = 7,
};

/* What the list and cycle records say about the run. */
struct warts_run_info {
	uint32_t list_id;       /* list id chosen by a person (e.g. msm id) */
	const char *list_name;  /* required; e.g. "vantage" */
	const char *list_descr; /* optional */
	const char *monitor;    /* optional: name of the vantage point */
	uint32_t cycle_id;      /* cycle id chosen by a person */
	uint32_t start_time;    /* seconds since the epoch (wall clock label) */
	const char *hostname;   /* optional */
};

/* A warts writer over a stdio stream; one per output file. */
struct warts_writer {
	FILE *f;
	uint32_t list_wid;   /* warts id of our list record (1) */
	uint32_t cycle_wid;  /* warts id of our cycle record (1) */
	int started;         /* list and cycle-start written */
	struct wbuf rec;     /* the record being built */
	struct wbuf sub;     /* scratch for sub-records (replies, hops) */
	struct warts_params params;
	struct warts_addrs addrs;
};

/*
 * Start writing to f: write the list and cycle-start records.
 * Returns 0, or -1 with a reason in err.
 */
int warts_writer_open(struct warts_writer *w, FILE *f,
		      const struct warts_run_info *info, char *err, size_t errlen);

/*
 * Begin a measurement record of the given type in w->rec: the header is
 * reserved and the record's address table emptied.
 */
void warts_record_begin(struct warts_writer *w, uint16_t type);

/*
 * Patch the record length into the header and write the record to the
 * stream. Returns 0, or -1 with a reason in err.
 */
int warts_record_finish(struct warts_writer *w, char *err, size_t errlen);

/*
 * Write the cycle-stop record (stop_time in seconds since the epoch), flush,
 * and free the writer's memory (the stream stays open: it is the caller's).
 * Returns 0, or -1 with a reason in err; the memory is freed either way.
 */
int warts_writer_close(struct warts_writer *w, uint32_t stop_time,
		       char *err, size_t errlen);

/* Free the writer's memory without writing anything more. */
void warts_writer_discard(struct warts_writer *w);

#endif
