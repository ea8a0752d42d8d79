/*
 * privileges: capability, raw socket, measuring interface and its
 * timestamping capabilities (see privileges.h).
 */
#include "host/privileges.h"
#include "host/procfs.h"

#include <errno.h>
#include <linux/ethtool.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* Is CAP_NET_RAW in this process's effective set? */
static int have_cap_net_raw(void)
{
	cap_t caps = cap_get_proc();
	if (!caps)
		return 0;
	cap_flag_value_t v = CAP_CLEAR;
	cap_get_flag(caps, CAP_NET_RAW, CAP_EFFECTIVE, &v);
	cap_free(caps);
	return v == CAP_SET;
}

/* Try to open (and close at once) a raw ICMP socket. */
static void try_raw_socket(struct host_privileges *out)
{
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (fd < 0) {
		snprintf(out->raw_error, sizeof out->raw_error, "%s", strerror(errno));
		return;
	}
	out->raw_socket = 1;
	close(fd);
}

/* Copy the whitespace-separated field number idx of line into dst. */
static int field(const char *line, size_t len, int idx, char *dst, size_t size)
{
	size_t i = 0;
	for (int f = 0;; f++) {
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		size_t start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		if (start == i)
			return -1;
		if (f == idx) {
			size_t n = i - start;
			if (n >= size)
				return -1;
			memcpy(dst, line + start, n);
			dst[n] = '\0';
			return 0;
		}
	}
}

/* Default route's interface from /proc/net/route or ipv6_route text. */
int route_default_ifname(const char *text, size_t len, int ipv6, char *name,
			 size_t size)
{
	size_t pos = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - text) - pos : len - pos;
		const char *line = text + pos;
		char dst[40], plen[8];
		pos += n + 1;
		if (ipv6) {
			if (field(line, n, 0, dst, sizeof dst) == 0 &&
			    field(line, n, 1, plen, sizeof plen) == 0 &&
			    strcmp(dst, "00000000000000000000000000000000") == 0 &&
			    strcmp(plen, "00") == 0 && field(line, n, 9, name, size) == 0 &&
			    strcmp(name, "lo") != 0)
				return 0;
		} else if (field(line, n, 1, dst, sizeof dst) == 0 &&
			   strcmp(dst, "00000000") == 0 &&
			   field(line, n, 0, name, size) == 0) {
			return 0;
		}
	}
	return -1;
}

/* Find the measuring interface: the default route's, IPv4 first. */
static void default_ifname(char *name, size_t size)
{
	char buf[16384];
	long n = procfs_read("/proc/net/route", buf, sizeof buf);
	if (n > 0 && route_default_ifname(buf, (size_t)n, 0, name, size) == 0)
		return;
	n = procfs_read("/proc/net/ipv6_route", buf, sizeof buf);
	if (n > 0 && route_default_ifname(buf, (size_t)n, 1, name, size) == 0)
		return;
	name[0] = '\0';
}

/* Ask the driver what timestamping ifname supports. */
static void ts_info(struct host_privileges *out)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	struct ethtool_ts_info info = { .cmd = ETHTOOL_GET_TS_INFO };
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%.15s", out->ifname);
	ifr.ifr_data = (void *)&info;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0) {
		uint32_t t = info.so_timestamping;
		out->ts_info_ok = 1;
		out->so_timestamping = t;
		out->phc_index = info.phc_index;
		out->sw_rx = (t & SOF_TIMESTAMPING_RX_SOFTWARE) != 0;
		out->sw_tx = (t & SOF_TIMESTAMPING_TX_SOFTWARE) != 0;
		out->hw_rx = (t & SOF_TIMESTAMPING_RX_HARDWARE) &&
			     (t & SOF_TIMESTAMPING_RAW_HARDWARE);
		out->hw_tx = (t & SOF_TIMESTAMPING_TX_HARDWARE) &&
			     (t & SOF_TIMESTAMPING_RAW_HARDWARE);
	}
	close(fd);
}

/* Check privileges and timestamping of the measuring interface. */
int host_privileges(const char *ifname, struct host_privileges *out)
{
	memset(out, 0, sizeof *out);
	out->phc_index = -1;
	out->cap_net_raw = have_cap_net_raw();
	try_raw_socket(out);
	if (ifname && ifname[0])
		snprintf(out->ifname, sizeof out->ifname, "%s", ifname);
	else
		default_ifname(out->ifname, sizeof out->ifname);
	if (out->ifname[0])
		ts_info(out);
	return 0;
}
