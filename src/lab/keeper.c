/*
 * keeper: the one background process of a running lab. It carries the
 * packets of emulated links between their two TUN devices (delay and loss,
 * see emu.h), rereads the links' settings on SIGHUP, and tears the whole lab
 * down when the owner process dies (watched through a pidfd), so a killed
 * test run leaves no namespace behind. SIGTERM stops it without teardown
 * (that is how `down` stops it).
 */
#include "lab/lab.h"
#include "lab/emu.h"
#include "lab/synth_node.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/*
 * Sizes for 10,000 probes/s across an emulated link: the TUN device's ring
 * (its txqueuelen, LAB_TUN_QLEN in lab.h) holds 0.8 s of them while the
 * keeper waits for a CPU on a loaded machine, and each direction's queue
 * holds that ring read at once plus what the delay keeps in flight. Slots
 * cost their packets' size only (emu.h).
 */
#define QUEUE_CAP (2 * LAB_TUN_QLEN)
#define READ_BATCH 1024             /* packets read from one TUN per wake-up */
#define FULL_LOG_NS 1000000000ULL   /* at most one "queue full" line a second */
#define MAX_POLL (2 + 2 * LAB_MAX_LINKS + LAB_MAX_NODES)

/* One emulated link: a TUN fd at each end and a queue per direction. */
struct emu_link {
	int index;                  /* link index in the topology */
	int fd[2];                  /* 0: end a, 1: end b */
	struct emu_queue q[2];      /* q[s]: packets read at end s */
	uint64_t full_logged[2];    /* q[s].full when last logged */
	uint64_t full_log_ns;       /* when it was */
};

/* The keeper's whole state. */
struct keeper {
	struct lab *lab;
	int sigfd, pidfd;
	struct emu_link links[LAB_MAX_LINKS];
	int n_links;
	struct synth_node *inets[LAB_MAX_NODES];    /* synthetic Internets, by attach TUN */
	int n_inets;
	uint8_t buf[EMU_MTU];
};

