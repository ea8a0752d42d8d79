/*
 * loadgen: a load generator that speaks the agent protocol to a
 * vantage-controller on loopback. It makes N agent identities, registers and
 * approves them through the admin socket (a thousand per request), opens N TLS
 * connections (at most --handshakes at a time), then has every connection
 * upload synthetic RIPE Atlas ping results with at most --window unacked,
 * for --seconds. It prints the results/s the controller says it stored over
 * that time, the p50/p99 upload-to-ack latency seen by the agents, and the
 * controller's peak RSS (VmHWM of --controller-pid). Bounded in count and time.
 * Several front-ends on one store: --port, --admin and --controller-pid given
 * once per front-end (up to MAX_FE, in the same order); connection i goes to
 * front-end i mod their number, the counters and CPU are summed over them.
 */
#include <event2/buffer.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "controller/cli.h"
#include "proto/conn.h"
#include "proto/identity.h"
#include "util/numparse.h"

#define MAX_WINDOW 64
#define MAX_FE 4
#define MAX_SERVERS 4       /* --server NAME=PID,...: the store's own processes */
#define MAX_SERVER_PIDS 8

struct lg;

struct lgc {
	struct lg *lg;
	struct conn *conn;
	int idx;
	int ready;
	uint64_t next_seq, acked;
	double sent[MAX_WINDOW];
};

