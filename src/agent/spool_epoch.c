/*
 * spool_epoch: the sequence epochs of a spool. A result is named (agent,
 * epoch, sequence); the epoch changes when the controller finds the agent
 * rewound (its disk restored from a snapshot, or copied to another machine
 * with the same key), so that results numbered again never collide with
 * those stored under the same numbers. The spool keeps, in DIR/epochs, lines
 * "FROM EPOCH": records from sequence FROM on belong to EPOCH (until the next
 * line). The file is replaced atomically (write, fsync, rename, fsync the
 * directory). A new spool starts with a random epoch; a spool from before
 * epochs, without the file, is epoch 0 throughout, as its results are in the
 * controller's store. DIR/objects (at the end) says from which sequence on
 * the records were appended by this code.
 */
#include "agent/spool_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* A random epoch: positive, below 2^62, never 0. */
static int64_t random_epoch(void)
{
	uint64_t v = 0;
	if (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v)
		v = (uint64_t)time(NULL) * 2654435761u ^ (uint64_t)getpid();
	v &= (1ull << 62) - 1;
	return v ? (int64_t)v : 1;
}

/* Append (from, epoch) to the list; returns 0 or -1. */
static int push(struct spool *sp, uint64_t from, int64_t epoch)
{
	struct spool_epoch *e = realloc(sp->epochs, (sp->nepochs + 1) * sizeof *e);
	if (!e)
		return -1;
	sp->epochs = e;
	e[sp->nepochs++] = (struct spool_epoch){ from, epoch };
	return 0;
}

/* Replace DIR/name with text atomically (write a temporary, fsync, rename,
   fsync the directory); returns 0 or -1 with err. A temporary that could not
   be written whole (the disk full) or renamed is removed, not left behind. */
static int replace_file(struct spool *sp, const char *name, const char *text, size_t len,
			char *err, size_t errlen)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	snprintf(path, sizeof path, "%s/%s", sp->dir, name);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	int fd = sp->sys.open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600, sp->sys.arg);
	int rc = fd < 0 ? -1 : 0;
	if (rc == 0 && sp->sys.write(fd, text, len, sp->sys.arg) != (ssize_t)len)
		rc = -1;
	if (rc == 0 && sp->sys.fsync(fd, sp->sys.arg) < 0)
		rc = -1;
	if (fd >= 0)
		close(fd);
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -1;
	int renamed = rc == 0;
	if (rc == 0 && spool_sync_dir(sp) < 0)
		rc = -1;
	if (rc < 0) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		if (fd >= 0 && !renamed)
			sp->sys.unlink(tmp, sp->sys.arg);
	}
	return rc;
}

/* Write the list to DIR/epochs atomically; returns 0 or -1 with err. */
static int save(struct spool *sp, char *err, size_t errlen)
{
	size_t cap = sp->nepochs * 48 + 1, n = 0;
	char *text = malloc(cap);
	if (!text) {
		snprintf(err, errlen, "%s: out of memory", sp->dir);
		return -1;
	}
	for (size_t i = 0; i < sp->nepochs; i++)
		n += (size_t)snprintf(text + n, cap - n, "%llu %lld\n",
				      (unsigned long long)sp->epochs[i].from,
				      (long long)sp->epochs[i].epoch);
	int rc = replace_file(sp, "epochs", text, n, err, errlen);
	free(text);
	return rc;
}

/* Read DIR/epochs into the list; 1 if read, 0 if there is none, -1 if bad. */
static int load(struct spool *sp, char *err, size_t errlen)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/epochs", sp->dir);
	FILE *f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -1;
	unsigned long long from;
	long long epoch;
	int rc = 1;
	while (rc == 1 && fscanf(f, "%llu %lld", &from, &epoch) == 2)
		if (epoch < 0 || (sp->nepochs && from <= sp->epochs[sp->nepochs - 1].from) ||
		    push(sp, from, epoch) < 0)
			rc = -1;
	if (rc == 1 && (!feof(f) || sp->nepochs == 0))
		rc = -1;
	fclose(f);
	if (rc < 0)
		snprintf(err, errlen, "%s: not a list of 'FROM EPOCH' lines", path);
	return rc;
}

/* See spool_int.h. */
int spool_epochs_open(struct spool *sp, int fresh, char *err, size_t errlen)
{
	int rc = load(sp, err, errlen);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (!fresh)
		return push(sp, 1, 0);   /* from before epochs: its results are epoch 0 */
	if (push(sp, 1, random_epoch()) < 0)
		return -1;
	return save(sp, err, errlen);
}

/* See spool.h. */
int64_t spool_epoch_of(const struct spool *sp, uint64_t seq)
{
	int64_t e = 0;
	for (size_t i = 0; i < sp->nepochs && sp->epochs[i].from <= seq; i++)
		e = sp->epochs[i].epoch;
	return e;
}

/* See spool.h. */
int spool_new_epoch(struct spool *sp, uint64_t from, int64_t *epoch, char *err, size_t errlen)
{
	while (sp->nepochs > 0 && sp->epochs[sp->nepochs - 1].from >= from)
		sp->nepochs--;
	/* Lines wholly below the acked mark are of no more use. */
	while (sp->nepochs > 1 && sp->epochs[1].from <= sp->acked + 1) {
		memmove(sp->epochs, sp->epochs + 1, (sp->nepochs - 1) * sizeof *sp->epochs);
		sp->nepochs--;
	}
	*epoch = random_epoch();
	if (push(sp, from, *epoch) < 0) {
		snprintf(err, errlen, "%s: out of memory", sp->dir);
		return -1;
	}
	return save(sp, err, errlen);
}

/*
 * DIR/objects holds "objects from N": every record from sequence N on was
 * appended by an agent with this code, so spool_is_object is true for it
 * and the upload sends it unparsed (issue 19). Records stay
 * "VSR1" on disk, so an older agent still reads them all (and parses them).
 * N is the next sequence when this code first opens the spool: 1 for a fresh
 * one; after the records an older version spooled, which are parsed. The file
 * is written once and kept; a missing or bad one is written again with the
 * next sequence (what is already spooled is then parsed), and if that fails no
 * record is vouched for. After a downgrade and an upgrade, records >= N may
 * have been appended by the older agent: as of main 98a859b its only appends
 * are agent_result's json_dumps(result, JSON_COMPACT) of an object, the same
 * texts this code vouches for, so they are as safe. Epochs (above) renumber
 * nothing and a spool's sequences never go back, so N stays right; a spool
 * emptied of its segments starts again at 1 and is not vouched up to the old
 * N, which costs the parse, not a result.
 */
void spool_objects_open(struct spool *sp)
{
	char path[PATH_MAX], text[64], err[PATH_MAX + 64];
	unsigned long long n = 0;
	int used = 0;
	snprintf(path, sizeof path, "%s/objects", sp->dir);
	sp->obj_from = UINT64_MAX;
	FILE *f = fopen(path, "re");
	if (f) {
		size_t got = fread(text, 1, sizeof text - 1, f);
		fclose(f);
		text[got] = 0;
		if (sscanf(text, "objects from %llu\n%n", &n, &used) == 1 && n >= 1 &&
		    (size_t)used == got && text[got - 1] == '\n') {
			sp->obj_from = n;
			return;
		}
	}
	uint64_t next = spool_next_seq(sp);
	int len = snprintf(text, sizeof text, "objects from %llu\n", (unsigned long long)next);
	if (replace_file(sp, "objects", text, (size_t)len, err, sizeof err) == 0)
		sp->obj_from = next;
}