/* CLOCK_MONOTONIC now in nanoseconds. */
static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Attach to TUN device e<ifn> inside namespace ns; returns its fd or -1. */
static int open_tun(const char *ns, int ifn, int home)
{
	char path[128];
	struct ifreq ifr;
	int nsfd, fd = -1;

	snprintf(path, sizeof path, "/run/netns/%s", ns);
	if ((nsfd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (setns(nsfd, CLONE_NEWNET) == 0) {
		memset(&ifr, 0, sizeof ifr);
		ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
		snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "e%d", ifn);
		fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0 && ioctl(fd, TUNSETIFF, &ifr) < 0) {
			close(fd);
			fd = -1;
		}
	}
	close(nsfd);
	if (setns(home, CLONE_NEWNET) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/*
 * Start the synthetic Internet at one end of link l: it answers on the
 * router's end of the link (the other end's TUN stays unattached). 0 or -1.
 */
static int attach_internet(struct keeper *k, const struct lab_link *l, int home)
{
	const struct lab_topo *t = &k->lab->topo;
	int inet = t->nodes[l->a].kind == LAB_INTERNET ? l->a : l->b;
	int router = inet == l->a ? l->b : l->a;
	struct synth_node *s = calloc(1, sizeof *s);
	char ns[64], err[256];
	int fd;

	lab_ns(k->lab, router, ns, sizeof ns);
	if (!s || (fd = open_tun(ns, inet == l->a ? l->ifb : l->ifa, home)) < 0) {
		free(s);
		return -1;
	}
	if (synth_node_start(s, k->lab, inet, fd, err, sizeof err) < 0) {
		fprintf(stderr, "keeper: internet %s: %s\n", t->nodes[inet].name, err);
		close(fd);
		free(s);
		return -1;
	}
	fprintf(stderr, "keeper: internet %s: %zu IPv4 and %zu IPv6 prefixes in %llu ASes\n",
		t->nodes[inet].name, s->g.n4, s->g.n6, (unsigned long long)s->g.n_as);
	k->inets[k->n_inets++] = s;
	return 0;
}

/* Attach every emulated link's TUNs and make its queues. 0 or -1. */
static int attach_links(struct keeper *k)
{
	const struct lab_topo *t = &k->lab->topo;
	int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	char ns[64];

	if (home < 0)
		return -1;
	for (int i = 0; i < t->n_links; i++) {
		const struct lab_link *l = &t->links[i];
		struct emu_link *e = &k->links[k->n_links];
		if (!l->emu)
			continue;
		if (t->nodes[l->a].kind == LAB_INTERNET || t->nodes[l->b].kind == LAB_INTERNET) {
			if (attach_internet(k, l, home) < 0) {
				close(home);
				return -1;
			}
			continue;
		}
		e->index = i;
		lab_ns(k->lab, l->a, ns, sizeof ns);
		e->fd[0] = open_tun(ns, l->ifa, home);
		lab_ns(k->lab, l->b, ns, sizeof ns);
		e->fd[1] = open_tun(ns, l->ifb, home);
		if (e->fd[0] < 0 || e->fd[1] < 0 ||
		    emu_queue_init(&e->q[0], QUEUE_CAP, 2 * (uint64_t)i + 1) < 0 ||
		    emu_queue_init(&e->q[1], QUEUE_CAP, 2 * (uint64_t)i + 2) < 0) {
			fprintf(stderr, "keeper: cannot attach link %d: %s\n", i, strerror(errno));
			close(home);
			return -1;
		}
		k->n_links++;
	}
	close(home);
	return 0;
}

/* Say (at most once a second) that end s's queue of link e dropped packets when full. */
static void log_full(const struct keeper *k, struct emu_link *e, int s, uint64_t now)
{
	const struct lab_link *l = &k->lab->topo.links[e->index];
	if (e->q[s].full == e->full_logged[s] || now - e->full_log_ns < FULL_LOG_NS)
		return;
	fprintf(stderr, "keeper: link %s-%s: %llu packets from %s dropped, the queue of %d was full\n",
		k->lab->topo.nodes[l->a].name, k->lab->topo.nodes[l->b].name,
		(unsigned long long)(e->q[s].full - e->full_logged[s]),
		k->lab->topo.nodes[s ? l->b : l->a].name, QUEUE_CAP);
	e->full_logged[s] = e->q[s].full;
	e->full_log_ns = now;
}

/*
 * Read the packets waiting at end s of link e into its queue, up to a batch
 * a wake-up (poll returns at once for the rest): a keeper that waited long
 * for the CPU drains the TUN's ring fast, before the kernel drops what no
 * longer fits in it.
 */
static void take_packets(struct keeper *k, struct emu_link *e, int s)
{
	int li = e->index;
	uint64_t delay = (uint64_t)k->lab->delay_ms[li] * 1000000ULL, now = 0;

	for (int i = 0; i < READ_BATCH; i++) {
		ssize_t n = read(e->fd[s], k->buf, sizeof k->buf);
		if (n <= 0)
			break;
		now = now_ns();
		emu_queue_push(&e->q[s], now, delay, (int)k->lab->loss_pct[li], k->buf, (size_t)n);
	}
	if (now)
		log_full(k, e, s, now);
}

/* Write every due packet out of the other end; returns the next due time. */
static uint64_t deliver(struct keeper *k)
{
	uint64_t next = UINT64_MAX, now = now_ns();

	for (int i = 0; i < k->n_links; i++)
		for (int s = 0; s < 2; s++) {
			struct emu_link *e = &k->links[i];
			const struct emu_pkt *p;
			while ((p = emu_queue_pop(&e->q[s], now)))
				if (write(e->fd[!s], p->data, p->len) < 0 && errno != EIO)
					fprintf(stderr, "keeper: write: %s\n", strerror(errno));
			if (emu_queue_next_due(&e->q[s]) < next)
				next = emu_queue_next_due(&e->q[s]);
		}
	for (int i = 0; i < k->n_inets; i++) {
		uint64_t due = synth_node_send(k->inets[i], now);
		if (due < next)
			next = due;
	}
	return next;
}

/* Handle one signal; returns 1 to stop, 2 when the owner died, 0 to go on. */
static int on_signal(struct keeper *k)
{
	struct signalfd_siginfo si;
	char err[256];

	if (read(k->sigfd, &si, sizeof si) != sizeof si)
		return 0;
	if (si.ssi_signo == SIGHUP) {
		struct lab *fresh = calloc(1, sizeof *fresh);
		char path[200];
		if (fresh && lab_load(fresh, k->lab->name, err, sizeof err) == 0) {
			memcpy(k->lab->delay_ms, fresh->delay_ms, sizeof fresh->delay_ms);
			memcpy(k->lab->loss_pct, fresh->loss_pct, sizeof fresh->loss_pct);
		}
		/* tell `link set` that the settings are in force */
		snprintf(path, sizeof path, "%s/links.applied", k->lab->dir);
		lab_write_file(path, "", 0);
		free(fresh);
		return 0;
	}
	return 1;
}

/* Fill pfd with the fds to watch; returns the count. */
static int fill_poll(struct keeper *k, struct pollfd *pfd)
{
	int n = 0;

	pfd[n++] = (struct pollfd){ .fd = k->sigfd, .events = POLLIN };
	pfd[n++] = (struct pollfd){ .fd = k->pidfd, .events = POLLIN };
	for (int i = 0; i < k->n_links; i++)
		for (int s = 0; s < 2; s++)
			pfd[n++] = (struct pollfd){ .fd = k->links[i].fd[s], .events = POLLIN };
	for (int i = 0; i < k->n_inets; i++)
		pfd[n++] = (struct pollfd){ .fd = k->inets[i]->fd, .events = POLLIN };
	return n;
}

/* The keeper's loop; returns 2 when the owner died, 1 on SIGTERM. */
static int keeper_loop(struct keeper *k)
{
	struct pollfd pfd[MAX_POLL];
	int n = fill_poll(k, pfd);

	for (;;) {
		uint64_t next = deliver(k), now = now_ns();
		struct timespec ts, *tp = NULL;
		if (next != UINT64_MAX) {
			uint64_t wait = next > now ? next - now : 0;
			ts.tv_sec = (time_t)(wait / 1000000000ULL);
			ts.tv_nsec = (long)(wait % 1000000000ULL);
			tp = &ts;
		}
		if (ppoll(pfd, (nfds_t)n, tp, NULL) < 0 && errno != EINTR)
			return 1;
		if ((pfd[0].revents & POLLIN) && on_signal(k))
			return 1;
		if (pfd[1].revents & (POLLIN | POLLHUP))
			return 2;
		for (int i = 2; i < 2 + 2 * k->n_links; i++)
			if (pfd[i].revents & POLLIN)
				take_packets(k, &k->links[(i - 2) / 2], (i - 2) % 2);
		for (int i = 0; i < k->n_inets; i++)
			if (pfd[2 + 2 * k->n_links + i].revents & POLLIN)
				synth_node_read(k->inets[i], now_ns());
	}
}

/* Detach from the caller: stdio to the log, every other fd closed but ready. */
static int detach(struct lab *lab, int ready_fd)
{
	char path[200];
	int log, null = open("/dev/null", O_RDWR);

	snprintf(path, sizeof path, "%s/keeper.log", lab->dir);
	log = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (null < 0 || log < 0 || dup2(null, 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0 ||
	    dup2(ready_fd, 3) < 0)
		return -1;
	syscall(SYS_close_range, 4U, ~0U, 0U);
	return 3;
}

/* Block the signals the keeper reads through its signalfd; returns the fd. */
static int signal_fd(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &set, SFD_CLOEXEC);
}

/* Close the keeper's fds and free its queues and itself. */
static void keeper_free(struct keeper *k)
{
	for (int i = 0; i < k->n_links; i++)
		for (int s = 0; s < 2; s++) {
			close(k->links[i].fd[s]);
			emu_queue_free(&k->links[i].q[s]);
		}
	for (int i = 0; i < k->n_inets; i++) {
		synth_node_stop(k->inets[i]);
		free(k->inets[i]);
	}
	free(k);
}

/* Run the keeper (see lab.h); never returns. */
void lab_keeper_main(struct lab *lab, pid_t owner, int ready_fd)
{
	struct keeper *k = calloc(1, sizeof *k);
	struct lab_proc me;
	char err[256];
	int rc;

	if (!k || (ready_fd = detach(lab, ready_fd)) < 0)
		_exit(1);
	k->lab = lab;
	/* a keeper starved of the CPU is a link that drops: run ahead of the load */
	if (setpriority(PRIO_PROCESS, 0, LAB_KEEPER_NICE) < 0)
		fprintf(stderr, "keeper: cannot raise its priority: %s\n", strerror(errno));
	k->sigfd = signal_fd();
	k->pidfd = owner > 0 ? (int)syscall(SYS_pidfd_open, owner, 0) : -1;
	if (k->sigfd < 0 || (owner > 0 && k->pidfd < 0) || attach_links(k) < 0 ||
	    !lab_proc_get(getpid(), &me) || lab_save_proc(lab, "keeper", &me) < 0) {
		fprintf(stderr, "keeper: cannot start: %s\n", strerror(errno));
		_exit(1);
	}
	if (write(ready_fd, "R", 1) != 1)
		_exit(1);
	close(ready_fd);
	rc = keeper_loop(k);
	if (rc == 2) {
		fprintf(stderr, "keeper: owner %d is gone; taking lab '%s' down\n", (int)owner, lab->name);
		if (lab_down(lab->name, err, sizeof err) < 0)
			fprintf(stderr, "keeper: %s\n", err);
	}
	keeper_free(k);
	_exit(0);
}
