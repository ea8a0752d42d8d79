/*
 * check_collect: gather the host facts the check evaluates (see check.h).
 */
#include "host/check.h"

#include <string.h>

/* Gather every fact; parts that cannot be read are marked as such. */
void host_facts_collect(const struct host_requirements *req, const char *ifname,
			enum timing_depth depth, struct host_facts *f)
{
	char err[160];
	memset(f, 0, sizeof *f);
	host_resources(req->storage_path, &f->res);
	f->addrs_ok = netaddr_list(&f->addrs, err, sizeof err) == 0;
	host_privileges(ifname, &f->priv);
	f->virtualised = host_virt(&f->virt);
	struct timing_opts o;
	timing_opts_default(depth, &o);
	f->timing_ok = timing_sample(&o, &f->timing, err, sizeof err) == 0;
}
