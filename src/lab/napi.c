/*
 * napi: `vantage lab up --napi` makes each veth link between a host and a
 * router take a host's packets off the host the way a NIC does (issue 19).
 *
 * Without it, a veth transmit runs the peer's whole receive path in the
 * sender's softirq: the routers' forwarding, their ICMP answers, their
 * write into a TUN (which wakes the keeper) and the delivery of those
 * answers all land in the probing process's system time (about 11 % of the
 * agent's CPU at 100 probes/s), where on a real host the next router is
 * another machine. With it, the router's end of the link gets GRO and
 * threaded NAPI (/sys/class/net/DEV/threaded): veth queues the packet for
 * that end's NAPI instance and wakes its kernel thread, napi/eN-ID, which
 * runs at the keeper's nice (LAB_KEEPER_NICE) so a loaded machine delays
 * the lab's forwarding no more than the keeper's. The sender's transmit
 * ends at its interface. veth hands a packet to NAPI only when it could be
 * GRO'd, which a sender with TSO on never makes of a small packet, so the
 * host's end has TSO off (its TCP is still segmented, by GSO). NAPI's ring
 * holds 256 packets; veth's default is no qdisc, so what does not fit while
 * the thread waits for a CPU is dropped. The host's end gets a pfifo of
 * LAB_TUN_QLEN packets, which veth fills instead (a raw socket's burst of
 * 200,000 lost 78,177 packets at the device without it; with it none, and
 * the sender was refused 18,018 sends with ENOBUFS when the pfifo was full).
 *
 * Not yet what the tools see on plain veth: test_emu_burst_lab (8,000 pings
 * at 10,000/s through inet.conf, load 20) loses 70 (without the pfifo) and
 * 170 (with it) of them on a --napi lab, none on a plain one, so --napi is
 * off by default and no timing test uses it. At 100 probes/s the hops and
 * probe counts were the same on both labs (bench/engine/run lab).
 */
#include "lab/lab.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#define NAPI_MAX_THREADS 4096

/* The pids of the kernel's napi/e* threads, into pids; returns how many. */
static int napi_threads(pid_t *pids, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while (n < max && (e = readdir(d))) {
		char path[64], comm[32];
		long pid = strtol(e->d_name, NULL, 10);
		FILE *f;
		if (pid <= 0)
			continue;
		snprintf(path, sizeof path, "/proc/%ld/comm", pid);
		if (!(f = fopen(path, "r")))
			continue;
		if (fgets(comm, sizeof comm, f) && !strncmp(comm, "napi/e", 6))
			pids[n++] = (pid_t)pid;
		fclose(f);
	}
	closedir(d);
	return n;
}

/* True when pid is one of pids[0..n). */
static bool listed(const pid_t *pids, int n, pid_t pid)
{
	for (int i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* Run CMD (a shell line) in namespace ns. Returns 0 or -1 with err. */
static int ns_sh(const char *ns, const char *cmd, char *err, size_t errlen)
{
	return lab_run((char *[]){ "ip", "netns", "exec", (char *)ns, "sh", "-c", (char *)cmd,
				   NULL }, false, err, errlen);
}

/* Link l's host end (TSO off) and router end (GRO, threaded NAPI). 0 or -1. */
static int napi_link(const struct lab *lab, int l, char *err, size_t errlen)
{
	const struct lab_link *k = &lab->topo.links[l];
	bool a_host = lab->topo.nodes[k->a].kind == LAB_HOST;
	int host = a_host ? k->a : k->b, router = a_host ? k->b : k->a;
	int hif = a_host ? k->ifa : k->ifb, rif = a_host ? k->ifb : k->ifa;
	char ns[64], cmd[160];

	lab_ns(lab, host, ns, sizeof ns);
	snprintf(cmd, sizeof cmd, "ethtool -K e%d tso off && tc qdisc replace dev e%d root pfifo"
		 " limit %d", hif, hif, LAB_TUN_QLEN);
	if (ns_sh(ns, cmd, err, errlen) < 0)
		return -1;
	lab_ns(lab, router, ns, sizeof ns);
	snprintf(cmd, sizeof cmd, "ethtool -K e%d gro on && echo 1 > /sys/class/net/e%d/threaded",
		 rif, rif);
	return ns_sh(ns, cmd, err, errlen);
}

/* True when link l is a veth between a host and a router. */
static bool host_router_veth(const struct lab *lab, int l)
{
	const struct lab_link *k = &lab->topo.links[l];
	enum lab_kind a = lab->topo.nodes[k->a].kind, b = lab->topo.nodes[k->b].kind;

	return !k->emu && ((a == LAB_HOST && b == LAB_ROUTER) || (a == LAB_ROUTER && b == LAB_HOST));
}

/* Give every host-router veth threaded NAPI (see lab.h). */
int lab_napi(const struct lab *lab, char *err, size_t errlen)
{
	pid_t *before = calloc(NAPI_MAX_THREADS, sizeof *before);
	pid_t *after = calloc(NAPI_MAX_THREADS, sizeof *after);
	int nb, na, rc = 0;

	if (!before || !after) {
		free(before);
		free(after);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	nb = napi_threads(before, NAPI_MAX_THREADS);
	for (int i = 0; i < lab->topo.n_links && rc == 0; i++)
		if (host_router_veth(lab, i))
			rc = napi_link(lab, i, err, errlen);
	/* the threads this call made (another lab's made meanwhile get the same) */
	na = rc == 0 ? napi_threads(after, NAPI_MAX_THREADS) : 0;
	for (int i = 0; i < na; i++)
		if (!listed(before, nb, after[i]))
			(void)setpriority(PRIO_PROCESS, (id_t)after[i], LAB_KEEPER_NICE);
	free(before);
	free(after);
	return rc;
}
