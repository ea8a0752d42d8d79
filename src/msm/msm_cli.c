/*
 * msm_cli: the shared half of `vantage ping` and `vantage trace` (see
 * msm_cli.h). Targets are fed into the engine as earlier ones finish, at
 * most `window` at once, so memory stays flat for any list length.
 */
#include "msm/msm_cli.h"

#include <errno.h>
#include <event2/event.h>
#include <limits.h>
#include <signal.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/dlist.h"
#include "engine/engine.h"
#include "engine/rawsock.h"
#include "privsep/privsep.h"
#include "privsep/sandbox.h"
#include "util/numparse.h"

struct cli_run {
	const char *prog;
	const struct msm_type *type;
	const void *spec;
	const struct msm_cli_opts *o;
	struct event_base *base;
	struct engine *e;
	struct result_sink *sink;
	char **targets;
	int ntargets, next_arg;
	FILE *list;
	unsigned long line;
	char *buf;
	size_t bufcap;
	uint32_t running;
	struct dlink jobs;      /* running measurements (struct cli_job) */
	uint16_t next_id;
	uint32_t user_id;
	int src_fd4, src_fd6;   /* kept sockets for source address lookups */
	struct net_addr last_dst[2], last_src[2]; /* the last lookup per family */
	bool ready4, ready6, feeding;
	int signals;            /* SIGINT/SIGTERM seen: 1 = finish what runs, 2 = stop */
	struct event *sigint, *sigterm;
	int status;
};

/* One running measurement. */
struct cli_job {
	struct dlink link;
	struct cli_run *r;
	void *task;
};

/* Defaults. */
void msm_cli_defaults(struct msm_cli_opts *o)
{
	memset(o, 0, sizeof *o);
	o->pps = 1000;
	o->fmt = RESULT_FORMAT_JSON;
	o->window = 10000;
}

/* A shared option. */
int msm_cli_common(int c, const char *arg, struct msm_cli_opts *o,
		   char *err, size_t errlen)
{
	long long v;
	switch (c) {
	case '4':
	case '6':
		o->af = c - '0';
		return 1;
	case MSM_OPT_PPS:
		if (!parse_option_num("--pps", arg, 0, 10000000, &v, err, errlen))
			return -1;
		o->pps = (uint32_t)v;
		return 1;
	case 'f':
		o->file = arg;
		return 1;
	case MSM_OPT_STATS:
		o->stats = true;
		return 1;
	case MSM_OPT_SEND_PATH: {
		static const char *const names[] = { "auto", "raw", "packet" };
		for (uint8_t i = 0; i < 3; i++)
			if (strcmp(arg, names[i]) == 0) {
				o->send_path = i; /* the order of enum eng_send_path */
				return 1;
			}
		snprintf(err, errlen, "--send-path: '%s' is not auto, raw or packet", arg);
		return -1;
	}
	case 'o':
		o->out = arg;
		return 1;
	case MSM_OPT_USER:
		o->user = arg;
		return 1;
	case 'O':
		return result_format_parse(arg, &o->fmt, err, errlen) == 0 ? 1 : -1;
	default:
		return 0;
	}
}

/* Parse the command line: shared options here, the type's through type_opt. */
int msm_cli_parse(const char *prog, int argc, char **argv, const struct option *longopts,
		  msm_cli_opt_fn type_opt, void *ctx, void (*help)(FILE *),
		  struct msm_cli_opts *o)
{
	char err[256];
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "46f:O:o:h", longopts, NULL)) != -1) {
		if (c == MSM_OPT_HELP || c == 'h') {
			help(stdout);
			return 0;
		}
		if (c == '?' || c == ':') {
			fprintf(stderr, "%s: %s '%s' (try --help)\n", prog,
				optopt && strchr("fOo", optopt) ? "option needs a value:" :
				"unknown option", argv[optind - 1]);
			return 2;
		}
		int rc = msm_cli_common(c, optarg, o, err, sizeof err);
		if (rc == 0)
			rc = type_opt(c, optarg, ctx, err, sizeof err) == 0 ? 1 : -1;
		if (rc < 0) {
			fprintf(stderr, "%s: %s\n", prog, err);
			return 2;
		}
	}
	return -1;
}

/* Find a name in a table given by its accessor. */
int msm_cli_name_index(const char *(*name_of)(unsigned), unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (strcmp(name_of(i), name) == 0)
			return (int)i;
	return -1;
}