struct lg {
	struct event_base *base;
	SSL_CTX *tls;
	struct identity *ids;
	struct lgc *conns;
	int n, window, handshakes, seconds, started, connected, failed, in_handshake;
	int register_only;   /* --register-only: time the registration, then stop */
	const char *admin, *addr, *ctl_fp;   /* admin: the first front-end's */
	const char *admins[MAX_FE];
	int64_t msm;              /* the measurement the results belong to */
	int port, pid;            /* the first front-end's */
	int ports[MAX_FE], pids[MAX_FE], nports, nadmins, npids;
	int uploading, stopping;
	struct {
		const char *name;
		int pids[MAX_SERVER_PIDS], npids;
	} servers[MAX_SERVERS];
	int nservers;
	json_t *body;
	char *body_text;
	size_t body_len;
	double *lat;
	size_t nlat, caplat;
	uint64_t sent_total;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void start_more(struct lg *lg);

/* Send results on c while its window allows. */
static void pump(struct lgc *c)
{
	struct lg *lg = c->lg;
	char err[128];
	(void)err;
	while (lg->uploading && !lg->stopping && c->next_seq - c->acked <= (uint64_t)lg->window) {
		/* The frame is formatted around the pre-encoded body: the generator
		   must cost far less than the controller it loads. */
		char head[96];
		int hl = snprintf(head, sizeof head, "{\"seq\":%llu,\"msm_id\":%lld,\"body\":",
				  (unsigned long long)c->next_seq, (long long)lg->msm);
		uint8_t fh[FRAME_HEADER_LEN];
		frame_header_write(fh, MSG_RESULT, (size_t)hl + lg->body_len + 1);
		struct evbuffer *out = bufferevent_get_output(conn_bev(c->conn));
		if (evbuffer_add(out, fh, sizeof fh) < 0 || evbuffer_add(out, head, (size_t)hl) < 0 ||
		    evbuffer_add(out, lg->body_text, lg->body_len) < 0 || evbuffer_add(out, "}", 1) < 0)
			return;
		c->sent[c->next_seq % MAX_WINDOW] = now_s();
		c->next_seq++;
		lg->sent_total++;
	}
}

/* Record the latency of every result up to seq. */
static void acked(struct lgc *c, uint64_t seq)
{
	struct lg *lg = c->lg;
	double t = now_s();
	for (uint64_t s = c->acked + 1; s <= seq && s < c->next_seq; s++) {
		if (lg->nlat == lg->caplat) {
			lg->caplat = lg->caplat ? lg->caplat * 2 : 1 << 20;
			lg->lat = realloc(lg->lat, lg->caplat * sizeof *lg->lat);
		}
		lg->lat[lg->nlat++] = t - c->sent[s % MAX_WINDOW];
	}
	if (seq > c->acked)
		c->acked = seq;
	pump(c);
}

static void on_connected(struct conn *cn, void *arg)
{
	struct lgc *c = arg;
	struct msg m = { .type = MSG_HELLO, .agent = c->lg->ids[c->idx].fp, .version = "loadgen",
			 .role = "probe" };
	char err[128];
	conn_send(cn, &m, err, sizeof err);
}

static void on_msg(struct conn *cn, struct msg *m, void *arg)
{
	(void)cn;
	struct lgc *c = arg;
	if (m->type == MSG_WELCOME) {
		c->ready = 1;
		c->next_seq = (uint64_t)m->seq + 1;
		c->acked = (uint64_t)m->seq;
		c->lg->connected++;
		c->lg->in_handshake--;
		start_more(c->lg);
		pump(c);
	} else if (m->type == MSG_ACK) {
		acked(c, (uint64_t)m->seq);
	} else if (m->type == MSG_HEARTBEAT) {
		struct msg hb = { .type = MSG_HEARTBEAT, .time = time(NULL) };
		char err[64];
		conn_send(cn, &hb, err, sizeof err);
	}
}

static void on_close(struct conn *cn, const char *reason, void *arg)
{
	(void)cn;
	struct lgc *c = arg;
	if (!c->lg->stopping) {
		if (c->lg->failed++ < 5)
			fprintf(stderr, "loadgen: connection %d closed: %s\n", c->idx, reason);
		if (!c->ready)
			c->lg->in_handshake--;
	}
	if (c->ready)
		c->lg->connected--;
	c->conn = NULL;
	c->ready = 0;
	start_more(c->lg);
}

static const struct conn_cbs cbs = { on_connected, on_msg, on_close };

/* Open connection i. */
static void open_one(struct lg *lg, int i)
{
	struct lgc *c = &lg->conns[i];
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons((uint16_t)lg->ports[i % lg->nports]) };
	inet_pton(AF_INET, lg->addr, &sin.sin_addr);
	SSL *ssl = SSL_new(lg->tls);
	SSL_use_certificate(ssl, lg->ids[i].cert);
	SSL_use_PrivateKey(ssl, lg->ids[i].key);
	struct bufferevent *bev = bufferevent_openssl_socket_new(lg->base, -1, ssl,
		BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	c->lg = lg;
	c->idx = i;
	c->conn = conn_new(bev, &cbs, c);
	lg->in_handshake++;
	if (bufferevent_socket_connect(bev, (struct sockaddr *)&sin, sizeof sin) < 0)
		conn_close(c->conn, NULL, "connect failed");
}

/* Keep up to lg->handshakes connections in their handshake. */
static void start_more(struct lg *lg)
{
	while (!lg->stopping && lg->started < lg->n && lg->in_handshake < lg->handshakes)
		open_one(lg, lg->started++);
}

static long long holds, retries;   /* JetStream ingest: summed over every stats request */

/* Ask a front-end for its counters; returns the "stored" count or -1. */
static long long fe_stored(const char *admin, long long *commits, double *commit_s)
{
	json_t *req = json_pack("{s:s}", "cmd", "stats"), *data = NULL;
	char err[256];
	long long v = -1;
	if (cli_request(admin, req, &data, err, sizeof err) == 0) {
		v = json_integer_value(json_object_get(data, "stored"));
		*commits = json_integer_value(json_object_get(data, "commits"));
		*commit_s = json_real_value(json_object_get(data, "commit_seconds"));
		holds += json_integer_value(json_object_get(data, "ingest_holds"));
		retries += json_integer_value(json_object_get(data, "publish_retries"));
	} else
		fprintf(stderr, "loadgen: %s\n", err);
	json_decref(req);
	json_decref(data);
	return v;
}

/* The front-ends' counters summed; returns the "stored" count or -1. */
static long long ctl_stored(struct lg *lg, long long *commits, double *commit_s)
{
	long long total = 0;
	*commits = 0;
	*commit_s = 0;
	for (int k = 0; k < lg->nadmins; k++) {
		long long c = 0;
		double cs = 0;
		long long v = fe_stored(lg->admins[k], &c, &cs);
		if (v < 0)
			return -1;
		total += v;
		*commits += c;
		*commit_s += cs;
	}
	return total;
}

/* Register identities [from, to) (approved) in one admin request. */
static int register_range(struct lg *lg, int from, int to)
{
	json_t *fps = json_array(), *data = NULL;
	for (int i = from; i < to; i++)
		json_array_append_new(fps, json_string(lg->ids[i].fp));
	json_t *req = json_pack("{s:s,s:o,s:s,s:b}", "cmd", "agents.add", "fps", fps, "org",
				"loadgen", "approve", 1);
	char err[256];
	int rc = cli_request(lg->admin, req, &data, err, sizeof err);
	if (rc < 0)
		fprintf(stderr, "loadgen: registration: %s\n", err);
	json_decref(req);
	json_decref(data);
	return rc;
}

/*
 * One measurement assigned to every registered agent (the controller takes
 * only results of measurements an agent was given); its id into lg->msm.
 */
static int create_msm(struct lg *lg)
{
	json_t *req = json_pack("{s:s,s:{s:s,s:s},s:s}", "cmd", "msm.create", "def", "type", "ping",
				"target", "198.18.1.2", "role", "probe"), *data = NULL;
	char err[256];
	int rc = cli_request(lg->admin, req, &data, err, sizeof err);
	if (rc < 0)
		fprintf(stderr, "loadgen: measurement: %s\n", err);
	else
		lg->msm = json_integer_value(json_object_get(data, "id"));
	json_decref(req);
	json_decref(data);
	return rc;
}

/* Register all identities, a thousand per request (agents.add's batch: one
   transaction each, admission included), and print how fast. */
static int register_all(struct lg *lg)
{
	double t0 = now_s();
	for (int i = 0; i < lg->n; i += 1000)
		if (register_range(lg, i, i + 1000 < lg->n ? i + 1000 : lg->n) < 0)
			return -1;
	double t = now_s() - t0;
	printf("registration: %d agents registered and admitted in %.2f s = %.0f agents/s"
	       " (%d per request)\n", lg->n, t, t > 0 ? lg->n / t : 0.0, 1000);
	fflush(stdout);
	return 0;
}

/* Run the loop for up to secs seconds or until done() says so. */
static void run_until(struct lg *lg, double secs, int (*done)(struct lg *))
{
	double end = now_s() + secs;
	struct timeval tv = { 0, 50000 };
	while (now_s() < end && !(done && done(lg))) {
		event_base_loopexit(lg->base, &tv);
		event_base_dispatch(lg->base);
	}
}

static int all_connected(struct lg *lg)
{
	return lg->connected + lg->failed >= lg->n;
}

static int all_acked(struct lg *lg)
{
	for (int i = 0; i < lg->n; i++)
		if (lg->conns[i].ready && lg->conns[i].acked + 1 < lg->conns[i].next_seq)
			return 0;
	return 1;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Peak resident set of pid in MiB from /proc, or -1. */
static double peak_rss_mb(int pid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	FILE *f = fopen(path, "r");
	double kb = -1;
	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, "VmHWM:", 6) == 0)
			kb = atof(line + 6);
	if (f)
		fclose(f);
	return kb < 0 ? -1 : kb / 1024;
}

