/*
 * err: names of the packet codec's error codes.
 */
#include "net/err.h"

/* A short static description of a NET_E* code. */
const char *net_strerror(int code)
{
	switch (code) {
	case NET_OK: return "ok";
	case NET_ETRUNC: return "truncated packet";
	case NET_EVERSION: return "wrong IP version";
	case NET_EHEADER: return "invalid header field";
	case NET_ESPACE: return "output buffer too small";
	case NET_EARG: return "invalid argument";
	case NET_EPROTO: return "unsupported protocol";
	case NET_EDEPTH: return "too many nested headers";
	default: return code > 0 ? "ok" : "unknown error";
	}
}
