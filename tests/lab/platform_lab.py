"""platform_lab: a small platform for the lab tests of vantage-controller and
vantage-agent. The controller runs in a network namespace of its own; each
agent runs in another, joined to the controller's by a veth pair (addresses
from 198.18.250.0/24), so a test can cut one agent's link. Agents use the
test-only synthetic runner (tests/platform), which sends no packets.
Everything (processes by pid, namespaces with this run's own vpl prefix,
files) is removed by close(), also after a failure; a namespace is also
registered with netns_guard as it is made, so one made by a set-up that is
interrupted before its `finally` (Ctrl-C, SIGTERM, kill -9) goes too."""
import atexit
import json
import os
import pwd
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from netns_guard import add_netns, del_netns

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("VANTAGE_BUILD", ROOT / "build-san"))
CONTROLLER = BUILD / "src" / "cmd" / "vantage-controller"
VANTAGE = BUILD / "src" / "cmd" / "vantage"
AGENT = BUILD / "tests" / "platform" / "vantage-agent-test"
PORT = 4443
# The lab's controller configuration: the default target policy plus the lab's ranges.
SHIPPED_LAB_CONFIG = ROOT / "etc" / "vantage" / "controller-lab.conf"


def _run_user():
    """The user the daemons become when a test starts them as root: the
    programs' own default (src/privsep/privsep.h), vantage, else nobody."""
    try:
        return pwd.getpwnam("vantage").pw_name
    except KeyError:
        return "nobody"


# the controller refuses root: the tests start it as root and it switches to RUN_USER
RUN_USER = _run_user()


def reachable_tempdir(prefix):
    """A fresh temporary directory the daemons can still reach once they have
    given up root (mkdtemp makes it 0700)."""
    d = Path(tempfile.mkdtemp(prefix=prefix))
    d.chmod(0o711)
    return d


def _lab_config():
    """The lab tests' controller configuration: the shipped lab one with the
    anchoring mesh off, so the anchors of a test run only what the test asks
    (tests/lab/test_mesh_lab.py turns it on with --policy). Removed at exit."""
    d = reachable_tempdir("vpl-config-")
    policy = d / "policy.conf"
    policy.write_text("anchor_mesh no\n")
    conf = d / "controller-lab.conf"
    conf.write_text(SHIPPED_LAB_CONFIG.read_text() + f"\npolicy {policy}\n")
    for f in (policy, conf):
        f.chmod(0o644)
    atexit.register(shutil.rmtree, d, True)
    return conf


LAB_CONFIG = _lab_config()


def sh(*args, check=True):
    return subprocess.run(list(args), capture_output=True, text=True, check=check, timeout=30)


def wait_for(pred, timeout, what):
    """Poll pred() until it is true; fail naming what did not happen."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def drained(lab, i):
    """Agent i's spool holds nothing unacked: one empty segment is left."""
    files = lab.spool_files(i)
    return len(files) == 1 and files[0].stat().st_size == 0


def settled(lab, expect, quiet=3):
    """A predicate for wait_for: every spool of the agents in expect drained,
    and none of them has made a result for `quiet` s. A drained spool alone
    is not the end: an agent that learns of a stop late (it was reconnecting
    to a restarted or failed-over controller, or a stop made elsewhere
    reaches its front-end through the store) still makes a result after it,
    which a count taken at the momentary drain does not hold."""
    state = [None, 0.0]

    def check():
        now = (all(drained(lab, i) for i in expect)
               and tuple(lab.spool_next_seq(i) for i in expect))
        if not now or now != state[0]:
            state[:] = [now, time.monotonic()]
            return False
        return time.monotonic() - state[1] >= quiet
    return check