/* The shared help lines. */
void msm_cli_help_common(FILE *f)
{
	fprintf(f, "  -4, -6            only IPv4 / only IPv6 targets\n"
		   "  --pps N           probes per second over all targets (0 = as fast as possible; default 1000)\n"
		   "  -f FILE           read targets from FILE, one address a line ('-' = stdin)\n"
		   "  -O json|warts|text  output format (default json: RIPE Atlas results, one a line)\n"
		   "  -o FILE           write results to FILE (default stdout)\n"
		   "  --stats           print the engine's counters on stderr at the end\n"
		   "  --user NAME       started as root, measure as NAME (default " PRIVSEP_USER
		   ", else " PRIVSEP_USER_FALLBACK ")\n");
}

static void feed(struct cli_run *r);

/* A measurement finished: write it, free it, start more. */
static void done_cb(void *result, void *arg)
{
	struct cli_job *job = arg;
	struct cli_run *r = job->r;
	char err[256];
	dl_del(&job->link);
	free(job);
	if (r->type->sink_write(r->sink, result, err, sizeof err) != 0) {
		fprintf(stderr, "%s: writing a result: %s\n", r->prog, err);
		r->status = 1;
	}
	r->type->result_free(result);
	r->running--;
	feed(r);
}

/* Print the CAP_NET_RAW message. */
static void no_capability(const struct cli_run *r, const char *why)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
	path[n > 0 ? n : 0] = '\0';
	fprintf(stderr, "%s: %s; CAP_NET_RAW is needed: run as root, or grant it once with "
		"'setcap cap_net_raw+ep %s'\n", r->prog, why, n > 0 ? path : "PATH/TO/vantage");
}

/*
 * Give up root and every capability (the sockets are open), then restrict
 * the system calls; false, with the message printed, when either fails.
 */
static bool drop_privileges(const struct cli_run *r)
{
	struct privsep_opts po = { .user = r->o->user };
	struct privsep_state st;
	char err[256];
	if (privsep_drop(&po, &st, err, sizeof err) < 0 ||
	    sandbox_install(SANDBOX_PROBE, err, sizeof err) < 0) {
		fprintf(stderr, "%s: %s\n", r->prog, err);
		return false;
	}
	return true;
}

/*
 * Open the raw sockets of both families before any target is read, then
 * drop root and every capability and load the seccomp filter: the rest of
 * the run measures with the sockets it holds. A family the host cannot open
 * (no IPv6) is refused per target later. False, with the message printed,
 * when neither family opens.
 */
static bool open_then_drop(struct cli_run *r)
{
	char err4[256] = "", err6[256] = "";
	r->ready4 = engine_prepare(r->e, AF_INET, r->type->proto(r->spec, AF_INET),
				   err4, sizeof err4) == 0;
	r->ready6 = engine_prepare(r->e, AF_INET6, r->type->proto(r->spec, AF_INET6),
				   err6, sizeof err6) == 0;
	if (!r->ready4 && !r->ready6) {
		if (strstr(err4, "CAP_NET_RAW"))
			no_capability(r, err4);
		else
			fprintf(stderr, "%s: %s\n", r->prog, err4);
		r->status = 2;
		return false;
	}
	if (!drop_privileges(r)) {
		r->status = 2;
		return false;
	}
	return true;
}

/* Whether the sockets of a family are open. */
static bool ready(const struct cli_run *r, int family)
{
	return family == AF_INET ? r->ready4 : r->ready6;
}

/* Report a bad target: where it came from and why. */
static void bad_target(struct cli_run *r, const char *text, const char *why)
{
	if (r->line)
		fprintf(stderr, "%s: %s line %lu: '%s': %s\n", r->prog,
			strcmp(r->o->file, "-") == 0 ? "stdin" : r->o->file, r->line, text, why);
	else
		fprintf(stderr, "%s: target '%s': %s\n", r->prog, text, why);
	r->status = 1;
}

/*
 * Our source address towards dst. Looked up in the kernel once per /24
 * (IPv4) or /64 (IPv6): a list of 65,536 neighbours costs 256 lookups.
 */
static int source_for(struct cli_run *r, const struct net_addr *dst,
		      struct net_addr *src, char *err, size_t errlen)
{
	int f = dst->family == AF_INET6;
	size_t plen = f ? 8 : 3;
	struct net_addr *ld = &r->last_dst[f];
	if (ld->family == dst->family && memcmp(ld->a, dst->a, plen) == 0) {
		*src = r->last_src[f];
		return 0;
	}
	if (rawsock_source_with(&r->src_fd4, &r->src_fd6, dst, src, err, errlen) != 0)
		return -1;
	*ld = *dst;
	r->last_src[f] = *src;
	return 0;
}

