/*
 * warts_params: builds warts flags-and-parameters blocks and writes record
 * addresses in full or by reference (see warts_params.h for the layout).
 */
#include "format/warts_params.h"

#include <stdlib.h>
#include <string.h>

void warts_addrs_init(struct warts_addrs *t)
{
	memset(t, 0, sizeof *t);
}

void warts_addrs_reset(struct warts_addrs *t)
{
	t->count = 0;
	t->failed = false;
}

void warts_addrs_free(struct warts_addrs *t)
{
	free(t->ent);
	warts_addrs_init(t);
}

/* Size in bytes of an address of this warts type (0 if unknown). */
static uint8_t warts_addr_size(uint8_t type)
{
	return type == WARTS_ADDR_IPV4 ? 4 : type == WARTS_ADDR_IPV6 ? 16 : 0;
}

/* Index of the address in t, or -1 if it has not been written yet. */
static long warts_addrs_find(const struct warts_addrs *t, uint8_t type,
			     const uint8_t *a, uint8_t size)
{
	for (uint32_t i = 0; i < t->count; i++)
		if (t->ent[i].type == type && memcmp(t->ent[i].b, a, size) == 0)
			return (long)i;
	return -1;
}

/* Remember an address written in full; returns false when out of memory. */
static bool warts_addrs_add(struct warts_addrs *t, uint8_t type,
			    const uint8_t *a, uint8_t size)
{
	if (t->count == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 32;
		struct warts_addr_ent *e = realloc(t->ent, cap * sizeof *e);
		if (e == NULL)
			return false;
		t->ent = e;
		t->cap = cap;
	}
	memset(&t->ent[t->count], 0, sizeof t->ent[0]);
	t->ent[t->count].type = type;
	memcpy(t->ent[t->count].b, a, size);
	t->count++;
	return true;
}

void warts_addr_put(struct wbuf *out, struct warts_addrs *t, uint8_t type,
		    const uint8_t *a)
{
	uint8_t size = warts_addr_size(type);
	if (size == 0) {
		out->failed = true;
		return;
	}
	long idx = warts_addrs_find(t, type, a, size);
	if (idx >= 0) {
		wbuf_u8(out, 0);
		wbuf_u32(out, (uint32_t)idx);
		return;
	}
	/* Written in full without a table entry would shift later indexes. */
	if (!warts_addrs_add(t, type, a, size)) {
		t->failed = true;
		out->failed = true;
		return;
	}
	wbuf_u8(out, size);
	wbuf_u8(out, type);
	wbuf_bytes(out, a, size);
}

void warts_params_init(struct warts_params *p)
{
	memset(p->flags, 0, sizeof p->flags);
	p->max_id = 0;
	p->bad = false;
	wbuf_init(&p->data);
}

void warts_params_reset(struct warts_params *p)
{
	memset(p->flags, 0, sizeof p->flags);
	p->max_id = 0;
	p->bad = false;
	wbuf_reset(&p->data);
}

void warts_params_free(struct warts_params *p)
{
	wbuf_free(&p->data);
	warts_params_init(p);
}

/* Set flag id; returns false (marking the block bad) if id is not valid next. */
static bool warts_flag(struct warts_params *p, int id)
{
	if (id <= p->max_id || id < 1 || id > WARTS_PARAM_MAX_ID) {
		p->bad = true;
		return false;
	}
	int byte = (id - 1) / 7, bit = (id - 1) % 7;
	p->flags[byte] |= (uint8_t)(1u << bit);
	p->max_id = id;
	return true;
}

void warts_param_u8(struct warts_params *p, int id, uint8_t v)
{
	if (warts_flag(p, id))
		wbuf_u8(&p->data, v);
}

void warts_param_u16(struct warts_params *p, int id, uint16_t v)
{
	if (warts_flag(p, id))
		wbuf_u16(&p->data, v);
}

void warts_param_u32(struct warts_params *p, int id, uint32_t v)
{
	if (warts_flag(p, id))
		wbuf_u32(&p->data, v);
}

void warts_param_time(struct warts_params *p, int id, uint32_t sec, uint32_t usec)
{
	if (!warts_flag(p, id))
		return;
	wbuf_u32(&p->data, sec);
	wbuf_u32(&p->data, usec);
}

void warts_param_str(struct warts_params *p, int id, const char *s)
{
	if (warts_flag(p, id))
		wbuf_str(&p->data, s);
}

void warts_param_bytes(struct warts_params *p, int id, const void *b, uint16_t n)
{
	if (warts_flag(p, id))
		wbuf_bytes(&p->data, b, n);
}

void warts_param_addr(struct warts_params *p, int id, struct warts_addrs *t,
		      uint8_t type, const uint8_t *a)
{
	if (warts_flag(p, id))
		warts_addr_put(&p->data, t, type, a);
}

int warts_params_emit(const struct warts_params *p, struct wbuf *out)
{
	if (p->bad || !wbuf_ok(&p->data) || p->data.len > UINT16_MAX)
		return -1;
	if (p->max_id == 0) {
		wbuf_u8(out, 0);
		return wbuf_ok(out) ? 0 : -1;
	}
	int nbytes = (p->max_id + 6) / 7;
	for (int i = 0; i < nbytes; i++)
		wbuf_u8(out, (uint8_t)(p->flags[i] | (i + 1 < nbytes ? 0x80 : 0)));
	wbuf_u16(out, (uint16_t)p->data.len);
	wbuf_bytes(out, p->data.p, p->data.len);
	return wbuf_ok(out) ? 0 : -1;
}
