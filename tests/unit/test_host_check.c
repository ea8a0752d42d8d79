/*
 * Tests of the check's evaluation (pure: synthetic facts in, lines out): a
 * table of fact changes on top of a healthy anchor and the status each must
 * give, plus the exit status rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "host/check.h"

/* Add an address to the facts. */
static void add_addr(struct host_facts *f, int family, const char *text, uint32_t flags)
{
	struct host_addr *a = &f->addrs.a[f->addrs.n++];
	memset(a, 0, sizeof *a);
	a->family = family;
	inet_pton(family, text, a->raw);
	snprintf(a->text, sizeof a->text, "%s", text);
	snprintf(a->ifname, sizeof a->ifname, "eth0");
	a->prefixlen = family == AF_INET ? 24 : 64;
	a->flags = flags;
}

/* Facts of a host that meets every anchor requirement. */
static void healthy(struct host_facts *f)
{
	memset(f, 0, sizeof *f);
	f->res.cpus = 2;
	f->res.mem_total_kb = 2000000; /* a 2 GB VM: a little under 2048 MB */
	f->res.storage_bytes = 60000000000ULL;
	f->res.nics = 1;
	f->addrs_ok = 1;
	add_addr(f, AF_INET, "193.0.0.10", IFA_F_PERMANENT);
	add_addr(f, AF_INET6, "2a00:1450::10", IFA_F_PERMANENT);
	f->priv = (struct host_privileges){ .cap_net_raw = 1, .raw_socket = 1,
		.ifname = "eth0", .ts_info_ok = 1, .sw_rx = 1, .sw_tx = 1, .hw_rx = 1,
		.hw_tx = 1, .phc_index = 0 };
	snprintf(f->virt.clocksource, sizeof f->virt.clocksource, "tsc");
	f->timing_ok = 1;
	f->timing = (struct timing_report){ .res_ns = 1, .read_ns = 25, .step_ns = 20,
		.ts_ok = 1, .tx_ts_ok = 1, .ts_samples = 512, .ts_step_ns = 900,
		.timer_n = 500, .late_p50_us = 50, .late_p99_us = 120, .late_max_us = 300,
		.steal_ok = 1, .sync_ok = 1, .synced = 1, .maxerror_us = 20000,
		.duration_ms = 500 };
}

/* Find a line by name. */
static const struct check_line *line(const struct check_report *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->line[i].name, name) == 0)
			return &r->line[i];
	fail_msg("no line '%s'", name);
	return NULL;
}

enum change { NONE, ONE_CPU, SMALL_RAM, PRIVATE_V4, TEMP_V6_ONLY, SIX2FOUR, NO_RAW,
	      NO_SW_TS, NO_HW_TS, JIFFIES, HPET, SLOW_TIMER, LATE_TIMER, STEAL,
	      UNSYNC, STEP, QUANT, BIG_MAXERROR };

struct ccase {
	enum change change;
	const char *name;
	enum check_status want;
	const char *value; /* substring of the value */
};

static const struct ccase cases[] = {
	{ NONE, "cpus", CHECK_PASS, "2 online" },
	{ ONE_CPU, "cpus", CHECK_FAIL, "1 online" },
	{ NONE, "ram", CHECK_PASS, "1953 MB" },
	{ SMALL_RAM, "ram", CHECK_FAIL, "977 MB" },
	{ NONE, "ipv4", CHECK_PASS, "193.0.0.10/24 on eth0: public, native, static" },
	{ PRIVATE_V4, "ipv4", CHECK_WARN, "not publicly routable" },
	{ TEMP_V6_ONLY, "ipv6", CHECK_FAIL, "only temporary" },
	{ SIX2FOUR, "ipv6", CHECK_WARN, "tunnelled" },
	{ NO_RAW, "raw_socket", CHECK_FAIL, "refused" },
	{ NO_SW_TS, "kernel_timestamps", CHECK_FAIL, "incomplete" },
	{ NO_HW_TS, "hw_timestamps", CHECK_WARN, "no hardware" },
	{ NONE, "clocksource", CHECK_PASS, "tsc" },
	{ HPET, "clocksource", CHECK_WARN, "slow to read" },
	{ JIFFIES, "clocksource", CHECK_FAIL, "unusable" },
	{ SLOW_TIMER, "timer_lateness", CHECK_WARN, "p99 500.0 us" },
	{ LATE_TIMER, "timer_lateness", CHECK_FAIL, "p99 5000.0 us" },
	{ STEAL, "steal", CHECK_FAIL, "7.50% during" },
	{ UNSYNC, "clock_sync", CHECK_FAIL, "not synchronised" },
	{ BIG_MAXERROR, "clock_sync", CHECK_WARN, "maxerror 500.0 ms" },
	{ STEP, "clock_step", CHECK_FAIL, "REALTIME stepped" },
	{ QUANT, "ts_quantization", CHECK_FAIL, "4000.000 us grid" },
	{ NONE, "ts_quantization", CHECK_PASS, "no grid" },
};

