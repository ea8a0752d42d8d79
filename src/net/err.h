/*
 * err: the error codes of the packet codec. Codec functions return 0 or a
 * positive length on success and one of these (negative) on failure.
 */
#ifndef VANTAGE_NET_ERR_H
#define VANTAGE_NET_ERR_H

enum net_err {
	NET_OK = 0,
	NET_ETRUNC = -1,   /* the input ends before a header it announces */
	NET_EVERSION = -2, /* wrong IP version nibble */
	NET_EHEADER = -3,  /* a header field is invalid (length too small, ...) */
	NET_ESPACE = -4,   /* the output buffer is too small */
	NET_EARG = -5,     /* invalid argument (family mismatch, unknown kind) */
	NET_EPROTO = -6,   /* a protocol this function does not handle */
	NET_EDEPTH = -7,   /* too many extension headers or objects */
};

/* A short static description of a NET_E* code ("truncated packet", ...). */
const char *net_strerror(int code);

#endif
