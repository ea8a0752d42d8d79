/*
 * privsep_user: become the unprivileged user with at most CAP_NET_RAW (see
 * privsep.h).
 */
#include "privsep/privsep.h"
#include "privsep/sanitized.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

/* Find name in /etc/passwd (no NSS: the same in static programs); 0 or -1. */
static int passwd_find(const char *name, uid_t *uid, gid_t *gid)
{
	FILE *f = fopen("/etc/passwd", "re");
	struct passwd *pw;
	int rc = -1;
	if (!f)
		return -1;
	while (rc < 0 && (pw = fgetpwent(f)) != NULL)
		if (strcmp(pw->pw_name, name) == 0) {
			*uid = pw->pw_uid;
			*gid = pw->pw_gid;
			rc = 0;
		}
	fclose(f);
	return rc;
}

/* See privsep.h. */
int privsep_lookup(const char *name, uid_t *uid, gid_t *gid, char *found, size_t foundlen,
		   char *err, size_t errlen)
{
	const char *want = name && name[0] ? name : PRIVSEP_USER;
	if (passwd_find(want, uid, gid) < 0) {
		if (want == name) {
			snprintf(err, errlen, "user %s: not in /etc/passwd", name);
			return -1;
		}
		want = PRIVSEP_USER_FALLBACK;
		if (passwd_find(want, uid, gid) < 0) {
			snprintf(err, errlen, "neither user %s nor %s is in /etc/passwd",
				 PRIVSEP_USER, PRIVSEP_USER_FALLBACK);
			return -1;
		}
	}
	if (*uid == 0 || *gid == 0) {
		snprintf(err, errlen, "user %s has uid or gid 0: it would keep root", want);
		return -1;
	}
	snprintf(found, foundlen, "%s", want);
	return 0;
}

/* Empty the bounding set but CAP_NET_RAW when kept (needs CAP_SETPCAP: root). */
static int drop_bounding(bool keep_net_raw)
{
	for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if (!(keep_net_raw && cap == CAP_NET_RAW) &&
		    prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return -1;
	return 0;
}

/* Permitted and effective: CAP_NET_RAW if kept and held, else nothing. */
static int set_caps(bool keep_net_raw, bool *kept)
{
	cap_t now = cap_get_proc(), caps = cap_init();
	cap_flag_value_t have = CAP_CLEAR;
	cap_value_t raw[1] = { CAP_NET_RAW };
	int rc = -1;
	*kept = false;
	if (now && caps && cap_get_flag(now, CAP_NET_RAW, CAP_PERMITTED, &have) == 0) {
		*kept = keep_net_raw && have == CAP_SET;
		if ((!*kept || (cap_set_flag(caps, CAP_PERMITTED, 1, raw, CAP_SET) == 0 &&
				cap_set_flag(caps, CAP_EFFECTIVE, 1, raw, CAP_SET) == 0)) &&
		    cap_set_proc(caps) == 0)
			rc = 0;
	}
	cap_free(now);
	cap_free(caps);
	if (rc == 0 && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
	    errno != EINVAL)
		rc = -1;
	return rc;
}

/* Root: give own_dir to the user, then switch groups, gid and uid. */
static int switch_user(const struct privsep_opts *o, struct privsep_state *st, char *err,
		       size_t errlen)
{
	if (privsep_lookup(o->user, &st->uid, &st->gid, st->user, sizeof st->user, err,
			   errlen) < 0 ||
	    (o->own_dir && privsep_own_dir(o->own_dir, st->uid, st->gid, err, errlen) < 0))
		return -1;
	if ((o->keep_net_raw && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) ||
	    drop_bounding(o->keep_net_raw) < 0 || setgroups(1, &st->gid) < 0 ||
	    setresgid(st->gid, st->gid, st->gid) < 0 || setresuid(st->uid, st->uid, st->uid) < 0 ||
	    prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) {
		snprintf(err, errlen, "cannot become user %s: %s", st->user, strerror(errno));
		return -1;
	}
	st->switched = true;
	return 0;
}

/* Root must be out of reach now: every uid is the user's and setuid(0) fails. */
static int check_no_root(const struct privsep_state *st, char *err, size_t errlen)
{
	uid_t r, e, s;
	if (getresuid(&r, &e, &s) < 0 || r != st->uid || e != st->uid || s != st->uid ||
	    setuid(0) == 0) {
		snprintf(err, errlen, "root could still be regained after the switch to %s",
			 st->user);
		return -1;
	}
	return 0;
}

/* See privsep.h. */
int privsep_drop(const struct privsep_opts *o, struct privsep_state *st, char *err,
		 size_t errlen)
{
	memset(st, 0, sizeof *st);
	st->uid = getuid();
	st->gid = getgid();
	if (geteuid() == 0 && switch_user(o, st, err, errlen) < 0)
		return -1;
	if (set_caps(o->keep_net_raw, &st->net_raw) < 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(err, errlen, "cannot drop capabilities: %s", strerror(errno));
		return -1;
	}
	if (st->switched && check_no_root(st, err, errlen) < 0)
		return -1;
	if (st->switched && o->own_dir && access(o->own_dir, R_OK | W_OK | X_OK) < 0) {
		snprintf(err, errlen, "%s: out of reach of user %s (%s): each directory above it "
			 "must let the user pass", o->own_dir, st->user, strerror(errno));
		return -1;
	}
	/* a changed uid makes the process undumpable; LeakSanitizer's ptrace
	   then fails at exit, so sanitizer builds (tests only) stay dumpable */
	if (PRIVSEP_SANITIZED && st->switched)
		(void)prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	return 0;
}

/* See privsep.h. */
void privsep_describe(const struct privsep_state *st, char *out, size_t outlen)
{
	const char *caps = st->net_raw ? "CAP_NET_RAW only" : "no capability";
	if (st->switched)
		snprintf(out, outlen, "running as user %s (uid %u, gid %u), %s", st->user,
			 (unsigned)st->uid, (unsigned)st->gid, caps);
	else
		snprintf(out, outlen, "running as uid %u (not started as root), %s",
			 (unsigned)st->uid, caps);
}