/* The one-minute load average. */
static double loadavg(void)
{
	double l[1] = { -1 };
	getloadavg(l, 1);
	return l[0];
}

/* The parent and CPU seconds (user + system) of process pid ("123"), from /proc; 0 or -1. */
static int proc_stat(const char *pid, int *ppid, double *cpu)
{
	char path[300], buf[1024];
	snprintf(path, sizeof path, "/proc/%s/stat", pid);
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	unsigned long long ut, st;
	/* after ") ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
	if (!p || sscanf(p + 2, "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", ppid, &ut,
			 &st) != 3)
		return -1;
	*cpu = (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
	return 0;
}

/* CPU seconds (user + system) pid has used, from /proc, or -1. */
static double cpu_seconds(int pid)
{
	char id[16];
	int ppid;
	double cpu;
	snprintf(id, sizeof id, "%d", pid);
	return proc_stat(id, &ppid, &cpu) == 0 ? cpu : -1;
}

/*
 * Seconds the main thread of pid (0: this process) has run on a CPU and has
 * waited, runnable, for one (the kernel's schedstat); 0 or -1. On a loaded
 * machine the wait says how much of a phase was the scheduler's, not ours.
 */
static int sched_seconds(int pid, double *run, double *wait)
{
	char path[64];
	unsigned long long r = 0, w = 0;
	snprintf(path, sizeof path, pid ? "/proc/%d/schedstat" : "/proc/self/schedstat", pid);
	FILE *f = fopen(path, "r");
	int ok = f && fscanf(f, "%llu %llu", &r, &w) == 2;
	if (f)
		fclose(f);
	*run = r / 1e9;
	*wait = w / 1e9;
	return ok ? 0 : -1;
}

/* Run and runnable-wait seconds of the front-ends' loops and of this one. */
struct sched_mark {
	double fe_run, fe_wait, lg_run, lg_wait;
};

static void sched_mark(const struct lg *lg, struct sched_mark *m)
{
	*m = (struct sched_mark){ 0 };
	for (int k = 0; k < lg->npids; k++) {
		double r, w;
		if (sched_seconds(lg->pids[k], &r, &w) == 0) {
			m->fe_run += r;
			m->fe_wait += w;
		}
	}
	sched_seconds(0, &m->lg_run, &m->lg_wait);
}

static void sched_print(const char *phase, const struct sched_mark *a, const struct sched_mark *b)
{
	printf("%s: front-end loops (main threads, summed) ran %.1f s and waited %.1f s for a CPU;"
	       " load generator ran %.1f s and waited %.1f s\n", phase, b->fe_run - a->fe_run,
	       b->fe_wait - a->fe_wait, b->lg_run - a->lg_run, b->lg_wait - a->lg_wait);
}

/*
 * CPU seconds (user + system) used by the processes in pids and by their
 * children now alive (PostgreSQL's backends are the postmaster's children),
 * from /proc.
 */
static double tree_cpu_seconds(const int *pids, int npids)
{
	double total = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		int ppid;
		double cpu;
		if (e->d_name[0] < '1' || e->d_name[0] > '9' || proc_stat(e->d_name, &ppid, &cpu) < 0)
			continue;
		int pid = atoi(e->d_name);
		for (int k = 0; k < npids; k++)
			if (pids[k] == pid || pids[k] == ppid) {
				total += cpu;
				break;
			}
	}
	if (d)
		closedir(d);
	return total;
}

