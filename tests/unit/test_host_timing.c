/*
 * Tests of the host's own readings: the /proc parsers on known texts, the
 * default-route parser, the netlink address parser on a crafted dump, and a
 * quick timing_sample() on this machine (loopback only) whose figures must be
 * plausible and whose JSON must carry them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "host/netaddr.h"
#include "host/privileges.h"
#include "host/procfs.h"
#include "host/timing.h"

static void test_procfs(void **state)
{
	(void)state;
	const char mem[] = "MemFree: 5 kB\nMemTotal:       24684084 kB\n";
	uint64_t kb = 0;
	assert_int_equal(procfs_meminfo_total(mem, strlen(mem), &kb), 0);
	assert_int_equal(kb, 24684084);
	assert_int_equal(procfs_meminfo_total("MemTotal:", 9, &kb), -1);
	const char st[] = "cpu  100 0 50 800 50 0 0 25 0 0\ncpu0 1 2 3 4\n";
	struct cpu_ticks t;
	assert_int_equal(procfs_stat_cpu(st, strlen(st), &t), 0);
	assert_int_equal(t.total, 1025);
	assert_int_equal(t.steal, 25);
	assert_int_equal(t.idle, 850);
	assert_int_equal(procfs_stat_cpu("cpu0 1 2 3 4", 12, &t), -1);
	assert_int_equal(procfs_stat_cpu("cpu  1 2", 8, &t), -1);
}

static void test_default_route(void **state)
{
	(void)state;
	const char v4[] = "Iface\tDestination\tGateway\n"
			  "eth1\t000200C0\t00000000\t0001\n"
			  "eth0\t00000000\t010200C0\t0003\n";
	char name[16];
	assert_int_equal(route_default_ifname(v4, strlen(v4), 0, name, sizeof name), 0);
	assert_string_equal(name, "eth0");
	const char v6[] = "fe800000000000000000000000000000 40 00000000000000000000000000000000 00 "
			  "00000000000000000000000000000000 00000100 00000001 00000000 00000001 eth2\n"
			  "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
			  "fe800000000000000000000000000001 00000400 00000001 00000000 00000003 wan0\n";
	assert_int_equal(route_default_ifname(v6, strlen(v6), 1, name, sizeof name), 0);
	assert_string_equal(name, "wan0");
	assert_int_equal(route_default_ifname("x", 1, 0, name, sizeof name), -1);
}

/* Append one RTM_NEWADDR message for addr to buf at *off. */
static void put_addr(char *buf, size_t *off, int family, const void *addr, size_t alen,
		     uint32_t flags)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(buf + *off);
	struct ifaddrmsg *ifa = NLMSG_DATA(h);
	memset(h, 0, NLMSG_SPACE(sizeof *ifa) + 2 * RTA_SPACE(16));
	ifa->ifa_family = (unsigned char)family;
	ifa->ifa_prefixlen = 24;
	ifa->ifa_index = 2;
	struct rtattr *rta = IFA_RTA(ifa);
	rta->rta_type = IFA_ADDRESS;
	rta->rta_len = (unsigned short)RTA_LENGTH(alen);
	memcpy(RTA_DATA(rta), addr, alen);
	struct rtattr *fl = (struct rtattr *)((char *)rta + RTA_ALIGN(rta->rta_len));
	fl->rta_type = IFA_FLAGS;
	fl->rta_len = RTA_LENGTH(4);
	memcpy(RTA_DATA(fl), &flags, 4);
	h->nlmsg_type = RTM_NEWADDR;
	h->nlmsg_len = (uint32_t)(NLMSG_LENGTH(sizeof *ifa) + RTA_ALIGN(rta->rta_len) +
				  RTA_LENGTH(4));
	*off += NLMSG_ALIGN(h->nlmsg_len);
}

static void test_netlink_parse(void **state)
{
	(void)state;
	static char buf[1024] __attribute__((aligned(8)));
	size_t off = 0;
	uint8_t v4[4] = { 198, 18, 0, 1 };
	uint8_t v6[16] = { 0x2a, 0x00, 0x14, 0x50, [15] = 1 };
	put_addr(buf, &off, AF_INET, v4, 4, IFA_F_PERMANENT);
	put_addr(buf, &off, AF_INET6, v6, 16, IFA_F_TEMPORARY);
	struct nlmsghdr *done = (struct nlmsghdr *)(buf + off);
	done->nlmsg_len = NLMSG_LENGTH(4);
	done->nlmsg_type = NLMSG_DONE;
	off += NLMSG_ALIGN(done->nlmsg_len);
	struct host_addrs out = { 0 };
	assert_int_equal(netaddr_parse(buf, off, &out), 1);
	assert_int_equal(out.n, 2);
	assert_string_equal(out.a[0].text, "198.18.0.1");
	assert_false(netaddr_is_public(&out.a[0]));
	assert_int_equal(out.a[0].flags, IFA_F_PERMANENT);
	assert_string_equal(out.a[1].text, "2a00:1450::1");
	assert_true(netaddr_is_public(&out.a[1]));
	assert_int_equal(out.a[1].flags, IFA_F_TEMPORARY);
	/* truncated: a message longer than the buffer is refused, not read */
	struct host_addrs cut = { 0 };
	assert_int_equal(netaddr_parse(buf, 20, &cut), -1);
	assert_int_equal(cut.n, 0);
	assert_int_equal(netaddr_parse(buf, 8, &cut), 0);
}

static void test_timing_sample(void **state)
{
	(void)state;
	struct timing_report r;
	char err[128];
	assert_int_equal(timing_sample(NULL, &r, err, sizeof err), 0);
	assert_true(r.res_ns > 0);
	assert_true(r.read_ns > 0 && r.read_ns < 100000);
	assert_true(r.ts_ok);      /* SO_TIMESTAMPING works on loopback */
	assert_true(r.ts_samples >= 32);
	assert_true(r.timer_n == 40);
	assert_true(r.late_p50_us >= 0 && r.late_p50_us <= r.late_p99_us);
	assert_true(r.late_p99_us <= r.late_max_us);
	assert_true(r.duration_ms >= 40 && r.duration_ms < 5000);
	assert_true(r.timer_slack_ns >= 0);
	assert_true(r.steal_ok);
	assert_true(r.sync_ok);
	char *text = timing_report_json_text(&r);
	assert_non_null(text);
	json_error_t je;
	json_t *j = json_loads(text, 0, &je);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "clock"),
							    "res_ns")), r.res_ns);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "timer"),
							    "wakeups")), 40);
	assert_true(json_is_boolean(json_object_get(json_object_get(j, "sync"), "synced")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "timer"),
							    "slack_ns")), r.timer_slack_ns);
	json_decref(j);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_procfs),
		cmocka_unit_test(test_default_route),
		cmocka_unit_test(test_netlink_parse),
		cmocka_unit_test(test_timing_sample),
	};
	return cmocka_run_group_tests_name("host_timing", tests, NULL, NULL);
}
