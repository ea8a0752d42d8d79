/*
 * sandbox: the system calls a measuring program may make once it runs (a
 * seccomp allow-list through libseccomp), installed after privsep_drop().
 * Anything else traps: a SIGSYS handler writes one line naming the call
 * ("vantage-agent: seccomp: forbidden system call ptrace (101); stopped")
 * with write(2) and ends the process with status 159 (128 + SIGSYS).
 *
 * Why SECCOMP_RET_TRAP and not RET_KILL_PROCESS: the kill is logged only by
 * the kernel's audit, which a container or a host without auditd does not
 * show the operator; the trap names the call in the program's own log. It
 * widens nothing: the forbidden call never runs, and a handler that code
 * running in the process replaced could do only what the filter allows.
 * Calls of another architecture's ABI (x32, i386) kill at once.
 *
 * Profiles: PROBE for `vantage ping|trace` and vantage-probe (sockets are
 * all open; files are only read), AGENT for vantage-agent (raw sockets
 * opened as measurements need them, its controller connection, its spool),
 * SCAN for `vantage scan` (PROBE's, and its checkpoint written through the
 * two descriptors it opened before: ftruncate, pwrite, fsync).
 * Sanitizer builds add what the ASan/LSan runtime needs (see sanitized.h).
 */
#ifndef VANTAGE_PRIVSEP_SANDBOX_H
#define VANTAGE_PRIVSEP_SANDBOX_H

#include <stddef.h>

enum sandbox_profile { SANDBOX_PROBE, SANDBOX_AGENT, SANDBOX_SCAN };

/* Exit status of a process stopped by a forbidden call. */
#define SANDBOX_EXIT_STATUS 159

/*
 * Install the SIGSYS handler and load the filter of profile p on every
 * thread of the process. 0, or -1 with the reason in err.
 */
int sandbox_install(enum sandbox_profile p, char *err, size_t errlen);

/* The trap's side (sandbox_trap.c): name the calls and install the handler. */
int sandbox_trap_install(char *err, size_t errlen);

#endif