/* --server NAME=PID[,PID...]: a part of the store whose CPU is printed per phase. */
static void parse_server(struct lg *lg, char *arg)
{
	char *eq = strchr(arg, '=');
	if (!eq || lg->nservers == MAX_SERVERS) {
		fprintf(stderr, "loadgen: --server NAME=PID[,PID...] (at most %d)\n", MAX_SERVERS);
		exit(2);
	}
	*eq = 0;
	lg->servers[lg->nservers].name = arg;
	for (char *tok = strtok(eq + 1, ","); tok; tok = strtok(NULL, ","))
		if (lg->servers[lg->nservers].npids < MAX_SERVER_PIDS)
			lg->servers[lg->nservers].pids[lg->servers[lg->nservers].npids++] =
				option_num_or_exit("loadgen", "--server", tok, 1, 1 << 30);
	lg->nservers++;
}

/* CPU seconds of each --server part, into cpu[]. */
static void servers_mark(const struct lg *lg, double *cpu)
{
	for (int k = 0; k < lg->nservers; k++)
		cpu[k] = tree_cpu_seconds(lg->servers[k].pids, lg->servers[k].npids);
}

/* What each --server part used over a phase that stored `stored` results. */
static void servers_print(const struct lg *lg, const char *phase, const double *a,
			  const double *b, long long stored)
{
	for (int k = 0; k < lg->nservers; k++)
		printf("%s: %s CPU %.1f s%s", phase, lg->servers[k].name, b[k] - a[k],
		       k + 1 < lg->nservers ? ", " : "");
	if (lg->nservers && stored > 0) {
		printf("; per 1000 results stored:");
		for (int k = 0; k < lg->nservers; k++)
			printf(" %s %.2f CPU-s", lg->servers[k].name, 1000 * (b[k] - a[k]) / (double)stored);
	}
	if (lg->nservers)
		printf("\n");
}

/* CPU seconds the front-ends (--controller-pid) have used together, or -1. */
static double fe_cpu_seconds(const struct lg *lg)
{
	double total = 0;
	for (int k = 0; k < lg->npids; k++) {
		double c = cpu_seconds(lg->pids[k]);
		if (c < 0)
			return -1;
		total += c;
	}
	return total;
}

