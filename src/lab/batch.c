/*
 * batch: configure one node with `ip -batch`: its lines are written to a file
 * under the lab's state directory (kept, so what was applied can be read
 * back) and run inside the node's namespace in one call.
 */
#include "lab/lab.h"
#include "lab/sys.h"

#include <stdio.h>

/* See lab.h. */
int lab_ip_batch(const struct lab *lab, int n, const char *kind, lab_batch_fn write, char *err,
		 size_t errlen)
{
	char path[200], ns[64];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s-%s.batch", lab->dir, kind, lab->topo.nodes[n].name);
	if (!(f = fopen(path, "w"))) {
		snprintf(err, errlen, "cannot write %s", path);
		return -1;
	}
	write(lab, n, f);
	if (fclose(f) != 0) {
		snprintf(err, errlen, "cannot write %s", path);
		return -1;
	}
	lab_ns(lab, n, ns, sizeof ns);
	return lab_run((char *[]){ "ip", "-n", ns, "-batch", path, NULL }, false, err, errlen);
}
