/*
 * noinet6: run a program as if the kernel had no IPv6 (booted with
 * ipv6.disable=1): a seccomp filter makes every socket(AF_INET6, ...) fail
 * with EAFNOSUPPORT, which is what such a kernel answers; then it execs
 * argv[1..]. Test-only (tests/lab/test_ctrl_noipv6.py), never installed.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: noinet6 PROGRAM [ARG...]\n");
		return 2;
	}
	scmp_filter_ctx f = seccomp_init(SCMP_ACT_ALLOW);
	if (!f || seccomp_rule_add(f, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 1,
				   SCMP_A0(SCMP_CMP_EQ, AF_INET6)) < 0 ||
	    seccomp_load(f) < 0) {
		fprintf(stderr, "noinet6: cannot install the seccomp filter\n");
		return 1;
	}
	seccomp_release(f);
	execvp(argv[1], argv + 1);
	fprintf(stderr, "noinet6: %s: cannot run it\n", argv[1]);
	return 127;
}
