/*
 * enrol: `vantage-agent --enrol` (see enrol.h). The order matters: nothing
 * is written before the arguments parse as a configuration and the host
 * passes its check, and the configuration appears at once (written aside,
 * fsync'd, renamed), so a failed enrolment leaves the host as it was or
 * enrolled, never half.
 */
#include "agent/enrol.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/config.h"
#include "host/cmd_check_host.h"
#include "privsep/privsep.h"
#include "proto/identity.h"

/* See enrol.h. */
int enrol_config_text(const struct enrol_opts *o, char *buf, size_t len)
{
	int n = snprintf(buf, len,
			 "# vantage-agent configuration, written by vantage-agent --enrol\n"
			 "# (keys: src/agent/config.h; the site's policy: methods, pps,\n"
			 "# allow, forbid, noprobe).\n"
			 "controller %s\n"
			 "controller_fingerprint %s\n"
			 "role %s\n"
			 "%s%s%s"
			 "# key /var/lib/vantage-agent/agent.key\n"
			 "# spool /var/lib/vantage-agent/spool\n",
			 o->controller, o->fingerprint, o->role, o->user ? "user " : "",
			 o->user ? o->user : "", o->user ? "\n" : "");
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Write text to path through path.new, fsync'd, then renamed; 0 or -1 with err. */
static int write_atomic(const char *path, const char *text, char *err, size_t errlen)
{
	char tmp[CONFIG_PATH_MAX + 8];
	snprintf(tmp, sizeof tmp, "%s.new", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t len = strlen(text);
	int ok = fd >= 0 && write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
	if (fd >= 0 && close(fd) < 0)
		ok = 0;
	if (!ok || rename(tmp, path) < 0) {
		snprintf(err, errlen, "%s: cannot write it: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Run the host check of the role; 0 unless it found a failure. */
static int check_host(const char *role)
{
	char *argv[] = { "check-host", "--role", (char *)role, NULL };
	printf("vantage-agent: checking this host for the role %s\n", role);
	fflush(stdout);
	int rc = cmd_check_host(3, argv);
	fflush(stdout);
	if (rc >= 2) {
		fprintf(stderr, "vantage-agent: this host fails the check of a %s (above); "
			"fix it, or give --no-check-host to enrol it anyway\n", role);
		return -1;
	}
	return 0;
}

/*
 * Create the key (its directory too, mode 0700) and, started as root, give
 * both to the user the agent runs as. Prints the fingerprint. 0 or -1.
 */
static int make_key(const char *key_path, const char *user, char *err, size_t errlen)
{
	char dir[CONFIG_PATH_MAX];
	snprintf(dir, sizeof dir, "%s", key_path);
	int made_dir = mkdir(dirname(dir), 0700) == 0;
	struct identity id;
	int created;
	if (identity_load(&id, key_path, NULL, "vantage-agent", &created, err, errlen) < 0)
		return -1;
	printf("vantage-agent: %s key %s, fingerprint\n%s\n", created ? "created" : "kept",
	       key_path, id.fp);
	identity_free(&id);
	if (geteuid() != 0)
		return 0;
	uid_t uid;
	gid_t gid;
	char found[64];
	if (privsep_lookup(user, &uid, &gid, found, sizeof found, err, errlen) < 0)
		return -1;
	if (chown(key_path, uid, gid) < 0 || (made_dir && chown(dir, uid, gid) < 0)) {
		snprintf(err, errlen, "%.400s: cannot give it to %s: %s", key_path, found,
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* See enrol.h. */
int agent_enrol(const struct enrol_opts *o)
{
	char text[1024], err[512];
	struct agent_config cfg;
	if (enrol_config_text(o, text, sizeof text) < 0 ||
	    config_parse(&cfg, text, strlen(text), "--enrol", err, sizeof err) < 0) {
		fprintf(stderr, "vantage-agent: %s\n", enrol_config_text(o, text, sizeof text) < 0
			? "--enrol: arguments too long" : err);
		return 2;
	}
	if (access(o->config_path, F_OK) == 0) {
		fprintf(stderr, "vantage-agent: %s exists: this agent is enrolled already "
			"(remove the file to enrol it again; its key stays)\n", o->config_path);
		return 2;
	}
	if (o->check_host && check_host(cfg.role) < 0)
		return 2;
	if (make_key(cfg.key_path, o->user, err, sizeof err) < 0 ||
	    write_atomic(o->config_path, text, err, sizeof err) < 0) {
		fprintf(stderr, "vantage-agent: %s\n", err);
		return 1;
	}
	printf("vantage-agent: wrote %s; give the fingerprint above to the operator "
	       "(vantage agents add FINGERPRINT), then start the agent\n", o->config_path);
	return 0;
}
