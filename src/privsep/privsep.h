/*
 * privsep: the measuring programs give up root the way OpenBSD's ping and
 * scamper do. They open what needs privilege first (raw and packet sockets,
 * the tap ring, their key and files), then privsep_drop() makes them an
 * unprivileged user of their own with at most CAP_NET_RAW (or nothing, when
 * the sockets they hold are all they need) and no way back (an emptied
 * bounding set, no_new_privs); seccomp_filter.h then restricts the system
 * calls. Capabilities are per thread: call it before any thread starts.
 */
#ifndef VANTAGE_PRIVSEP_PRIVSEP_H
#define VANTAGE_PRIVSEP_PRIVSEP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The user a program started as root becomes when none is named. */
#define PRIVSEP_USER "vantage"
/* ... and the one it falls back to when that user does not exist. */
#define PRIVSEP_USER_FALLBACK "nobody"

struct privsep_opts {
	const char *user;     /* NULL or "": PRIVSEP_USER if it exists, else the fallback */
	bool keep_net_raw;    /* keep CAP_NET_RAW (else no capability at all) */
	const char *own_dir;  /* started as root: give this directory and the entries
				 in it to the user first (NULL: none) */
};

/* What privsep_drop did, for the program's log line. */
struct privsep_state {
	char user[64];        /* the user now running ("" when not started as root) */
	uid_t uid;
	gid_t gid;
	bool switched;        /* started as root, now that user */
	bool net_raw;         /* CAP_NET_RAW kept */
};

/*
 * Started as root: look up the user (in /etc/passwd, which works the same in
 * the static vantage-probe), give it own_dir, drop every capability from the
 * bounding set but CAP_NET_RAW when kept, switch groups, gid and uid, keep
 * CAP_NET_RAW or nothing, set no_new_privs, and check that root cannot be
 * regained. Started as another user (a file capability): keep CAP_NET_RAW or
 * nothing and set no_new_privs. Returns 0, or -1 with the reason in err.
 */
int privsep_drop(const struct privsep_opts *o, struct privsep_state *st, char *err,
		 size_t errlen);

/*
 * Look up name (NULL or "": the default user, as above) in /etc/passwd;
 * fills *uid, *gid and the name found. 0, or -1 with err (unknown user, or
 * uid 0, which is never a user to drop to).
 */
int privsep_lookup(const char *name, uid_t *uid, gid_t *gid, char *found, size_t foundlen,
		   char *err, size_t errlen);

/*
 * Give directory dir and every entry directly in it (not following links)
 * to uid:gid. 0, or -1 with err naming the path.
 */
int privsep_own_dir(const char *dir, uid_t uid, gid_t gid, char *err, size_t errlen);

/* One line saying who the process runs as: "user vantage (uid 999), CAP_NET_RAW only". */
void privsep_describe(const struct privsep_state *st, char *out, size_t outlen);

#endif
