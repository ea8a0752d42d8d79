/*
 * Fuzz target: naming conventions and zones (src/controller/dnsname.c).
 * The input is "CONVENTION\nZONE\nORG\nCOUNTRY"; every name made must be
 * a valid host name (a-z, 0-9, '-', '.', labels of 1 to 63, at most 253),
 * and a convention that checks must make a name for a fully known probe
 * whenever the zone is fine and the name fits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "controller/dnsname.h"

/* The next line of the input (NUL-terminated in place), or "" when none is left. */
static char *next_line(char **p)
{
	char *s = *p, *nl = strchr(s, '\n');
	if (nl) {
		*nl = 0;
		*p = nl + 1;
	} else {
		*p = s + strlen(s);
	}
	return s;
}

/* abort() unless name is a valid host name. */
static void check_name(const char *name)
{
	size_t n = strlen(name), label = 0;
	if (n == 0 || n > 253)
		abort();
	for (size_t i = 0; i <= n; i++) {
		char ch = name[i];
		if (ch == '.' || ch == 0) {
			if (label == 0 || label > 63 || name[i - 1] == '-' || name[i - label] == '-')
				abort();
			label = 0;
		} else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-') {
			label++;
		} else {
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *p = text, err[256], out[DNSNAME_MAX], ptr[DNSNAME_PTR_MAX];
	memcpy(text, data, size);
	text[size] = 0;
	const char *conv = next_line(&p), *zone = next_line(&p), *org = next_line(&p);
	const char *cc = next_line(&p);
	struct dnsname_probe pr = { (int64_t)size, "anchor", cc, 64500, org };
	if (dnsname_make(conv, zone, &pr, out, sizeof out, err, sizeof err) == 0)
		check_name(out);
	int conv_ok = dnsname_check_convention(conv, err, sizeof err) == 0;
	struct dnsname_probe known = { 1, "probe", "nl", 1, "o" };
	if (conv_ok && dnsname_check_zone("example.net", err, sizeof err) == 0 &&
	    strlen(conv) < 100 &&
	    dnsname_make(conv, "example.net", &known, out, sizeof out, err, sizeof err) < 0 &&
	    strstr(err, "label") == NULL && strstr(err, "over") == NULL)
		abort();
	if (dnsname_ptr(conv, ptr, sizeof ptr) == 0 && strlen(ptr) >= sizeof ptr)
		abort();
	free(text);
	return 0;
}
