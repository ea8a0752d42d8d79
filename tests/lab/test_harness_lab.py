"""The lab tests' own harness (platform_lab.py, netns_guard.py):
- a platform's set-up interrupted midway leaves no namespace behind: a child
  process makes a Platform and two agents' namespaces, as a fixture does
  before it reaches its `try`/`yield`, and is stopped there by Ctrl-C
  (SIGINT), SIGTERM or kill -9; afterwards `ip netns list` holds none of its
  namespaces;
- a controller that exits at start fails start_controller at once, with its
  log, not after the 60 s wait for "listening";
- a throwaway PostgreSQL cluster (pg_lab.py) leaves no process behind after a
  pg_ctl restart, stop()/start() and kill9()/start() and a failing test, nor
  when the test's cleanup never reached pg.close(): every postmaster it had
  (postmaster.pid names each in turn) is gone, and so is its folder."""
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pg_lab import TempPostgres, cluster_pids, pg_bin
from platform_lab import RUN_USER, Platform, wait_for

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


def alive(pid):
    """pid runs (a zombie no one reaps does not count)."""
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def postgres_of(d):
    """Pids of postgres processes whose command line names folder d."""
    out = subprocess.run(["pgrep", "-a", "postgres"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if str(d) in line]


needs_pg = pytest.mark.skipif(pg_bin() is None, reason="PostgreSQL is not installed")
PG_PORT = 20000 + (os.getpid() + 29) % 20000


@needs_pg
def test_pg_cluster_leaves_nothing_after_restarts_and_a_failure():
    pg = TempPostgres(RUN_USER, port=PG_PORT)
    postmasters = [pg.postmaster_pid()]
    try:
        pg.restart()
        postmasters.append(pg.postmaster_pid())
        pg.stop("fast")
        pg.start()
        postmasters.append(pg.postmaster_pid())
        pg.kill9()
        wait_for(lambda: not alive(postmasters[-1]), 20, "the killed postmaster to end")
        pg.start()
        postmasters.append(pg.postmaster_pid())
        assert len(set(postmasters)) == 4 and alive(postmasters[-1]), postmasters
        assert pg.psql("vantage", "SELECT 1") == [["1"]]
        with pytest.raises(RuntimeError):
            try:
                raise RuntimeError("the test fails here")
            finally:
                pg.close()
    finally:
        pg.close()   # a second close is harmless
    assert not [p for p in postmasters if alive(p)], postmasters
    assert not postgres_of(pg.dir) and not cluster_pids(pg.data)
    assert not pg.dir.exists()


# a test whose cleanup never reaches pg.close(): its fixture's teardown failed before it
NEVER_CLOSED = """
import sys
sys.path.insert(0, sys.argv[1])
from pg_lab import TempPostgres
pg = TempPostgres(sys.argv[2], port=int(sys.argv[3]))
pg.restart()
print(pg.dir, pg.postmaster_pid(), flush=True)
raise RuntimeError("teardown failed before pg.close()")
"""


@needs_pg
def test_pg_cluster_a_cleanup_never_reached_is_stopped_at_exit():
    child = subprocess.run([sys.executable, "-c", NEVER_CLOSED, str(HERE), RUN_USER,
                            str(PG_PORT + 1)], capture_output=True, text=True, timeout=600)
    line = child.stdout.split()
    assert len(line) == 2, (child.stdout, child.stderr)
    d, pid = Path(line[0]), int(line[1])
    try:
        assert "teardown failed" in child.stderr, child.stderr
        assert not alive(pid), "the postmaster %d outlived the test process" % pid
        assert not postgres_of(d), postgres_of(d)
        assert not d.exists()
    finally:   # do not leave it to the next run, whatever the outcome
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
        shutil.rmtree(d, ignore_errors=True)
