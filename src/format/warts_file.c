/*
 * warts_file: record framing, list and cycle records of a warts file.
 */
#include "format/warts_file.h"

#include <errno.h>
#include <string.h>

/* ids of the optional parameters of a list record */
enum { LIST_P_DESCR = 1, LIST_P_MONITOR = 2 };
/* ids of the optional parameters of a cycle record */
enum { CYCLE_P_STOP_TIME = 1, CYCLE_P_HOSTNAME = 2 };

/* Reserve the 8-byte record header of the given type at the start of rec. */
static void warts_header_begin(struct wbuf *rec, uint16_t type)
{
	wbuf_reset(rec);
	wbuf_u16(rec, WARTS_MAGIC);
	wbuf_u16(rec, type);
	wbuf_u32(rec, 0);
}

/* Fill in the body length and write rec to f; returns 0 or -1 with err. */
static int warts_header_write(FILE *f, struct wbuf *rec, char *err, size_t errlen)
{
	if (!wbuf_ok(rec) || rec->len < 8 || rec->len - 8 > UINT32_MAX) {
		snprintf(err, errlen, "warts: could not build a record (out of memory)");
		return -1;
	}
	wbuf_put_u32_at(rec, 4, (uint32_t)(rec->len - 8));
	if (fwrite(rec->p, 1, rec->len, f) != rec->len) {
		snprintf(err, errlen, "warts: write failed: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Build and write the list record. */
static int warts_list_write(struct warts_writer *w, const struct warts_run_info *in,
			    char *err, size_t errlen)
{
	warts_header_begin(&w->rec, WARTS_T_LIST);
	wbuf_u32(&w->rec, w->list_wid);
	wbuf_u32(&w->rec, in->list_id);
	wbuf_str(&w->rec, in->list_name ? in->list_name : "vantage");
	warts_params_reset(&w->params);
	if (in->list_descr)
		warts_param_str(&w->params, LIST_P_DESCR, in->list_descr);
	if (in->monitor)
		warts_param_str(&w->params, LIST_P_MONITOR, in->monitor);
	if (warts_params_emit(&w->params, &w->rec) != 0) {
		snprintf(err, errlen, "warts: list record too large");
		return -1;
	}
	return warts_header_write(w->f, &w->rec, err, errlen);
}

/* Build and write the cycle-start record. */
static int warts_cycle_start_write(struct warts_writer *w,
				   const struct warts_run_info *in,
				   char *err, size_t errlen)
{
	warts_header_begin(&w->rec, WARTS_T_CYCLE_START);
	wbuf_u32(&w->rec, w->cycle_wid);
	wbuf_u32(&w->rec, w->list_wid);
	wbuf_u32(&w->rec, in->cycle_id);
	wbuf_u32(&w->rec, in->start_time);
	warts_params_reset(&w->params);
	if (in->hostname)
		warts_param_str(&w->params, CYCLE_P_HOSTNAME, in->hostname);
	if (warts_params_emit(&w->params, &w->rec) != 0) {
		snprintf(err, errlen, "warts: cycle record too large");
		return -1;
	}
	return warts_header_write(w->f, &w->rec, err, errlen);
}

/* Set up the writer's buffers and ids for stream f. */
static void warts_writer_init(struct warts_writer *w, FILE *f)
{
	memset(w, 0, sizeof *w);
	w->f = f;
	/* id 0 means "no list / no cycle" to readers; ours are the first, 1. */
	w->list_wid = 1;
	w->cycle_wid = 1;
	wbuf_init(&w->rec);
	wbuf_init(&w->sub);
	warts_params_init(&w->params);
	warts_addrs_init(&w->addrs);
}

int warts_writer_open(struct warts_writer *w, FILE *f,
		      const struct warts_run_info *info, char *err, size_t errlen)
{
	warts_writer_init(w, f);
	if (warts_list_write(w, info, err, errlen) != 0 ||
	    warts_cycle_start_write(w, info, err, errlen) != 0) {
		warts_writer_discard(w);
		return -1;
	}
	w->started = 1;
	return 0;
}

void warts_record_begin(struct warts_writer *w, uint16_t type)
{
	warts_header_begin(&w->rec, type);
	warts_addrs_reset(&w->addrs);
}

int warts_record_finish(struct warts_writer *w, char *err, size_t errlen)
{
	if (w->addrs.failed) {
		snprintf(err, errlen, "warts: out of memory");
		return -1;
	}
	return warts_header_write(w->f, &w->rec, err, errlen);
}

int warts_writer_close(struct warts_writer *w, uint32_t stop_time,
		       char *err, size_t errlen)
{
	int rc = 0;
	if (w->started) {
		warts_header_begin(&w->rec, WARTS_T_CYCLE_STOP);
		wbuf_u32(&w->rec, w->cycle_wid);
		wbuf_u32(&w->rec, stop_time);
		wbuf_u8(&w->rec, 0); /* no optional parameters */
		rc = warts_header_write(w->f, &w->rec, err, errlen);
		if (rc == 0 && fflush(w->f) != 0) {
			snprintf(err, errlen, "warts: write failed: %s", strerror(errno));
			rc = -1;
		}
	}
	warts_writer_discard(w);
	return rc;
}

void warts_writer_discard(struct warts_writer *w)
{
	wbuf_free(&w->rec);
	wbuf_free(&w->sub);
	warts_params_free(&w->params);
	warts_addrs_free(&w->addrs);
	w->started = 0;
}
