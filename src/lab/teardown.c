/*
 * teardown: take a lab down, also one whose owner or keeper died. The lab's
 * namespaces are found by name ("NAME-NODE", node names have no '-'), so a
 * lab is removed even when its state is incomplete, and no other lab's
 * namespace ever matches.
 */
#include "lab/lab.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Stop the keeper of lab (unless it is this process); waits up to 2 s. */
static void stop_keeper(const struct lab *lab)
{
	struct lab_proc k;
	struct timespec step = { 0, 20 * 1000 * 1000 };

	if (!lab_load_proc(lab, "keeper", &k) || k.pid == getpid() || !lab_proc_alive(&k))
		return;
	kill(k.pid, SIGTERM);
	for (int i = 0; i < 100 && lab_proc_alive(&k); i++)
		nanosleep(&step, NULL);
	if (lab_proc_alive(&k))
		kill(k.pid, SIGKILL);
}

/* True when namespace name ns belongs to lab `name`. */
static bool ns_of_lab(const char *ns, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(ns, name, n) != 0 || ns[n] != '-' || ns[n + 1] == '\0')
		return false;
	for (const char *p = ns + n + 1; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			return false;
	return true;
}

/* Delete every namespace of lab `name`. Returns 0 or -1 with err. */
static int delete_namespaces(const char *name, char *err, size_t errlen)
{
	DIR *d = opendir("/run/netns");
	struct dirent *e;
	int rc = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (ns_of_lab(e->d_name, name) &&
		    lab_run((char *[]){ "ip", "netns", "del", e->d_name, NULL }, false, err, errlen) < 0)
			rc = -1;
	closedir(d);
	return rc;
}

/* Remove the state folder of lab (its files are flat). */
static void remove_state(const struct lab *lab)
{
	DIR *d = opendir(lab->dir);
	struct dirent *e;
	char path[400];

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", lab->dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(lab->dir);
}

/* Tear down lab `name` (see lab.h). */
int lab_down(const char *name, char *err, size_t errlen)
{
	struct lab *lab = calloc(1, sizeof *lab);
	int rc;

	if (!lab || lab_init(lab, name, err, errlen) < 0) {
		free(lab);
		return -1;
	}
	stop_keeper(lab);
	rc = delete_namespaces(name, err, errlen);
	remove_state(lab);
	free(lab);
	return rc;
}

/*
 * True when the lab's keeper, or its owner if it has one, is gone. A folder
 * without a keeper record yet is being built by `up` unless it is old.
 */
static bool is_stale(const struct lab *lab)
{
	struct lab_proc p;
	struct stat st;

	if (!lab_load_proc(lab, "keeper", &p))
		return stat(lab->dir, &st) < 0 || time(NULL) - st.st_mtime > 60;
	if (!lab_proc_alive(&p))
		return true;
	return lab_load_proc(lab, "owner", &p) && !lab_proc_alive(&p);
}

/* Tear down every lab whose owner or keeper is gone (see lab.h). */
int lab_down_stale(char *err, size_t errlen)
{
	DIR *d = opendir(LAB_STATE_ROOT);
	struct dirent *e;
	struct lab *lab = calloc(1, sizeof *lab);
	int count = 0;
	char why[128];

	if (!d || !lab) {
		if (d)
			closedir(d);
		free(lab);
		return 0;
	}
	while ((e = readdir(d))) {
		if (lab_init(lab, e->d_name, why, sizeof why) < 0 || !is_stale(lab))
			continue;
		if (lab_down(e->d_name, err, errlen) < 0)
			count = -1;
		else if (count >= 0)
			count++;
	}
	closedir(d);
	free(lab);
	return count;
}
