/*
 * anyaddr: listening on every address also where the kernel has no IPv6.
 * The shipped configuration listens on "::", the IPv6 wildcard, which takes
 * IPv4 clients too as mapped addresses. A kernel booted with
 * ipv6.disable=1 (or built without IPv6) refuses every AF_INET6 socket with
 * EAFNOSUPPORT, so there "::" becomes "0.0.0.0" and the caller logs it.
 * Any other address is left as given: asking for one IPv6 address on a host
 * without IPv6 is an error the bind reports.
 */
#ifndef VANTAGE_UTIL_ANYADDR_H
#define VANTAGE_UTIL_ANYADDR_H

#include <stddef.h>

/* The address to listen on for addr given whether the host has AF_INET6
   sockets: "0.0.0.0" for the IPv6 wildcard without them, else addr, into out.
   Returns 1 when it fell back, 0 when out is addr, -1 when out is too small. */
int anyaddr_pick(const char *addr, int have_inet6, char *out, size_t len);

/* 1 if this host can open an AF_INET6 socket, 0 if the kernel has no IPv6
   (EAFNOSUPPORT); other failures (no descriptors left) count as having it,
   so the bind itself reports them. */
int anyaddr_have_inet6(void);

/* anyaddr_pick for this host. */
int anyaddr_listen(const char *addr, char *out, size_t len);

#endif
