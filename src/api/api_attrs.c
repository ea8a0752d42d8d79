/*
 * api_attrs: check and store an agent's network attributes (see
 * api_attrs.h). Fields that are absent stay unset; the API then derives
 * address and prefix from the agent's last session.
 */
#include "api/api_attrs.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "api/api_cidr.h"
#include "store/store.h"
#include "store/store_api.h"
#include "util/numparse.h"

/* Check one field; 0 or -1 with err. */
static int check_one(const json_t *req, const char *name, char *err, size_t errlen)
{
	const json_t *v = json_object_get(req, name);
	const char *s = json_string_value(v);
	struct api_cidr c;
	int want = strstr(name, "_v6") ? 6 : 4;
	if (!v)
		return 0;
	if (strncmp(name, "asn", 3) == 0) {
		if (json_is_integer(v) && json_integer_value(v) >= 1 &&
		    json_integer_value(v) <= 4294967295LL)
			return 0;
	} else if (strcmp(name, "country_code") == 0) {
		if (s && strlen(s) == 2 && isalpha((unsigned char)s[0]) && isalpha((unsigned char)s[1]))
			return 0;
	} else if (strncmp(name, "prefix", 6) == 0) {
		if (s && api_cidr_parse(s, &c) == 0 && c.family == want)
			return 0;
	} else if (s && api_addr_parse(s, &c) == 0 && c.family == want) {
		return 0;
	}
	snprintf(err, errlen, "'%s' is not a valid %s", name,
		 strncmp(name, "asn", 3) == 0 ? "AS number" : strcmp(name, "country_code") == 0 ?
		 "two-letter country code" : strncmp(name, "prefix", 6) == 0 ? "prefix" : "address");
	return -1;
}

static const char *const fields[] = { "asn_v4", "asn_v6", "country_code", "prefix_v4",
				      "prefix_v6", "address_v4", "address_v6" };

/* See api_attrs.h. */
int api_attrs_check(const json_t *req, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (check_one(req, fields[i], err, errlen) < 0)
			return -1;
	return 0;
}

/* See api_attrs.h. */
int api_attrs_store(struct store *st, int64_t id, const json_t *req, char *err, size_t errlen)
{
	int any = 0;
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		any |= json_object_get(req, fields[i]) != NULL;
	return any ? st->ops->api->agent_attrs(st, id, req, err, errlen) : 0;
}

/* See api_attrs.h. */
int api_attrs_option(int ch, const char *arg, json_t *req, char *err, size_t errlen)
{
	static const char *const opts[] = { "--asn", "--asn6", "--country", "--prefix",
					    "--prefix6", "--address", "--address6" };
	int i = ch - API_ATTR_FIRST;
	long long asn;
	if (i < 0 || i > 6) {
		snprintf(err, errlen, "unknown attribute option");
		return -1;
	}
	if (i < 2) {
		if (!parse_option_num(opts[i], arg, 1, 4294967295LL, &asn, err, errlen))
			return -1;
		json_object_set_new(req, fields[i], json_integer(asn));
	} else {
		json_object_set_new(req, fields[i], json_string(arg));
	}
	return check_one(req, fields[i], err, errlen);
}