static void parse(struct lg *lg, int argc, char **argv)
{
	static const struct option o[] = {
		{ "admin", 1, NULL, 'a' }, { "addr", 1, NULL, 'A' }, { "port", 1, NULL, 'p' },
		{ "controller-fp", 1, NULL, 'f' }, { "conns", 1, NULL, 'n' },
		{ "window", 1, NULL, 'w' }, { "seconds", 1, NULL, 's' },
		{ "handshakes", 1, NULL, 'h' }, { "controller-pid", 1, NULL, 'P' },
		{ "server", 1, NULL, 'S' }, { "register-only", 0, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	while ((ch = getopt_long(argc, argv, "", o, NULL)) != -1) {
		switch (ch) {
		case 'a':
			if (lg->nadmins == MAX_FE)
				exit(2);
			lg->admins[lg->nadmins++] = optarg;
			break;
		case 'A': lg->addr = optarg; break;
		case 'p':
			if (lg->nports == MAX_FE)
				exit(2);
			lg->ports[lg->nports++] = option_num_or_exit("loadgen", "--port", optarg, 1, 65535);
			break;
		case 'f': lg->ctl_fp = optarg; break;
		case 'R': lg->register_only = 1; break;
		case 'n': lg->n = option_num_or_exit("loadgen", "--conns", optarg, 1, 10000); break;
		case 'w': lg->window = option_num_or_exit("loadgen", "--window", optarg, 1, MAX_WINDOW - 1); break;
		case 's': lg->seconds = option_num_or_exit("loadgen", "--seconds", optarg, 1, 300); break;
		case 'h': lg->handshakes = option_num_or_exit("loadgen", "--handshakes", optarg, 1, 10000); break;
		case 'P':
			if (lg->npids == MAX_FE)
				exit(2);
			lg->pids[lg->npids++] = option_num_or_exit("loadgen", "--controller-pid", optarg, 1, 1 << 30);
			break;
		case 'S': parse_server(lg, optarg); break;
		default: exit(2);
		}
	}
	lg->admin = lg->admins[0];
	lg->port = lg->ports[0];
	lg->pid = lg->pids[0];
	if (!lg->admin || !lg->port || (lg->npids && lg->npids != lg->nports) ||
	    lg->nadmins != lg->nports) {
		fprintf(stderr, "usage: loadgen --admin SOCK --port N [--controller-pid PID]"
			" [(the three again for each other front-end)] [--addr A] [--conns N]"
			" [--window N] [--seconds S] [--handshakes N] [--register-only]"
			" [--server NAME=PID[,PID...]]...\n");
		exit(2);
	}
}

/* Make the identities and the shared TLS context. */
static int setup(struct lg *lg)
{
	char err[256];
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	lg->ids = calloc((size_t)lg->n, sizeof *lg->ids);
	lg->conns = calloc((size_t)lg->n, sizeof *lg->conns);
	for (int i = 0; i < lg->n; i++)
		if (identity_generate(&lg->ids[i], "loadgen", err, sizeof err) < 0) {
			fprintf(stderr, "loadgen: %s\n", err);
			return -1;
		}
	lg->tls = identity_tls_ctx(&lg->ids[0], 0, err, sizeof err);
	lg->body = json_loads("{\"fw\":5080,\"type\":\"ping\",\"af\":4,\"dst_addr\":\"198.18.1.2\","
		"\"src_addr\":\"198.18.0.2\",\"from\":\"198.18.0.2\",\"proto\":\"ICMP\",\"size\":48,"
		"\"ttl\":62,\"sent\":3,\"rcvd\":3,\"min\":1.204,\"avg\":1.311,\"max\":1.398,"
		"\"result\":[{\"rtt\":1.204},{\"rtt\":1.331},{\"rtt\":1.398}],\"timestamp\":1700000000,"
		"\"msm_id\":1,\"prb_id\":1,\"step\":240}", 0, NULL);
	lg->body_text = lg->body ? json_dumps(lg->body, JSON_COMPACT) : NULL;
	lg->body_len = lg->body_text ? strlen(lg->body_text) : 0;
	lg->base = event_base_new();
	return lg->tls && lg->body_text && lg->body && lg->base ? 0 : -1;
}

int main(int argc, char **argv)
{
	static struct lg lg = { .addr = "127.0.0.1", .n = 1000, .window = 16, .seconds = 20,
				.handshakes = 200 };
	parse(&lg, argc, argv);
	signal(SIGPIPE, SIG_IGN);
	if (setup(&lg) < 0 || register_all(&lg) < 0)
		return 1;
	if (lg.register_only)
		return 0;
	if (create_msm(&lg) < 0)
		return 1;
	struct sched_mark m0, m1, m2;
	sched_mark(&lg, &m0);
	long long kc0 = 0;
	double csc0 = 0;
	ctl_stored(&lg, &kc0, &csc0);
	double t0 = now_s();
	start_more(&lg);
	run_until(&lg, 120, all_connected);
	printf("connections: %d of %d admitted in %.1f s (%d failed)\n", lg.connected, lg.n,
	       now_s() - t0, lg.failed);
	sched_mark(&lg, &m1);
	sched_print("connect", &m0, &m1);
	long long k0 = 0, k1 = 0;
	double cs0 = 0, cs1 = 0;
	long long s0 = ctl_stored(&lg, &k0, &cs0);
	printf("connect: %lld commits, %.1f s in them (%.0f%% of the phase; the loop waits on a"
	       " commit)\n", k0 - kc0, cs0 - csc0, 100 * (cs0 - csc0) / (now_s() - t0));
	double srv0[MAX_SERVERS], srv1[MAX_SERVERS];
	servers_mark(&lg, srv0);
	double u0 = now_s(), c0 = lg.pid ? fe_cpu_seconds(&lg) : -1;
	int failed_before = lg.failed;
	lg.uploading = 1;
	for (int i = 0; i < lg.n; i++)
		if (lg.conns[i].ready)
			pump(&lg.conns[i]);
	run_until(&lg, lg.seconds, NULL);
	lg.stopping = 1;
	run_until(&lg, 10, all_acked);
	double u1 = now_s();
	holds = retries = 0;      /* the front-ends' totals since they started */
	long long s1 = ctl_stored(&lg, &k1, &cs1);
	double c1 = lg.pid ? fe_cpu_seconds(&lg) : -1;
	sched_mark(&lg, &m2);
	sched_print("upload", &m1, &m2);
	servers_mark(&lg, srv1);
	qsort(lg.lat, lg.nlat, sizeof *lg.lat, cmp_d);
	double p50 = lg.nlat ? lg.lat[lg.nlat / 2] * 1000 : -1;
	double p99 = lg.nlat ? lg.lat[(size_t)(lg.nlat * 0.99)] * 1000 : -1;
	printf("stored: %lld results in %.1f s = %.0f results/s (sent %llu, acked %zu)\n",
	       s1 - s0, u1 - u0, (s1 - s0) / (u1 - u0), (unsigned long long)lg.sent_total, lg.nlat);
	printf("upload-to-ack latency: p50 %.1f ms, p99 %.1f ms\n", p50, p99);
	if (lg.pid && c0 >= 0 && c1 > c0)
		printf("controller CPU: %.1f s over %.1f s (%.0f%% of one core), %.0f results per"
		       " CPU-second; machine load average %.1f\n", c1 - c0, u1 - u0,
		       100 * (c1 - c0) / (u1 - u0), (s1 - s0) / (c1 - c0), loadavg());
	servers_print(&lg, "upload", srv0, srv1, s1 - s0);
	printf("connections closed during the upload: %d\n", lg.failed - failed_before);
	if (holds || retries)
		printf("JetStream ingest: reading paused %lld times at the"
		       " in-flight bound, %lld publishes sent again\n", holds, retries);
	if (k1 > k0)
		printf("commits: %lld, %.0f results and %.1f ms each on average; %.0f%% of the time"
		       " in commits\n", k1 - k0, (double)(s1 - s0) / (k1 - k0),
		       1000 * (cs1 - cs0) / (k1 - k0), 100 * (cs1 - cs0) / (u1 - u0));
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("load generator CPU (whole run): %.1f s\n", ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	for (int k = 0; k < lg.npids; k++)
		printf("controller%s peak RSS: %.0f MiB with %d connections%s\n",
		       lg.npids > 1 ? (k ? " 2" : " 1") : "", peak_rss_mb(lg.pids[k]),
		       lg.connected / lg.npids + (k < lg.connected % lg.npids),
		       lg.npids > 1 ? " (its share)" : "");
	for (int i = 0; i < lg.n; i++) {
		if (lg.conns[i].conn)
			conn_free(lg.conns[i].conn);
		identity_free(&lg.ids[i]);
	}
	json_decref(lg.body);
	free(lg.body_text);
	SSL_CTX_free(lg.tls);
	event_base_free(lg.base);
	free(lg.ids);
	free(lg.conns);
	free(lg.lat);
	return lg.connected == lg.n && s1 - s0 > 0 ? 0 : 1;
}
