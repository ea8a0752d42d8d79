/*
 * sanitized: PRIVSEP_SANITIZED is 1 in AddressSanitizer builds (gcc or
 * clang). Their runtime needs what a release build never does: at exit,
 * LeakSanitizer stops the world by ptrace from a helper task, which a
 * process that changed its uid allows only when it is dumpable, and which
 * needs system calls (ptrace, wait4, prctl, clone of a task) the filter
 * otherwise forbids.
 */
#ifndef VANTAGE_PRIVSEP_SANITIZED_H
#define VANTAGE_PRIVSEP_SANITIZED_H

#if defined(__SANITIZE_ADDRESS__)
#define PRIVSEP_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PRIVSEP_SANITIZED 1
#endif
#endif
#ifndef PRIVSEP_SANITIZED
#define PRIVSEP_SANITIZED 0
#endif

#endif
