"""The lab tests' own harness (platform_lab.py, netns_guard.py):
- a platform's set-up interrupted midway leaves no namespace behind: a child
  process makes a Platform and two agents' namespaces, as a fixture does
  before it reaches its `try`/`yield`, and is stopped there by Ctrl-C
  (SIGINT), SIGTERM or kill -9; afterwards `ip netns list` holds none of its
  namespaces;
- a controller that exits at start fails start_controller at once, with its
  log, not after the 60 s wait for "listening"."""
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from platform_lab import Platform, wait_for

HERE = Path(__file__).resolve().parent

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces")

# a set-up with no finally: the namespaces are made, then it waits to be stopped
SETUP = """
import sys, time
sys.path.insert(0, sys.argv[1])
from platform_lab import LAB_CONFIG, Platform
p = Platform(prefix=sys.argv[2])
p._add_agent_ns(1)
p._add_agent_ns(2)
print("made", p.dir, LAB_CONFIG.parent, flush=True)
time.sleep(120)
"""


def namespaces(prefix):
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    return [l.split()[0] for l in out.splitlines() if l.startswith(prefix)]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL],
                         ids=["ctrl-c", "sigterm", "kill-9"])
def test_setup_stopped_midway_leaves_no_namespace(sig):
    prefix = "vng%d" % (sig % 10)     # Platform adds this run's pid
    child = subprocess.Popen([sys.executable, "-c", SETUP, str(HERE), prefix],
                             stdout=subprocess.PIPE, text=True)
    line = []
    try:
        line = child.stdout.readline().split()
        assert line and line[0] == "made", "the set-up did not finish making its namespaces"
        made = namespaces(prefix + str(child.pid % 100000))
        assert len(made) == 3, made
        child.send_signal(sig)
        child.wait(timeout=30)
        left = lambda: not namespaces(prefix + str(child.pid % 100000))
        wait_for(left, 20, "the namespaces %s to go" % made)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for ns in namespaces(prefix + str(child.pid % 100000)):
            subprocess.run(["ip", "netns", "del", ns])
        for d in line[1:]:
            shutil.rmtree(d, ignore_errors=True)


def test_a_controller_that_exits_at_start_fails_at_once_with_its_log():
    p = Platform(prefix="vhx")
    try:
        start = time.monotonic()
        with pytest.raises(AssertionError) as failed:
            p.start_controller("--no-such-option")
        took = time.monotonic() - start
        assert "exited" in str(failed.value) and "no-such-option" in str(failed.value), failed.value
        assert took < 30, "start_controller took %.0f s to notice" % took
    finally:
        p.close()