def wait_for_start(proc, ready, timeout, what):
    """Poll ready() until it is true, as wait_for, but fail at once, with the
    end of proc's log, when proc has exited (a controller that died at start
    would otherwise be waited for the whole timeout)."""
    def started():
        if ready():
            return True
        if not proc.alive():
            if ready():     # it wrote the line, then exited
                return True
            lines = proc.text().splitlines()
            shown = lines if len(lines) <= 40 else lines[:5] + ["..."] + lines[-30:]
            raise AssertionError(f"{what}: the process exited ({proc.p.returncode}) before it"
                                 f" was ready; its log:\n" + "\n".join(shown))
        return False
    return wait_for(started, timeout, what)


class Proc:
    """A started program with its log file."""

    def __init__(self, argv, log, netns):
        self.log = log
        self.f = open(log, "ab")
        self.p = subprocess.Popen(["ip", "netns", "exec", netns, *map(str, argv)],
                                  stdout=self.f, stderr=subprocess.STDOUT,
                                  env={**os.environ, "ASAN_OPTIONS": "detect_leaks=1"})

    def alive(self):
        return self.p.poll() is None

    def kill9(self):
        if self.alive():
            self.p.send_signal(signal.SIGKILL)
        self.p.wait(timeout=10)
        self.f.close()

    def stop(self):
        """SIGTERM and wait; returns the exit status."""
        if self.alive():
            self.p.send_signal(signal.SIGTERM)
        try:
            rc = self.p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = self.p.wait(timeout=10)
        self.f.close()
        return rc

    def text(self):
        return Path(self.log).read_text(errors="replace")


