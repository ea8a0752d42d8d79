/*
 * linkctl: change a running lab's links. A cut sets both ends down (the
 * kernel then drops the routes over it); a restore sets them up and replays
 * both ends' routes, leaving out links that are still cut. Delay and loss of
 * an emulated link are saved in the state folder and the keeper is told to
 * reread them (SIGHUP); `link set` returns once the keeper confirms.
 */
#include "lab/lab.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Set interface e<ifn> of node n up or down. Returns 0 or -1 with err. */
static int set_iface(struct lab *lab, int n, int ifn, bool up, char *err, size_t errlen)
{
	char ns[64], dev[16];

	lab_ns(lab, n, ns, sizeof ns);
	snprintf(dev, sizeof dev, "e%d", ifn);
	return lab_run((char *[]){ "ip", "-n", ns, "link", "set", dev, up ? "up" : "down", NULL },
		       false, err, errlen);
}

/* lab_batch_fn: node n's routes of both families. */
static void write_routes(const struct lab *lab, int n, FILE *f)
{
	lab_write_routes(lab, n, 4, f);
	lab_write_routes(lab, n, 6, f);
}

/* Replay node n's routes (both families). Returns 0 or -1 with err. */
static int replay_routes(struct lab *lab, int n, char *err, size_t errlen)
{
	return lab_ip_batch(lab, n, "routes", write_routes, err, errlen);
}

/* Cut or restore link l (see lab.h). */
int lab_link_state(struct lab *lab, int l, bool up, char *err, size_t errlen)
{
	const struct lab_link *k = &lab->topo.links[l];

	lab->cut[l] = !up;
	if (set_iface(lab, k->a, k->ifa, up, err, errlen) < 0 ||
	    set_iface(lab, k->b, k->ifb, up, err, errlen) < 0)
		return -1;
	if (up && (replay_routes(lab, k->a, err, errlen) < 0 ||
		   replay_routes(lab, k->b, err, errlen) < 0))
		return -1;
	return lab_save_links(lab, err, errlen);
}

/* Wait up to 2 s for the keeper to confirm new settings. 0 or -1 with err. */
static int wait_applied(const struct lab *lab, const char *applied, char *err, size_t errlen)
{
	struct timespec step = { 0, 5 * 1000 * 1000 };
	struct stat st;

	for (int i = 0; i < 400; i++) {
		if (stat(applied, &st) == 0)
			return 0;
		nanosleep(&step, NULL);
	}
	snprintf(err, errlen, "lab '%s': the keeper did not confirm the new settings", lab->name);
	return -1;
}

/* Set link l's emulated delay and loss (see lab.h). */
int lab_link_set(struct lab *lab, int l, long long delay_ms, long long loss_pct,
		 char *err, size_t errlen)
{
	struct lab_proc keeper;
	const struct lab_link *k = &lab->topo.links[l];
	char applied[200];

	if (!k->emu) {
		snprintf(err, errlen, "link %s-%s is a plain veth; give it 'emu' (or delay=/loss=) "
			 "in the topology to emulate it", lab->topo.nodes[k->a].name,
			 lab->topo.nodes[k->b].name);
		return -1;
	}
	lab->delay_ms[l] = delay_ms;
	lab->loss_pct[l] = loss_pct;
	if (lab_save_links(lab, err, errlen) < 0)
		return -1;
	snprintf(applied, sizeof applied, "%s/links.applied", lab->dir);
	unlink(applied);
	if (!lab_load_proc(lab, "keeper", &keeper) || !lab_proc_alive(&keeper) ||
	    kill(keeper.pid, SIGHUP) < 0) {
		snprintf(err, errlen, "lab '%s': its keeper is not running", lab->name);
		return -1;
	}
	return wait_applied(lab, applied, err, errlen);
}
