/*
 * check: the host check. host_facts_collect() gathers what is true of this
 * machine (resources, addresses, privileges, virtualisation, timing);
 * check_evaluate() compares the facts with a role's requirements and gives
 * one line per requirement, pass / warn / fail with the measured value. The
 * evaluation is a pure function of facts and requirements, so it is tested
 * with synthetic facts; the exit status operators script against is
 * CHECK_EXIT_PASS (0), CHECK_EXIT_WARN (1) or CHECK_EXIT_FAIL (2).
 */
#ifndef VANTAGE_HOST_CHECK_H
#define VANTAGE_HOST_CHECK_H

#include "host/netaddr.h"
#include "host/privileges.h"
#include "host/requirements.h"
#include "host/resources.h"
#include "host/timing.h"
#include "host/virt.h"

enum check_status { CHECK_PASS = 0, CHECK_WARN = 1, CHECK_FAIL = 2 };
enum { CHECK_EXIT_PASS = 0, CHECK_EXIT_WARN = 1, CHECK_EXIT_FAIL = 2,
       CHECK_EXIT_USAGE = 3 };

/* Everything the check knows about the host. */
struct host_facts {
	struct host_resources res;
	struct host_addrs addrs;
	int addrs_ok;
	struct host_privileges priv;
	struct host_virt virt;
	int virtualised;
	struct timing_report timing;
	int timing_ok;
};

/* One requirement's outcome. */
struct check_line {
	char name[24];
	enum check_status status;
	char value[200];   /* what was measured, for people */
	char need[64];     /* what the requirement asks */
};

struct check_report {
	size_t n;
	struct check_line line[24];
	int npass, nwarn, nfail;
};

/*
 * Gather the facts: storage of req->storage_path, the measuring interface
 * ifname (NULL: the default route's), timing at the given depth.
 */
void host_facts_collect(const struct host_requirements *req, const char *ifname,
			enum timing_depth depth, struct host_facts *f);

/* Compare facts with requirements into *out. Pure. */
void check_evaluate(const struct host_requirements *req, const struct host_facts *f,
		    struct check_report *out);

/* The exit status a report calls for (CHECK_EXIT_*). */
int check_exit_status(const struct check_report *r);

/* "pass", "warn" or "fail". */
const char *check_status_name(enum check_status s);

#endif
