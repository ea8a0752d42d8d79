#!/usr/bin/python3
"""seccomp_profile: the OCI seccomp profile (podman --security-opt
seccomp=FILE) that allows exactly the system calls the agent's systemd unit
allows, so the container and the packaged service run under the same
filter. It reads the unit's SystemCallFilter= lines and expands their
@groups with this machine's `systemd-analyze syscall-filter` (the same
tables systemd would use), with systemd's rules: the first line without '~'
starts an allow-list that always holds @default, later lines add to it,
lines with '~' take away; SystemCallErrorNumber= is the errno of the rest.

usage: seccomp_profile.py UNIT > profile.json"""
import json
import platform
import subprocess
import sys


NATIVE = {"x86_64": "SCMP_ARCH_X86_64", "aarch64": "SCMP_ARCH_AARCH64",
          "ppc64le": "SCMP_ARCH_PPC64LE", "s390x": "SCMP_ARCH_S390X"}


def groups():
    """{"@name": [members]} from systemd-analyze (members may be @groups)."""
    out = subprocess.run(["systemd-analyze", "syscall-filter"], capture_output=True, text=True,
                         check=True).stdout
    table, cur = {}, None
    for line in out.splitlines():
        if line.startswith("@"):
            cur = table.setdefault(line.strip(), [])
        elif cur is not None and line.strip() and not line.strip().startswith("#"):
            cur.append(line.strip())
    return table


def expand(names, table, seen=None):
    """The system calls of names (calls and @groups), groups expanded."""
    seen = set() if seen is None else seen
    calls = set()
    for n in names:
        if n.startswith("@"):
            if n not in table:
                sys.exit("seccomp_profile: unknown group %s" % n)
            if n not in seen:
                seen.add(n)
                calls |= expand(table[n], table, seen)
        else:
            calls.add(n)
    return calls


def unit_filter(path):
    """(allowed calls, errno name) of the unit's SystemCallFilter= lines."""
    table = groups()
    allowed, errno = None, "EPERM"
    for line in open(path):
        key, _, value = line.strip().partition("=")
        if key == "SystemCallErrorNumber":
            errno = value.strip()
        if key != "SystemCallFilter" or not value.strip():
            continue
        deny = value.startswith("~")
        calls = expand(value.lstrip("~").split(), table)
        if allowed is None:
            if deny:
                sys.exit("seccomp_profile: a deny-list unit is not supported")
            allowed = expand(["@default"], table)
        allowed = allowed - calls if deny else allowed | calls
    if allowed is None:
        sys.exit("seccomp_profile: %s has no SystemCallFilter=" % path)
    return allowed, errno


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[-1])
    allowed, errno = unit_filter(sys.argv[1])
    import errno as E
    profile = {
        "defaultAction": "SCMP_ACT_ERRNO",
        "defaultErrnoRet": getattr(E, errno),
        # SystemCallArchitectures=native: this machine's architecture only
        "architectures": [NATIVE[platform.machine()]],
        "syscalls": [{"names": sorted(allowed), "action": "SCMP_ACT_ALLOW"}],
    }
    json.dump(profile, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