class Platform:
    def __init__(self, heartbeat=1, prefix="vpl", pg=None):
        self.pg = pg    # a pg_lab.TempPostgres: the controller's store (else SQLite)
        self.tag = f"{prefix}{os.getpid() % 100000}"
        self.dir = reachable_tempdir("vpl-platform-")
        self.heartbeat = heartbeat
        self.ns = f"{self.tag}c"
        self.namespaces = []
        self.controller = None
        self.agents = {}
        self.fp = None
        self._add_ns(self.ns)

    # --- network
    def _add_ns(self, name):
        self.namespaces.append(name)
        add_netns(name)
        sh("ip", "-n", name, "link", "set", "lo", "up")

    def _link(self, i):
        return f"{self.tag}p{i}"

    def _add_agent_ns(self, i):
        ns = f"{self.tag}a{i}"
        self._add_ns(ns)
        sh("ip", "link", "add", f"{self.tag}v{i}", "netns", ns, "type", "veth",
           "peer", "name", self._link(i), "netns", self.ns)
        sh("ip", "-n", self.ns, "addr", "add", f"198.18.250.{4 * i + 1}/30", "dev", self._link(i))
        sh("ip", "-n", ns, "addr", "add", f"198.18.250.{4 * i + 2}/30", "dev", f"{self.tag}v{i}")
        sh("ip", "-n", self.ns, "link", "set", self._link(i), "up")
        sh("ip", "-n", ns, "link", "set", f"{self.tag}v{i}", "up")
        return ns

    def cut(self, i):
        sh("ip", "-n", self.ns, "link", "set", self._link(i), "down")

    def restore(self, i):
        sh("ip", "-n", self.ns, "link", "set", self._link(i), "up")

    # --- controller
    def start_controller(self, *extra):
        cdir = self.dir / "controller"
        log = self.dir / "controller.log"
        before = Path(log).read_text() if log.exists() else ""
        # the synthetic runner only fakes results: no reach checks (tests/lab/test_reach_lab.py)
        self.controller = Proc([CONTROLLER, "--config", LAB_CONFIG, "--dir", cdir,
                                "--listen", "0.0.0.0", "--port", PORT,
                                "--heartbeat", self.heartbeat, "--no-reach-check",
                                "--user", RUN_USER,
                                *(["--store", self.pg.url] if self.pg else []), *extra],
                               log, self.ns)
        wait_for_start(self.controller,
                       lambda: Path(log).read_text().count("listening on") >
                       before.count("listening on"),
                       60, "the controller to listen")   # a sanitized start, loaded host: over 20 s
        if self.fp is None:
            self.fp = Path(log).read_text().split("fingerprint ")[1].split()[0]
        return self.controller

    def db(self):
        return self.dir / "controller" / "controller.db"

    def admin(self, *args):
        p = subprocess.run([str(VANTAGE), *map(str, args), "--admin",
                            str(self.dir / "controller" / "admin.sock")],
                           capture_output=True, text=True, timeout=30)
        return p

    def admin_json(self, *args):
        p = self.admin(*args, "--json")
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)

    # --- agents
    def config(self, i, **settings):
        d = self.dir / f"agent{i}"
        d.mkdir(exist_ok=True)
        conf = {"controller": f"198.18.250.{4 * i + 1}:{PORT}", "controller_fingerprint": self.fp,
                "key": d / "agent.key", "spool": d / "spool", "role": "probe",
                "heartbeat": self.heartbeat, "backoff_max": 2, **settings}
        path = d / "agent.conf"
        path.write_text("".join(f"{k} {v}\n" for k, v in conf.items()))
        return path

    def agent_fp(self, i, **settings):
        if f"{self.tag}a{i}" not in self.namespaces:
            self._add_agent_ns(i)
        p = sh(str(AGENT), "--config", str(self.config(i, **settings)), "--fingerprint")
        return p.stdout.strip()

    def register(self, i, role="probe", approve=True, **settings):
        fp = self.agent_fp(i, role=role, **settings)
        args = ["agents", "add", fp, "--org", "lab", "--role", role]
        p = self.admin(*args, *(["--approve"] if approve else []))
        assert p.returncode == 0, p.stderr
        return int(p.stdout.strip()), fp

    def start_agent(self, i):
        ns = f"{self.tag}a{i}"
        a = Proc([AGENT, "--config", self.dir / f"agent{i}" / "agent.conf"],
                 self.dir / f"agent{i}.log", ns)
        self.agents[i] = a
        return a

    def spool_next_seq(self, i):
        """The agent's next sequence number, from its spool's segment names."""
        names = sorted((self.dir / f"agent{i}" / "spool").glob("*.seg"))
        return int(names[-1].stem) if names and names[-1].stat().st_size == 0 else None

    def spool_files(self, i):
        return sorted((self.dir / f"agent{i}" / "spool").glob("*.seg"))

    def stored(self):
        """{agent id: (count, min seq, max seq)} from the controller's database."""
        if self.pg:
            return {int(r[0]): (int(r[1]), int(r[2]), int(r[3])) for r in self.pg.psql(
                "vantage", "SELECT agent_id, COUNT(*), MIN(seq), MAX(seq) FROM results"
                " GROUP BY agent_id")}
        con = sqlite3.connect(f"file:{self.db()}?mode=ro", uri=True, timeout=10)
        try:
            rows = con.execute("SELECT agent_id, COUNT(*), MIN(seq), MAX(seq) FROM results"
                               " GROUP BY agent_id").fetchall()
        finally:
            con.close()
        return {r[0]: (r[1], r[2], r[3]) for r in rows}

    def admin_raw(self, req):
        """One request on the controller's admin socket (for what the CLI does not ask)."""
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(10)
        s.connect(str(self.dir / "controller" / "admin.sock"))
        s.sendall((json.dumps(req) + "\n").encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
        s.close()
        return json.loads(data)

    def kill_all(self):
        """kill -9 every program of the platform that still runs."""
        for a in self.agents.values():
            if a.alive():
                a.kill9()
        if self.controller and self.controller.alive():
            self.controller.kill9()

    def close(self):
        self.kill_all()
        for ns in self.namespaces:
            del_netns(ns)
        subprocess.run(["rm", "-rf", str(self.dir)], check=False)


def sanitizer_clean(text):
    return "ERROR: AddressSanitizer" not in text and "runtime error:" not in text \
        and "LeakSanitizer" not in text
