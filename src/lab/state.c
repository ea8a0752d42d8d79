/*
 * state: a lab's folder under /run/vantage-lab/NAME/. It holds
 *   topology.conf  the topology text the lab was built from
 *   source         the path of the original topology file
 *   links          one line per link: "INDEX CUT DELAY_MS LOSS_PCT"
 *   keeper, owner  "PID STARTTIME" of the keeper and of the owner process
 * Everything read back is parsed with the same bounded parsers as any input.
 */
#include "lab/lab.h"
#include "util/readfile.h"
#include "util/numparse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOPO_MAX (256 * 1024)

/* Check a lab name ([a-z][a-z0-9]*, at most 8). Returns 0 or -1 with err. */
int lab_name_check(const char *name, char *err, size_t errlen)
{
	size_t n = strlen(name);
	bool ok = n > 0 && n <= LAB_LABNAME_MAX && name[0] >= 'a' && name[0] <= 'z';

	for (size_t i = 0; ok && i < n; i++)
		ok = (name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9');
	if (ok)
		return 0;
	snprintf(err, errlen, "lab name '%s' must be a-z then a-z0-9, at most %d", name,
		 LAB_LABNAME_MAX);
	return -1;
}

/* Set lab's name and state folder. Returns 0 or -1 with err. */
int lab_init(struct lab *lab, const char *name, char *err, size_t errlen)
{
	memset(lab, 0, sizeof *lab);
	if (lab_name_check(name, err, errlen) < 0)
		return -1;
	strcpy(lab->name, name);
	snprintf(lab->dir, sizeof lab->dir, "%s/%s", LAB_STATE_ROOT, name);
	return 0;
}

/* Write the namespace name of node n into buf. */
void lab_ns(const struct lab *lab, int n, char *buf, size_t len)
{
	snprintf(buf, len, "%s-%s", lab->name, lab->topo.nodes[n].name);
}

/* Parse one "INDEX CUT DELAY LOSS" line into lab. Returns false if bad. */
static bool parse_link_line(struct lab *lab, char *line)
{
	char *w[4], *save = NULL, e[64];
	long long v[4];
	int n = 0;

	for (char *t = strtok_r(line, " ", &save); t && n < 4; t = strtok_r(NULL, " ", &save))
		w[n++] = t;
	if (n != 4 || !parse_bounded(w[0], 0, lab->topo.n_links - 1, &v[0], e, sizeof e) ||
	    !parse_bounded(w[1], 0, 1, &v[1], e, sizeof e) ||
	    !parse_bounded(w[2], 0, 10000, &v[2], e, sizeof e) ||
	    !parse_bounded(w[3], 0, 100, &v[3], e, sizeof e))
		return false;
	lab->cut[v[0]] = v[1];
	lab->delay_ms[v[0]] = v[2];
	lab->loss_pct[v[0]] = v[3];
	return true;
}

/* Read the links file into lab. Returns 0 or -1 with err. */
static int load_links(struct lab *lab, char *err, size_t errlen)
{
	char path[200], *buf = malloc(64 * LAB_MAX_LINKS), *save = NULL;

	snprintf(path, sizeof path, "%s/links", lab->dir);
	if (!buf || read_small_file(path, buf, 64 * LAB_MAX_LINKS) < 0) {
		free(buf);
		snprintf(err, errlen, "lab '%s': cannot read %s", lab->name, path);
		return -1;
	}
	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (!parse_link_line(lab, l)) {
			free(buf);
			snprintf(err, errlen, "lab '%s': bad line in %s", lab->name, path);
			return -1;
		}
	free(buf);
	return 0;
}

/* Load a running lab's state. Returns 0 or -1 with err. */
int lab_load(struct lab *lab, const char *name, char *err, size_t errlen)
{
	char path[200], *text;
	long n;
	int rc;

	if (lab_init(lab, name, err, errlen) < 0)
		return -1;
	snprintf(path, sizeof path, "%s/source", lab->dir);
	read_small_file(path, lab->file, sizeof lab->file);
	snprintf(path, sizeof path, "%s/topology.conf", lab->dir);
	if (!(text = malloc(TOPO_MAX)))
		return -1;
	if ((n = read_small_file(path, text, TOPO_MAX)) < 0) {
		free(text);
		snprintf(err, errlen, "lab '%s' is not up (no %s)", name, path);
		return -1;
	}
	rc = lab_topo_parse(text, (size_t)n, lab->file[0] ? lab->file : path, &lab->topo, err, errlen);
	free(text);
	if (rc < 0)
		return -1;
	return load_links(lab, err, errlen);
}

/* Save the cut links and emulator settings. Returns 0 or -1 with err. */
int lab_save_links(const struct lab *lab, char *err, size_t errlen)
{
	char path[200], tmp[210], *buf = malloc(64 * LAB_MAX_LINKS);
	size_t used = 0;

	if (!buf)
		return -1;
	for (int i = 0; i < lab->topo.n_links; i++)
		used += (size_t)snprintf(buf + used, 64, "%d %d %lld %lld\n", i, lab->cut[i] ? 1 : 0,
					 lab->delay_ms[i], lab->loss_pct[i]);
	snprintf(path, sizeof path, "%s/links", lab->dir);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if (lab_write_file(tmp, buf, used) < 0 || rename(tmp, path) < 0) {
		free(buf);
		snprintf(err, errlen, "lab '%s': cannot write %s", lab->name, path);
		return -1;
	}
	free(buf);
	return 0;
}

/* Record process p as `what`. Returns 0 or -1. */
int lab_save_proc(const struct lab *lab, const char *what, const struct lab_proc *p)
{
	char path[200], buf[64];
	int n = snprintf(buf, sizeof buf, "%d %llu\n", (int)p->pid, p->start);

	snprintf(path, sizeof path, "%s/%s", lab->dir, what);
	return lab_write_file(path, buf, (size_t)n);
}

/* Read the process recorded as `what`; false when none is recorded. */
bool lab_load_proc(const struct lab *lab, const char *what, struct lab_proc *p)
{
	char path[200], buf[64], e[64], *sp;
	long long pid;

	snprintf(path, sizeof path, "%s/%s", lab->dir, what);
	if (read_small_file(path, buf, sizeof buf) <= 0 || !(sp = strchr(buf, ' ')))
		return false;
	*sp = '\0';
	if (!parse_bounded(buf, 1, 4194304, &pid, e, sizeof e))
		return false;
	p->pid = (pid_t)pid;
	p->start = strtoull(sp + 1, NULL, 10);
	return true;
}
