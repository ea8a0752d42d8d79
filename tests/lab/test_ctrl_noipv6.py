"""The shipped controller.conf listens on "::" for agents and "[::]:8443"
for the API (issue 17's bug): on a kernel without IPv6 (ipv6.disable=1),
where every AF_INET6 socket fails with EAFNOSUPPORT, the controller must
still start, on 0.0.0.0, and say so in its log. tests/platform/noinet6 runs
it under a seccomp filter that answers socket(AF_INET6) exactly as such a
kernel does. Each run has a network namespace of its own (only loopback),
so nothing listens on the machine's interfaces; it is removed at the end."""
import os
import shutil
import subprocess

import pytest

from netns_guard import add_netns, del_netns
from platform_lab import BUILD, CONTROLLER, ROOT, RUN_USER, reachable_tempdir, wait_for

SHIPPED = ROOT / "etc" / "vantage" / "controller.conf"
NOINET6 = BUILD / "tests" / "platform" / "noinet6"

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root for a network namespace")


@pytest.fixture
def netns():
    name = "vti-noip6-%d" % os.getpid()
    add_netns(name)
    try:
        subprocess.run(["ip", "-n", name, "link", "set", "lo", "up"], check=True)
        yield name
    finally:
        del_netns(name)


def connects(ns, addr, port):
    """True if a TCP connection to addr:port from inside ns is accepted."""
    code = ("import socket,sys\n"
            "s=socket.create_connection((sys.argv[1],int(sys.argv[2])),timeout=5)\n")
    return subprocess.run(["ip", "netns", "exec", ns, "/usr/bin/python3", "-c", code, addr,
                           str(port)], capture_output=True).returncode == 0


def run_shipped(ns, wrap):
    """Start the controller with the shipped config (state in a temp dir); its log text
    once both listeners are up, and the process (terminated by the caller)."""
    d = reachable_tempdir("vti-noip6-")
    log = d / "ctl.log"
    argv = ([str(NOINET6)] if wrap else []) + [str(CONTROLLER), "--config", str(SHIPPED),
                                               "--dir", str(d / "ctl"), "--user", RUN_USER,
                                               "--policy", str(SHIPPED.parent / "policy.conf")]
    p = subprocess.Popen(["ip", "netns", "exec", ns, *argv], stdout=open(log, "w"),
                         stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: p.poll() is not None or "API on" in log.read_text(), 60,
                 "the controller to start")
        assert p.poll() is None, log.read_text()
        wait_for(lambda: connects(ns, "127.0.0.1", 4443), 20, "the agents' port")
        return log.read_text(), p, d
    except BaseException:
        p.terminate()
        p.wait(timeout=30)
        shutil.rmtree(d, ignore_errors=True)
        raise


def stop(p, d):
    """End the controller (a clean exit) and remove its files."""
    p.terminate()
    try:
        assert p.wait(timeout=30) == 0
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_shipped_config_without_ipv6_falls_back(netns):
    text, p, d = run_shipped(netns, wrap=True)
    try:
        assert "this host has no IPv6: listening for agents on 0.0.0.0 instead of ::" in text
        assert "this host has no IPv6: the API listens on 0.0.0.0 instead of [::]" in text
        assert connects(netns, "127.0.0.1", 4443) and connects(netns, "127.0.0.1", 8443)
    finally:
        stop(p, d)


def test_shipped_config_with_ipv6_stays_on_both(netns):
    text, p, d = run_shipped(netns, wrap=False)
    try:
        assert "no IPv6" not in text
        for addr in ("127.0.0.1", "::1"):
            assert connects(netns, addr, 4443) and connects(netns, addr, 8443), addr
    finally:
        stop(p, d)
