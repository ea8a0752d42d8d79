/*
 * anyaddr: "::" falls back to "0.0.0.0" on a kernel without IPv6 (see
 * anyaddr.h for why only the wildcard does).
 */
#include "util/anyaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* True if addr is an IPv6 literal of the unspecified address (::, ::0, 0::0 ...). */
static int is_v6_any(const char *addr)
{
	struct in6_addr a;
	return inet_pton(AF_INET6, addr, &a) == 1 && IN6_IS_ADDR_UNSPECIFIED(&a);
}

/* See anyaddr.h. */
int anyaddr_pick(const char *addr, int have_inet6, char *out, size_t len)
{
	int fall = !have_inet6 && is_v6_any(addr);
	int n = snprintf(out, len, "%s", fall ? "0.0.0.0" : addr);
	if (n < 0 || (size_t)n >= len)
		return -1;
	return fall;
}

/* See anyaddr.h. */
int anyaddr_have_inet6(void)
{
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno != EAFNOSUPPORT;
	close(fd);
	return 1;
}

/* See anyaddr.h. */
int anyaddr_listen(const char *addr, char *out, size_t len)
{
	return anyaddr_pick(addr, !is_v6_any(addr) || anyaddr_have_inet6(), out, len);
}
