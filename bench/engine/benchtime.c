/*
 * benchtime: GNU time's wall, CPU and peak RSS of one command, for
 * bench/engine, in microseconds where GNU time prints CPU in 10 ms steps (a
 * twentieth of a trace run's figure at 100 probes/s). Nothing is attached
 * to the command: it forks, execs it and reads its rusage from wait4, so
 * the figures are the command's and its reaped children's alone (not this
 * program's start-up, not ip netns exec's). It prints one line on stderr,
 * after the command's own output:
 *
 *   BENCHTIME WALL_S USER_S SYSTEM_S MAXRSS_KB
 *
 * and exits with the command's status (128 + the signal if one ended it).
 *
 * usage: benchtime COMMAND [ARG...]
 */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Seconds of a timeval. */
static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	int status;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: benchtime COMMAND [ARG...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("benchtime: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		fprintf(stderr, "benchtime: %s: ", argv[1]);
		perror("exec");
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid) {
		perror("benchtime: wait4");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "BENCHTIME %.6f %.6f %.6f %ld\n",
		(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		tv_s(ru.ru_utime), tv_s(ru.ru_stime), ru.ru_maxrss);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