/* Parse and start one target. */
static void start_one(struct cli_run *r, const char *text)
{
	struct msm_target t;
	char err[256];
	memset(&t, 0, sizeof t);
	if (!net_addr_parse(text, &t.dst, err, sizeof err)) {
		bad_target(r, text, "not an IPv4 or IPv6 address");
		return;
	}
	int want = r->o->af == 4 ? AF_INET : r->o->af == 6 ? AF_INET6 : 0;
	if (want && t.dst.family != want) {
		bad_target(r, text, want == AF_INET ? "not IPv4 (-4 given)" : "not IPv6 (-6 given)");
		return;
	}
	if (source_for(r, &t.dst, &t.src, err, sizeof err) != 0) {
		bad_target(r, text, err);
		return;
	}
	if (!ready(r, t.dst.family)) {
		bad_target(r, text, "no raw socket of this address family on this host");
		return;
	}
	r->next_id = (uint16_t)((r->next_id + 1) & 0x7fff);
	if (r->next_id == 0)
		r->next_id = 1;
	t.id = r->next_id;
	t.name = text;
	t.user_id = r->user_id++;
	struct cli_job *job = calloc(1, sizeof *job);
	if (job == NULL) {
		bad_target(r, text, "out of memory");
		return;
	}
	job->r = r;
	job->task = r->type->start(r->e, r->spec, &t, done_cb, job, err, sizeof err);
	if (job->task == NULL) {
		free(job);
		bad_target(r, text, err);
		return;
	}
	dl_push(&r->jobs, &job->link);
	r->running++;
}

/* The next target text (argv first, then the list), trimmed; NULL at the end. */
static char *next_target(struct cli_run *r)
{
	if (r->next_arg < r->ntargets) {
		r->line = 0;
		return r->targets[r->next_arg++];
	}
	while (r->list) {
		ssize_t n = getline(&r->buf, &r->bufcap, r->list);
		if (n < 0)
			return NULL;
		r->line++;
		char *s = r->buf, *hash = strchr(s, '#');
		if (hash)
			*hash = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		size_t len = strlen(s);
		while (len && (s[len - 1] == '\n' || s[len - 1] == '\r' ||
			       s[len - 1] == ' ' || s[len - 1] == '\t'))
			s[--len] = '\0';
		if (len)
			return s;
	}
	return NULL;
}

/* Start targets until the window is full; stop the loop when all are done. */
static void feed(struct cli_run *r)
{
	if (r->feeding)
		return;
	r->feeding = true;
	char *text;
	while (!r->signals && r->running < r->o->window &&
	       (text = next_target(r)) != NULL)
		start_one(r, text);
	r->feeding = false;
	bool no_more = r->signals || (r->next_arg >= r->ntargets &&
				    (r->list == NULL || feof(r->list)));
	if (r->running == 0 && no_more)
		event_base_loopbreak(r->base);
}

/*
 * SIGINT / SIGTERM (run from the event loop, not in signal context): the
 * first stops taking targets and lets the running ones finish and be
 * written; the second stops at once.
 */
static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct cli_run *r = arg;
	(void)what;
	if (r->signals++ == 0) {
		fprintf(stderr, "%s: %s: finishing the %u running measurements "
			"(again to stop now)\n", r->prog, sig == SIGINT ? "interrupted" : "terminated",
			r->running);
		feed(r);
	} else {
		while (!dl_empty(&r->jobs)) {
			struct cli_job *job = DL_ENTRY(r->jobs.next, struct cli_job, link);
			dl_del(&job->link);
			r->type->abort(job->task);
			free(job);
			r->running--;
		}
		r->status = 1;
		event_base_loopbreak(r->base);
	}
}

