/*
 * lab: a running lab Internet of network namespaces. A lab has a name (the
 * prefix of every namespace it creates: "NAME-NODE"), its state under
 * /run/vantage-lab/NAME/ (the topology it was built from, the cut links, the
 * link emulator's settings, the keeper's and the owner's identities), and a
 * keeper process that runs the emulated links and tears the lab down when
 * the owner process dies.
 */
#ifndef VANTAGE_LAB_LAB_H
#define VANTAGE_LAB_LAB_H

#include "lab/topology.h"
#include "lab/sys.h"

#include <stdio.h>

#define LAB_STATE_ROOT "/run/vantage-lab"
#define LAB_DEFAULT_NAME "vl"
#define LAB_LABNAME_MAX 8
/* txqueuelen of an emulated link's TUN devices: 0.8 s of 10,000 probes/s
 * waiting for the keeper (keeper.c); the kernel's default of 500 dropped
 * thousands of a 10k/s trace run's packets on a loaded machine */
#define LAB_TUN_QLEN 8192
/* nice of the lab's own forwarding (the keeper, threaded NAPI's kernel
 * threads): ahead of the load's nice-0 processes */
#define LAB_KEEPER_NICE (-10)

/* One lab: its name, state folder and topology. */
struct lab {
	char name[LAB_LABNAME_MAX + 1];
	char dir[128];
	char file[256];             /* the topology file it came from */
	struct lab_topo topo;
	bool cut[LAB_MAX_LINKS];
	long long delay_ms[LAB_MAX_LINKS];  /* current emulator settings */
	long long loss_pct[LAB_MAX_LINKS];
	bool napi;                  /* up --napi: hosts' links through threaded NAPI */
};

/* Check a lab name ([a-z][a-z0-9]*, at most 8). Returns 0 or -1 with err. */
int lab_name_check(const char *name, char *err, size_t errlen);

/* Set lab's name and state folder. Returns 0 or -1 with err. */
int lab_init(struct lab *lab, const char *name, char *err, size_t errlen);

/* Load a running lab's state (topology, cuts, emulator settings). 0 or -1. */
int lab_load(struct lab *lab, const char *name, char *err, size_t errlen);

/* Write the namespace name of node n into buf. */
void lab_ns(const struct lab *lab, int n, char *buf, size_t len);

/* Save the cut links and emulator settings to the state folder. 0 or -1. */
int lab_save_links(const struct lab *lab, char *err, size_t errlen);

/* Record process p under the state file `what` ("keeper", "owner"). 0 or -1. */
int lab_save_proc(const struct lab *lab, const char *what, const struct lab_proc *p);

/* Read the process recorded as `what`; false when none is recorded. */
bool lab_load_proc(const struct lab *lab, const char *what, struct lab_proc *p);

/*
 * Build the lab from topology file `file`; owner (0 for none) is the process
 * whose death tears the lab down. Nothing is left half-built on failure.
 * Returns 0 or -1 with err.
 */
int lab_up(struct lab *lab, const char *file, pid_t owner, char *err, size_t errlen);

/*
 * Tear down lab `name`: stop its keeper (unless it is the caller), delete its
 * namespaces and its state. Returns 0 or -1 with err.
 */
int lab_down(const char *name, char *err, size_t errlen);

/* Tear down every lab whose owner or keeper is gone; returns how many, or -1. */
int lab_down_stale(char *err, size_t errlen);

/* Write the `ip -batch` lines that install node n's routes of family af into f. */
void lab_write_routes(const struct lab *lab, int n, int af, FILE *f);

/* Writes node n's `ip -batch` lines into f. */
typedef void (*lab_batch_fn)(const struct lab *lab, int n, FILE *f);

/*
 * Write node n's lines (write) to DIR/KIND-NODE.batch and run them with
 * `ip -n NS -batch` (src/lab/batch.c). Returns 0 or -1 with err.
 */
int lab_ip_batch(const struct lab *lab, int n, const char *kind, lab_batch_fn write, char *err,
		 size_t errlen);

/* Cut (up=false) or restore (up=true) link l. Returns 0 or -1 with err. */
int lab_link_state(struct lab *lab, int l, bool up, char *err, size_t errlen);

/* Set link l's emulated delay and loss; tells the keeper. 0 or -1 with err. */
int lab_link_set(struct lab *lab, int l, long long delay_ms, long long loss_pct,
		 char *err, size_t errlen);

/*
 * Give every veth link between a host and a router the kernel's threaded
 * NAPI on its router end (and TSO off on its host end), so the routers'
 * forwarding runs in a kernel thread at LAB_KEEPER_NICE instead of in the
 * sending process (src/lab/napi.c). Returns 0 or -1 with err.
 */
int lab_napi(const struct lab *lab, char *err, size_t errlen);

/* Run the keeper in this (daemonised) process; never returns. */
void lab_keeper_main(struct lab *lab, pid_t owner, int ready_fd);

#endif