/* Apply one change to healthy facts. */
static void apply(struct host_facts *f, enum change c)
{
	switch (c) {
	case NONE: break;
	case ONE_CPU: f->res.cpus = 1; break;
	case SMALL_RAM: f->res.mem_total_kb = 1000000; break;
	case PRIVATE_V4: f->addrs.n = 0; add_addr(f, AF_INET, "10.1.2.3", IFA_F_PERMANENT); break;
	case TEMP_V6_ONLY: f->addrs.n = 0; add_addr(f, AF_INET6, "2a00:1450::99", IFA_F_TEMPORARY); break;
	case SIX2FOUR: f->addrs.n = 0; add_addr(f, AF_INET6, "2002:c000:204::1", IFA_F_PERMANENT); break;
	case NO_RAW: f->priv.raw_socket = 0; f->priv.cap_net_raw = 0; break;
	case NO_SW_TS: f->priv.sw_tx = 0; break;
	case NO_HW_TS: f->priv.hw_rx = f->priv.hw_tx = 0; break;
	case JIFFIES: snprintf(f->virt.clocksource, sizeof f->virt.clocksource, "jiffies"); break;
	case HPET: snprintf(f->virt.clocksource, sizeof f->virt.clocksource, "hpet"); break;
	case SLOW_TIMER: f->timing.late_p99_us = 500; break;
	case LATE_TIMER: f->timing.late_p99_us = 5000; break;
	case STEAL: f->timing.steal_pct = 7.5; break;
	case UNSYNC: f->timing.synced = 0; break;
	case BIG_MAXERROR: f->timing.maxerror_us = 500000; break;
	case STEP: f->timing.rt_drift_us = 250000; f->timing.rt_jump_us = 249750;
		f->timing.rt_stepped = 1; break;
	case QUANT: f->timing.ts_quantum_ns = 4000000; break;
	}
}

static void test_table(void **state)
{
	(void)state;
	struct host_requirements req;
	requirements_default(ROLE_ANCHOR, &req);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		static struct host_facts f;
		static struct check_report r;
		healthy(&f);
		apply(&f, cases[i].change);
		check_evaluate(&req, &f, &r);
		const struct check_line *l = line(&r, cases[i].name);
		if (l->status != cases[i].want || !strstr(l->value, cases[i].value))
			fail_msg("case %zu: %s is %s '%s', want %s '%s'", i, l->name,
				 check_status_name(l->status), l->value,
				 check_status_name(cases[i].want), cases[i].value);
	}
}

static void test_exit_status(void **state)
{
	(void)state;
	static struct host_facts f;
	static struct check_report r;
	struct host_requirements req;
	requirements_default(ROLE_ANCHOR, &req);
	healthy(&f);
	check_evaluate(&req, &f, &r);
	assert_int_equal(r.nfail + r.nwarn, 0);
	assert_int_equal(check_exit_status(&r), CHECK_EXIT_PASS);
	apply(&f, NO_HW_TS);
	check_evaluate(&req, &f, &r);
	assert_int_equal(check_exit_status(&r), CHECK_EXIT_WARN);
	apply(&f, ONE_CPU);
	check_evaluate(&req, &f, &r);
	assert_int_equal(check_exit_status(&r), CHECK_EXIT_FAIL);
	/* a probe needs one CPU and no hardware timestamps */
	requirements_default(ROLE_PROBE, &req);
	check_evaluate(&req, &f, &r);
	assert_int_equal(check_exit_status(&r), CHECK_EXIT_PASS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_exit_status),
	};
	return cmocka_run_group_tests_name("host_check", tests, NULL, NULL);
}
