/*
 * test_api_policy: the target policy the API's unit tests create requests
 * under: the defaults plus the two lines of the lab's configuration
 * (etc/vantage/controller-lab.conf). Header-only, for the test programs.
 */
#ifndef VANTAGE_TESTS_UNIT_TEST_API_POLICY_H
#define VANTAGE_TESTS_UNIT_TEST_API_POLICY_H

#include "policy/targets.h"

/* The lab's policy (built once; the tests only read it). */
static const struct target_policy *lab_policy(void)
{
	static struct target_policy tp;
	char err[128];
	targets_init(&tp);
	assert_int_equal(targets_add(&tp, "allow 198.18.0.0/15", "lab", err, sizeof err), 0);
	assert_int_equal(targets_add(&tp, "allow 2001:db8::/32", "lab", err, sizeof err), 0);
	return &tp;
}

#endif
