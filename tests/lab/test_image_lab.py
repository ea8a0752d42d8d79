"""The agent's OCI image (issue 17), built from its Debian package by
`./run image` (etc/oci/build-image.sh). Building it takes the package build
(about ten minutes on this 2-core machine), so ./run test does not build it:
test_container_registers_and_uploads runs the image when this machine has
one and is skipped otherwise, saying so. The container runs in a lab host's
network namespace as the image's user vantage, with CAP_NET_RAW alone, no
new privileges, a read-only root and the seccomp profile the image carries
(the systemd unit's filter); it registers, measures and uploads like the
packaged agent. The quick checks of the seccomp profile always run: it is
made from the unit's SystemCallFilter and allows and refuses what the unit
does."""
import json
import os
import resource
import shutil
import subprocess
import sys

import pytest

from agents_lab import AgentsLab
from platform_lab import ROOT, reachable_tempdir, wait_for

UNIT = ROOT / "debian" / "vantage-agent.service"
PROFILE = ROOT / "etc" / "oci" / "seccomp_profile.py"
NET_RAW = 1 << 13


def version():
    return subprocess.run(["dpkg-parsechangelog", "-l", str(ROOT / "debian" / "changelog"),
                           "-S", "Version"], capture_output=True, text=True, check=True).stdout.strip()


def image_missing():
    """Why the container test cannot run here, or None."""
    if os.geteuid() != 0:
        return "needs root (lab namespaces, rootful podman)"
    if not shutil.which("podman"):
        return "podman is not installed (./run image installs it)"
    tag = "localhost/vantage-agent:" + version()
    if subprocess.run(["podman", "image", "exists", tag]).returncode != 0:
        return ("no image %s on this machine: `./run image` builds it from the Debian package "
                "(minutes), so ./run test does not" % tag)
    return None


def profile():
    p = subprocess.run([sys.executable, str(PROFILE), str(UNIT)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_seccomp_profile_is_the_units_filter():
    prof = profile()
    allowed = set(prof["syscalls"][0]["names"])
    assert prof["defaultAction"] == "SCMP_ACT_ERRNO" and prof["defaultErrnoRet"] == 1  # EPERM
    # what the agent needs: sockets and their I/O, capset to drop, exec to start
    for call in ("socket", "sendmmsg", "recvmmsg", "setsockopt", "capset", "execve", "fsync",
                 "epoll_wait", "prctl", "seccomp"):
        assert call in allowed, call
    # what the unit's ~ lines and its missing groups refuse
    for call in ("adjtimex", "clock_settime", "mount", "ptrace", "reboot", "init_module",
                 "swapon", "setuid", "iopl", "bpf", "kexec_load", "setrlimit"):
        assert call not in allowed, call
    assert len(prof["architectures"]) == 1      # SystemCallArchitectures=native


def limits():
    """podman's --ulimit options: the unit's LimitNOFILE (65536) where the hard limit
    allows it, and few processes. podman's own defaults (nofile 1048576) exceed the
    hard limits of some hosts (this CI machine's: 20000), and raising them would
    take CAP_SYS_RESOURCE, which the container does not have."""
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    nofile = 65536 if hard == resource.RLIM_INFINITY else min(65536, hard)
    return ["--ulimit", "nofile=%d:%d" % (nofile, nofile), "--ulimit", "nproc=4096:4096"]


def podman(*args, check=True, timeout=120):
    # crun refuses hosts with cgroups in hybrid mode (v1 controllers beside a
    # v2 hierarchy), as this CI machine has; runc (Debian's, ./run image) runs there
    runtime = ["--runtime", "runc"] if shutil.which("runc") else []
    p = subprocess.run(["podman", *runtime, *map(str, args)], capture_output=True, text=True,
                       timeout=timeout)
    assert not check or p.returncode == 0, p.stderr
    return p


def status_field(pid, name):
    for line in open("/proc/%d/status" % pid):
        if line.startswith(name + ":"):
            return line.split(":", 1)[1].strip()
    return None


@pytest.mark.skipif(image_missing() is not None, reason=str(image_missing()))
def test_container_registers_and_uploads(lab_factory):
    lab = lab_factory("small")
    al = AgentsLab(lab)
    d = reachable_tempdir("vti-image-")
    name = "vti-agent-%d" % os.getpid()
    tag = "localhost/vantage-agent:" + version()
    (d / "etc").mkdir(mode=0o755)
    (d / "state").mkdir()
    os.chown(d / "state", 900, 900)
    (d / "etc" / "agent.conf").write_text(
        "controller %s:4443\ncontroller_fingerprint %s\nkey /var/lib/vantage-agent/agent.key\n"
        "spool /var/lib/vantage-agent/spool\nrole probe\nallow 198.18.0.0/15\nheartbeat 1\n"
        "backoff_max 2\n" % (al.ops, al.fp))
    (d / "etc" / "agent.conf").chmod(0o644)
    run = ["--network", "ns:/run/netns/" + lab.ns("vp1"), "--user", "vantage",
           "--cap-drop", "all", "--cap-add", "NET_RAW", "--security-opt", "no-new-privileges",
           "--seccomp-policy", "image", "--read-only", *limits(),
           "-v", "%s:/etc/vantage:ro" % (d / "etc"), "-v", "%s:/var/lib/vantage-agent" % (d / "state")]
    try:
        fp = podman("run", "--rm", *run, tag, "--config", "/etc/vantage/agent.conf",
                    "--fingerprint").stdout.strip()
        aid = int(al.admin("agents", "add", fp, "--role", "probe", "--org", "lab",
                           "--address", lab.addr("vp1"), "--approve").stdout.strip())
        podman("run", "-d", "--name", name, *run, tag)
        wait_for(lambda: "connected to the controller" in podman("logs", name).stdout
                 + podman("logs", name).stderr, 60, "the container's agent to connect")
        pid = int(podman("inspect", "--format", "{{.State.Pid}}", name).stdout)
        # CAP_NET_RAW alone, no way to more, under seccomp
        assert int(status_field(pid, "CapEff"), 16) == NET_RAW
        assert int(status_field(pid, "CapBnd"), 16) == NET_RAW
        assert status_field(pid, "NoNewPrivs") == "1" and status_field(pid, "Seccomp") == "2"
        assert status_field(pid, "Uid").split()[0] == "900"
        msm = al.admin_json("measurement", "create", "--type", "ping", "--target",
                            lab.addr("dst"), "--protocol", "ICMP", "--agents", aid,
                            "--interval", 60)["id"]
        row = wait_for(lambda: al.admin_json("results", "export", "--msm", msm), 60,
                       "the container's result")[0]
        assert row["from"] == lab.addr("vp1") and row["rcvd"] >= 1, row
    finally:
        print(podman("logs", name, check=False).stdout[-3000:], podman("logs", name, check=False).stderr[-3000:])
        podman("rm", "-f", "-t", "5", name, check=False)
        al.close()
        subprocess.run(["rm", "-rf", str(d)])
