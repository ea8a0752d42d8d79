/*
 * sandbox: the allow-lists (see sandbox.h). A list is a table of system
 * call names, resolved for the running architecture (a name it does not
 * have is skipped), plus a few rules on arguments: sockets only of the
 * families measuring uses, ioctl only the requests libc and the timing
 * probe make, signals only to this process, threads but no new processes,
 * no executable memory, and for the probe and scan profiles files opened
 * only for reading.
 */
/* libseccomp's SCMP_A0()..SCMP_A5() with one value leave datum_b out, which
   clang's -Wextra reports (gcc does not for compound literals). */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include "privsep/sandbox.h"
#include "privsep/sanitized.h"

#include <errno.h>
#include <sys/prctl.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

/* What every measuring loop does: memory, descriptors it holds, the event
   loop, clocks and timers, signals, threads' housekeeping, socket I/O. */
static const char *const base_calls[] = {
	"read", "write", "readv", "writev", "pread64", "lseek", "close", "fcntl",
	"dup", "dup2", "dup3", "fstat", "newfstatat", "statx",
	"brk", "munmap", "mremap", "madvise",
	"epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait", "epoll_pwait2",
	"poll", "ppoll", "select", "pselect6", "eventfd2", "pipe2", "timerfd_create",
	"timerfd_settime", "timerfd_gettime",
	"clock_gettime", "clock_getres", "gettimeofday", "time", "nanosleep",
	"clock_nanosleep",
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "restart_syscall",
	"exit", "exit_group", "getpid", "gettid", "getuid", "geteuid", "getgid", "getegid",
	"getresuid", "getresgid",
	"futex", "set_robust_list", "rseq", "sched_yield", "sched_getaffinity", "getrandom",
	"uname", "prlimit64", "getrusage", "sysinfo",
	"connect", "bind", "getsockname", "getpeername", "getsockopt", "setsockopt",
	"sendto", "recvfrom", "sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "shutdown",
};

/* The agent's own: its spool and schedule files, the kernel's clock state
   for timing telemetry (read only: setting needs CAP_SYS_TIME). */
static const char *const agent_calls[] = {
	"openat", "unlink", "unlinkat", "rename", "renameat", "renameat2", "fsync",
	"fdatasync", "ftruncate", "mkdir", "mkdirat", "getdents64", "access", "faccessat",
	"faccessat2", "adjtimex", "clock_adjtime",
};

/* The scan's checkpoint slots, rewritten in place through held descriptors. */
static const char *const scan_calls[] = { "ftruncate", "pwrite64", "fsync", "fdatasync" };

/* The sanitizers' runtime (tests only): LeakSanitizer's stop-the-world at
   exit runs a task that ptraces the threads; reports read /proc/self. */
static const char *const sanitizer_calls[] = {
	"ptrace", "wait4", "waitid", "prctl", "clone", "open", "openat", "readlink", "readlinkat",
	"getdents",
	"getdents64", "getppid", "mprotect", "mmap", "kill", "tgkill", "process_vm_readv",
};

/* Allow every call of names[n]; 0 or -1. */
static int allow_all(scmp_filter_ctx ctx, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int nr = seccomp_syscall_resolve_name(names[i]);
		if (nr != __NR_SCMP_ERROR && seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) < 0)
			return -1;
	}
	return 0;
}

/* socket(): inet and inet6 (datagram only for the probe), netlink for the
   routing tables, packet sockets for the agent's tap (it keeps CAP_NET_RAW). */
static int allow_sockets(scmp_filter_ctx ctx, enum sandbox_profile p)
{
	int rc = 0;
	if (p == SANDBOX_AGENT) {
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
				       SCMP_A0(SCMP_CMP_EQ, AF_INET));
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
				       SCMP_A0(SCMP_CMP_EQ, AF_INET6));
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
				       SCMP_A0(SCMP_CMP_EQ, AF_PACKET));
	} else {
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2,
				       SCMP_A0(SCMP_CMP_EQ, AF_INET),
				       SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_DGRAM));
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2,
				       SCMP_A0(SCMP_CMP_EQ, AF_INET6),
				       SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_DGRAM));
	}
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
			       SCMP_A0(SCMP_CMP_EQ, AF_NETLINK));
	return rc;
}

/* ioctl(): isatty (stdio), bytes waiting, non-blocking, the driver's
   timestamping capabilities. */
static int allow_ioctls(scmp_filter_ctx ctx)
{
	static const unsigned long req[] = { TCGETS, FIONREAD, FIONBIO, SIOCETHTOOL };
	for (size_t i = 0; i < sizeof req / sizeof req[0]; i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				     SCMP_A1(SCMP_CMP_EQ, req[i])) < 0)
			return -1;
	return 0;
}

/*
 * Threads but no processes (clone with CLONE_THREAD; clone3, whose flags a
 * filter cannot see, answers ENOSYS so libc falls back to clone), signals
 * only to this process (raise, abort), memory never executable, and for the
 * probe files opened only for reading.
 */
static int allow_guarded(scmp_filter_ctx ctx, enum sandbox_profile p)
{
	int rc = 0;
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
			       SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
			       SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()));
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
			       SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
			       SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	/* the agent's timing-quality sampler (host/timing.c) reads its timer
	   slack; sanitizer builds allow every prctl already */
	if (p == SANDBOX_AGENT && !PRIVSEP_SANITIZED)
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
				       SCMP_A0(SCMP_CMP_EQ, PR_GET_TIMERSLACK));
	if (p != SANDBOX_AGENT)
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
				       SCMP_A2(SCMP_CMP_MASKED_EQ,
					       O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND, O_RDONLY));
	return rc;
}

/* Build profile p's filter in ctx; 0 or -1. */
static int build(scmp_filter_ctx ctx, enum sandbox_profile p)
{
	if (allow_all(ctx, base_calls, sizeof base_calls / sizeof base_calls[0]) < 0 ||
	    (p == SANDBOX_AGENT &&
	     allow_all(ctx, agent_calls, sizeof agent_calls / sizeof agent_calls[0]) < 0) ||
	    (p == SANDBOX_SCAN &&
	     allow_all(ctx, scan_calls, sizeof scan_calls / sizeof scan_calls[0]) < 0) ||
	    (PRIVSEP_SANITIZED &&
	     allow_all(ctx, sanitizer_calls, sizeof sanitizer_calls / sizeof sanitizer_calls[0]) < 0))
		return -1;
	return allow_sockets(ctx, p) | allow_ioctls(ctx) | allow_guarded(ctx, p) ? -1 : 0;
}

/* See sandbox.h. */
int sandbox_install(enum sandbox_profile p, char *err, size_t errlen)
{
	if (sandbox_trap_install(err, errlen) < 0)
		return -1;
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
	int rc = -1;
	if (!ctx) {
		snprintf(err, errlen, "seccomp: cannot start a filter");
		return -1;
	}
	/* a binary tree over the call numbers: a few comparisons a call, not ~100 */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1) < 0 ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0 || build(ctx, p) < 0)
		snprintf(err, errlen, "seccomp: cannot build the filter");
	else if ((rc = seccomp_load(ctx)) < 0)
		snprintf(err, errlen, "seccomp: cannot load the filter: %s", strerror(-rc));
	seccomp_release(ctx);
	return rc < 0 ? -1 : 0;
}