/* Open the list, the output, the event loop, the engine and the sink. */
static int setup(struct cli_run *r, FILE **out)
{
	char err[256];
	struct event_config *cfg = event_config_new();
	if (r->o->file) {
		r->list = strcmp(r->o->file, "-") == 0 ? stdin : fopen(r->o->file, "r");
		if (r->list == NULL) {
			fprintf(stderr, "%s: %s: %s\n", r->prog, r->o->file, strerror(errno));
			event_config_free(cfg);
			return -1;
		}
	}
	*out = r->o->out ? fopen(r->o->out, "w") : stdout;
	if (*out == NULL) {
		fprintf(stderr, "%s: %s: %s\n", r->prog, r->o->out, strerror(errno));
		event_config_free(cfg);
		return -1;
	}
	/* no EVENT_BASE_FLAG_PRECISE_TIMER: it costs a timerfd_settime a loop
	   turn, and the engine's turns are a millisecond long (pacer.h) */
	r->base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	if (r->base) {
		r->sigint = evsignal_new(r->base, SIGINT, on_signal, r);
		r->sigterm = evsignal_new(r->base, SIGTERM, on_signal, r);
		if (r->sigint)
			evsignal_add(r->sigint, NULL);
		if (r->sigterm)
			evsignal_add(r->sigterm, NULL);
	}
	struct engine_opts eo = { .pps = r->o->pps,
				  .send_path = (enum eng_send_path)r->o->send_path };
	r->e = r->base ? engine_new(r->base, &eo, err, sizeof err) : NULL;
	r->sink = r->e ? result_sink_open(r->o->fmt, *out, NULL, err, sizeof err) : NULL;
	if (r->sink == NULL) {
		fprintf(stderr, "%s: %s\n", r->prog, r->base ? err : "cannot create an event loop");
		return -1;
	}
	return 0;
}

/* Print the engine's counters (one line, stderr). */
static void print_stats(const struct cli_run *r)
{
	struct engine_stats st;
	engine_get_stats(r->e, &st);
	double span = (double)(st.last_send_ns - st.first_send_ns) / 1e9;
	double idle = (double)st.idle_ns / 1e9, ready = span - idle;
	fprintf(stderr, "%s: sent %llu in %.3f s (%.0f probes/s; %llu by packet socket, %llu by raw "
		"socket), refused %llu, send errors %llu, "
		"received %llu, matched %llu (%llu dup, %llu late), unmatched %llu, "
		"unparsable %llu, read at pump turns %llu, "
		"kernel tx stamps %llu (missed %llu), device tap stamps %llu (missed %llu), "
		"by sender thread %llu; no probe ready for %.3f s, %.0f probes/s while ready, "
		"%llu probes of budget lost to late wake-ups\n",
		r->prog,
		(unsigned long long)st.sent, span, span > 0 ? (double)(st.sent - 1) / span : 0.0,
		(unsigned long long)st.packet_sent, (unsigned long long)(st.sent - st.packet_sent),
		(unsigned long long)st.refused, (unsigned long long)st.send_errors,
		(unsigned long long)st.received, (unsigned long long)st.matched,
		(unsigned long long)st.dups, (unsigned long long)st.late,
		(unsigned long long)st.unmatched, (unsigned long long)st.parse_errors,
		(unsigned long long)st.read_at_turns,
		(unsigned long long)st.tx_ts, (unsigned long long)st.tx_ts_missing,
		(unsigned long long)st.tap_ts, (unsigned long long)st.tap_missed,
		(unsigned long long)st.thread_sent,
		idle, ready > 0 ? (double)(st.sent - 1) / ready : 0.0,
		(unsigned long long)st.late_lost);
}

/* Run everything. */
int msm_cli_run(const char *prog, const struct msm_type *type, const void *spec,
		const struct msm_cli_opts *o, char **targets, int ntargets)
{
	struct cli_run r = { .prog = prog, .type = type, .spec = spec, .o = o,
			     .targets = targets, .ntargets = ntargets,
			     .src_fd4 = -1, .src_fd6 = -1 };
	dl_init(&r.jobs);
	FILE *out = NULL;
	char err[256];
	if (ntargets == 0 && o->file == NULL) {
		fprintf(stderr, "%s: no target given (an address, or -f FILE)\n", prog);
		return 2;
	}
	int rc = setup(&r, &out);
	if (rc == 0 && !open_then_drop(&r))
		rc = 2;
	if (rc == 0) {
		feed(&r);
		if (r.running > 0)
			event_base_dispatch(r.base);
	}
	if (r.e && o->stats)
		print_stats(&r);
	if (r.sink && result_sink_close(r.sink, err, sizeof err) != 0) {
		fprintf(stderr, "%s: %s\n", prog, err);
		r.status = 1;
	}
	engine_free(r.e);
	if (r.sigint)
		event_free(r.sigint);
	if (r.sigterm)
		event_free(r.sigterm);
	if (r.base)
		event_base_free(r.base);
	if (r.list && r.list != stdin)
		fclose(r.list);
	if (out && out != stdout && fclose(out) != 0)
		r.status = 1;
	free(r.buf);
	if (r.src_fd4 >= 0)
		close(r.src_fd4);
	if (r.src_fd6 >= 0)
		close(r.src_fd6);
	return rc != 0 ? 2 : r.status;
}
