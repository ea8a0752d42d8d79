"""soak: the fault soak of issue 11 — "nothing lost, nothing twice", proved by
accounting. A platform on the lab (platform_lab.py: a controller and agents in
namespaces of their own, agents with the synthetic test runner) runs a steady
measurement load while a driver, from a seed, injects faults:

  agent_kill      kill -9 an agent, start it again 0.5-2 s later
  ctl_kill        kill -9 the controller, start it again 1-2 s later
  link_cut        cut an agent's link for 2-6 s
  spool_full      fill an agent's spool disk (its own small tmpfs) for 2-5 s
  ctl_disk_full   fill the controller's disk (its own small tmpfs) for 2-4 s
  clock_step      step an agent's wall clock (its test clock file,
                  util/wallclock.h; never the host's clock) by -1 h .. +1 h
                  for 2-5 s, then back
  hostile         a registered agent sends what no agent may: results of
                  measurements it was never given, a result out of order, a
                  frame of another protocol version, an oversized frame, a
                  payload that is not JSON
  hostile_api     an API client sends what the REST API must refuse: a create
                  without a key, a read with a forged key, a body that is not
                  JSON, a target outside the target policy, a bad query, a
                  body of 2 MiB

At the end every fault is undone, the measurements stop, every spool drains,
and the run is accounted by (agent, sequence) on both sides: every sequence
number an agent's spool gave (1 .. its next - 1) is stored once, none is
stored that was not given, every spool is empty, every hostile input was
refused with its reason in the controller's log, and every agent went on
measuring once the faults were undone; every hostile API request got a 4xx
answer in RIPE Atlas's error shape (the 2 MiB body may instead be cut off)
and created nothing. It prints the figures and
the seed; the same seed gives the same fault schedule (the platform's own
timing still varies).

    python3 tests/soak/soak.py [--seed N] [--seconds S] [--agents K]

needs root (namespaces, tmpfs mounts) and a build (VANTAGE_BUILD, default
build-san). tests/lab/test_soak_lab.py runs a short one in CI."""
import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "lab"))
from platform_lab import PORT, VANTAGE, Platform, sanitizer_clean, sh, wait_for  # noqa: E402

PY = "/usr/bin/python3"
RAW = HERE.parent / "lab" / "raw_agent.py"
KINDS = ("agent_kill", "ctl_kill", "link_cut", "spool_full", "ctl_disk_full", "clock_step",
         "hostile", "hostile_api")
API = "127.0.0.1:8446"   # in the controller's namespace
# Hostile API requests: (method, path, body, with the key?)
BAD_CREATE = {"definitions": [{"type": "ping", "af": 4, "target": "10.1.2.3",
                               "description": "soak"}],
              "probes": [{"type": "area", "value": "WW", "requested": 1}]}
GOOD_SHAPE = {"definitions": [{"type": "ping", "af": 4, "target": "198.18.0.9",
                               "description": "soak"}],
              "probes": [{"type": "area", "value": "WW", "requested": 1}]}
HOSTILE_API = {
    "no_key": ("POST", "/api/v2/measurements/", json.dumps(GOOD_SHAPE), False),
    "forged_key": ("GET", "/api/v2/measurements/?key=0123456789abcdef", None, False),
    "not_json": ("POST", "/api/v2/measurements/", "{not json", True),
    "target_refused": ("POST", "/api/v2/measurements/", json.dumps(BAD_CREATE), True),
    "bad_query": ("GET", "/api/v2/measurements/?page_size=abc", None, True),
    "huge_body": ("POST", "/api/v2/measurements/", "[" + " " * (2 << 20) + "]", True),
}
# One API request, run in the controller's namespace; prints the status (0: cut off).
API_CLIENT = r'''
import http.client, json, ssl, sys
a = json.loads(sys.argv[1])
ctx = ssl.create_default_context(cafile=a["ca"])
host, port = a["api"].rsplit(":", 1)
c = http.client.HTTPSConnection(host, int(port), context=ctx, timeout=20)
h = {"Content-Type": "application/json"}
if a["key"]:
    h["Authorization"] = "Key " + a["key"]
try:
    c.request(a["method"], a["path"], body=a["body"], headers=h)
    r = c.getresponse()
    body = r.read()
    shape = "error" in json.loads(body or b"{}") if body[:1] == b"{" else False
    print(json.dumps({"status": r.status, "shape": shape}))
except (ConnectionError, http.client.HTTPException, ssl.SSLError, TimeoutError) as e:
    print(json.dumps({"status": 0, "shape": False, "why": str(e)}))
'''
STEPS = (-3600, -600, -30, 30, 600, 3600)
# What the controller logs for each hostile input (its reason).
HOSTILE = {
    "unassigned": "was never assigned to it",
    "out_of_order": "but the result before it here was",
    "bad_version": "unsupported protocol version 9",
    "oversized": "exceeds the limit",
    "not_json": "payload is not a JSON object",
}


class SoakPlatform(Platform):
    """The platform with each agent's spool and the controller's directory on
    small tmpfs mounts of their own (so their disks can be filled)."""

    def __init__(self, nagents):
        super().__init__(heartbeat=1, prefix="vsk")
        self.mounts = []
        self.nagents = nagents
        self._mount(self.dir / "controller", "48m")
        for i in range(1, nagents + 1):
            self._mount(self.dir / f"agent{i}" / "spool", "2m")

    def _mount(self, path, size):
        path.mkdir(parents=True, exist_ok=True)
        sh("mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(path))
        self.mounts.append(path)

    def start_controller(self, *extra):
        """Every start of the controller also serves the API (hostile_api)."""
        return super().start_controller("--api", API, *extra)

    def clock_file(self, i):
        return self.dir / f"agent{i}.clock"

    def start_agent(self, i):
        """Start agent i with its own test clock file (offset 0 until stepped)."""
        self.clock_file(i).write_text("0\n")
        os.environ["VANTAGE_TEST_CLOCK"] = str(self.clock_file(i))
        try:
            return super().start_agent(i)
        finally:
            del os.environ["VANTAGE_TEST_CLOCK"]

    def fill(self, path):
        """Fill the filesystem of path; returns the filler file."""
        filler = path / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            for size in (65536, 512, 1):
                while True:
                    try:
                        if os.write(fd, b"\0" * size) < size:
                            break
                    except OSError:
                        break
        finally:
            os.close(fd)
        return filler

    def close(self):
        self.kill_all()
        for m in self.mounts:
            subprocess.run(["umount", "-l", str(m)], check=False)
        super().close()


def send_hostile(p, kind, rng, msms, hostile_fp, seq):
    """One hostile input of a kind from agent 9 (registered, approved, given nothing)."""
    body = {"type": "ping", "timestamp": int(time.time()), "from": "198.18.250.38"}
    if kind == "unassigned":
        steps = [{"hello": {}}, {"send": "result", "msg": {"seq": seq, "msm_id": rng.choice(msms),
                                                           "body": body}}, {"wait": 1.5}]
    elif kind == "out_of_order":
        steps = [{"hello": {}},
                 {"send": "result", "msg": {"seq": seq, "msm_id": msms[0], "body": body}},
                 {"send": "result", "msg": {"seq": seq + 5, "prev": seq + 3, "msm_id": msms[0],
                                            "body": body}}, {"wait": 1.5}]
    elif kind == "bad_version":
        steps = [{"hello": {}}, {"raw": (b"\0\0\0\2\x09\x07\0\0{}").hex()}, {"wait": 1}]
    elif kind == "oversized":
        steps = [{"hello": {}}, {"raw": (b"\x7f\xff\xff\xff\x01\x07\0\0").hex()}, {"wait": 1}]
    else:
        steps = [{"hello": {}}, {"raw": (b"\0\0\0\5\x01\x07\0\0hello").hex()}, {"wait": 1}]
    key = p.dir / "agent9" / "agent.key"
    cfg = {"addr": "198.18.250.37", "port": PORT, "key": str(key), "fp": hostile_fp,
           "steps": steps}
    r = subprocess.run(["ip", "netns", "exec", f"{p.tag}a9", PY, str(RAW), json.dumps(cfg)],
                       capture_output=True, text=True, timeout=60)
    # delivered only once the controller welcomed the session: a controller
    # just restarted by a fault may not be listening yet, and then nothing
    # was sent to refuse (CI, session 9: "not_json: 1 sent, 0 refusals")
    return '"type": "welcome"' in r.stdout


def send_hostile_api(p, kind, key):
    """One hostile API request of a kind; returns (status, error shape). Status 0:
    the server cut the connection (allowed only for the huge body)."""
    method, path, body, with_key = HOSTILE_API[kind]
    a = {"api": API, "ca": str(p.dir / "controller" / "api.crt"), "method": method,
         "path": path, "body": body, "key": key if with_key else None}
    r = subprocess.run(["ip", "netns", "exec", p.ns, PY, "-c", API_CLIENT, json.dumps(a)],
                       capture_output=True, text=True, timeout=60)
    out = json.loads(r.stdout or '{"status": -1, "shape": false}')
    return out["status"], out["shape"]


class Driver:
    """The seeded fault schedule and its execution on a SoakPlatform."""

    def __init__(self, p, seed, seconds, msms, hostile_fp, api_key):
        self.p, self.rng, self.seconds = p, random.Random(seed), seconds
        self.msms, self.hostile_fp, self.api_key = msms, hostile_fp, api_key
        self.faults, self.hostile, self.hostile_unwelcomed = Counter(), Counter(), Counter()
        self.hostile_api, self.api_refused, self.api_wrong = Counter(), Counter(), []
        self.atodo = []
        self.undo = []          # (when, action) pending
        self.down = set()       # agents killed, links cut, disks filled: one fault at a time each
        self.hseq = 0
        self.todo, self.htodo = [], []   # the rest of the current round of each

    def _next(self, todo, kinds):
        """Kinds come in rounds, each a seeded permutation: a short run sees them all."""
        if not todo:
            todo.extend(self.rng.sample(sorted(kinds), len(kinds)))
        return todo.pop(0)

    def _later(self, lo, hi, action):
        self.undo.append((time.monotonic() + self.rng.uniform(lo, hi), action))

    def _agent(self):
        free = [i for i in range(1, self.p.nagents + 1) if ("agent", i) not in self.down]
        return self.rng.choice(free) if free else None

    def inject(self, kind):
        p = self.p
        i = self._agent()
        if kind == "agent_kill" and i:
            p.agents[i].kill9()
            self.down.add(("agent", i))
            self._later(0.5, 2, lambda i=i: (p.start_agent(i), self.down.discard(("agent", i))))
        elif kind == "ctl_kill" and not {"ctl", "ctl_disk"} & self.down:
            p.controller.kill9()
            self.down.add("ctl")
            self._later(1, 2, lambda: (p.start_controller(), self.down.discard("ctl")))
        elif kind == "link_cut" and i:
            p.cut(i)
            self.down.add(("agent", i))
            self._later(2, 6, lambda i=i: (p.restore(i), self.down.discard(("agent", i))))
        elif kind == "spool_full" and i:
            f = p.fill(p.dir / f"agent{i}" / "spool")
            self.down.add(("agent", i))
            self._later(2, 5, lambda i=i, f=f: (f.unlink(), self.down.discard(("agent", i))))
        elif kind == "ctl_disk_full" and not {"ctl", "ctl_disk"} & self.down:
            f = p.fill(p.dir / "controller")
            self.down.add("ctl_disk")
            self._later(2, 4, lambda f=f: (f.unlink(), self.down.discard("ctl_disk")))
        elif kind == "clock_step" and i:
            p.clock_file(i).write_text(f"{self.rng.choice(STEPS)}\n")
            self.down.add(("agent", i))
            self._later(2, 5, lambda i=i: (p.clock_file(i).write_text("0\n"),
                                           self.down.discard(("agent", i))))
        elif kind == "hostile_api" and not {"ctl", "ctl_disk"} & self.down:
            h = self._next(self.atodo, HOSTILE_API)
            status, shape = send_hostile_api(p, h, self.api_key)
            self.hostile_api[h] += 1
            if (400 <= status < 500 and shape) or (status == 0 and h == "huge_body"):
                self.api_refused[h] += 1
            else:
                self.api_wrong.append((h, status, shape))
        elif kind == "hostile" and not {"ctl", "ctl_disk"} & self.down:
            self.hseq += 10
            h = self._next(self.htodo, HOSTILE)
            if send_hostile(p, h, self.rng, self.msms, self.hostile_fp, self.hseq):
                self.hostile[h] += 1
            else:
                self.hostile_unwelcomed[h] += 1
        else:
            return False
        self.faults[kind] += 1
        return True

    def run_due(self, everything=False):
        now = time.monotonic()
        for item in sorted(self.undo, key=lambda u: u[0]):
            if everything or item[0] <= now:
                self.undo.remove(item)
                item[1]()

    def run(self):
        end = time.monotonic() + self.seconds
        nxt = time.monotonic() + self.rng.uniform(0.5, 2)
        while time.monotonic() < end:
            self.run_due()
            if time.monotonic() >= nxt:
                kind = self._next(self.todo, KINDS)
                if not self.inject(kind):
                    self.todo.append(kind)     # busy now: later in this round
                nxt = time.monotonic() + self.rng.uniform(0.5, 2.5)
            time.sleep(0.1)
        self.run_due(everything=True)


def account(p, ids):
    """Lost and doubled results by (agent, sequence), both sides."""
    con = sqlite3.connect(f"file:{p.db()}?mode=ro", uri=True, timeout=10)
    try:
        rows = con.execute("SELECT agent_id, epoch, seq, body FROM results").fetchall()
    finally:
        con.close()
    out = {"lost": 0, "duplicated": 0, "unknown": 0, "results": len(rows)}
    for i, aid in ids.items():
        given = p.spool_next_seq(i) - 1
        seqs = Counter(r[2] for r in rows if r[0] == aid)
        out["lost"] += sum(1 for s in range(1, given + 1) if seqs[s] == 0)
        out["duplicated"] += sum(n - 1 for n in seqs.values() if n > 1)
        out["unknown"] += sum(1 for s in seqs if s < 1 or s > given)
        runs = Counter((json.loads(r[3]).get("fake_pid"), json.loads(r[3]).get("fake_n"))
                       for r in rows if r[0] == aid)
        out["duplicated"] += sum(n - 1 for n in runs.values() if n > 1)
    return out


def soak(seed, seconds, nagents=3, log=print):
    """Run one soak; returns its figures (a dict). Raises AssertionError if it fails."""
    t0 = time.monotonic()
    p = SoakPlatform(nagents)
    try:
        p.start_controller("--flush-ms", "50")
        ids = {i: p.register(i, spool_max_kb=1536, timing_interval=0)[0]
               for i in range(1, nagents + 1)}
        hostile_id, hostile_fp = p.register(9)
        key = p.dir / "agent9" / "agent.key"
        sh("openssl", "req", "-x509", "-new", "-key", str(key), "-subj", "/CN=soak", "-days", "1",
           "-out", str(key) + ".crt")
        for i in ids:
            p.start_agent(i)
        msms = []
        for k in range(4):
            r = p.admin("measurement", "create", "--type", "ping", "--target", f"198.18.0.{k + 1}",
                        "--agents", ",".join(map(str, ids.values())), "--interval", 1,
                        "--def", json.dumps({"fake_ms": 5, "fake_pad": 200}))
            assert r.returncode == 0, r.stderr
            msms.append(int(r.stdout))
        api_key = sh(str(VANTAGE), "keys", "add", "soak", "--dir",
                     str(p.dir / "controller")).stdout.split()[-1]
        d = Driver(p, seed, seconds, msms, hostile_fp, api_key)
        d.run()
        # every agent goes on measuring (a stepped clock must not stall its schedule)
        base = {aid: p.stored().get(aid, (0,))[0] for aid in ids.values()}
        wait_for(lambda: all(p.stored().get(aid, (0,))[0] >= base[aid] + 8
                             for aid in ids.values()), 30, "every agent to go on measuring")
        for m in msms:
            assert p.admin("measurement", "stop", m).returncode == 0
        time.sleep(1.5)

        def drained(i):
            files = p.spool_files(i)
            return len(files) == 1 and files[0].stat().st_size == 0
        wait_for(lambda: all(drained(i) for i in ids), 90, "every spool to drain")
        for i in ids:
            assert p.agents[i].stop() == 0, f"agent {i} did not stop cleanly"
        assert p.controller.stop() == 0, "the controller did not stop cleanly"
        figures = account(p, ids)
        con = sqlite3.connect(f"file:{p.db()}?mode=ro", uri=True, timeout=10)
        try:
            created = con.execute("SELECT COUNT(*) FROM measurements").fetchone()[0]
        finally:
            con.close()
        log_text = p.controller.text()
        refused = {k: log_text.count(v) for k, v in HOSTILE.items()}
        figures.update(seed=seed, seconds=round(time.monotonic() - t0, 1),
                       faults=dict(d.faults), hostile=dict(d.hostile),
                       hostile_unwelcomed=dict(d.hostile_unwelcomed),
                       hostile_logged=refused, hostile_api=dict(d.hostile_api),
                       hostile_api_refused=dict(d.api_refused), measurements=created,
                       spools_empty=all(drained(i) for i in ids))
        log("soak: " + json.dumps(figures, sort_keys=True))
        log(f"soak: replay with: {PY} tests/soak/soak.py --seed {seed} --seconds {seconds}"
            f" --agents {nagents}")
        assert figures["lost"] == 0 and figures["duplicated"] == 0 and figures["unknown"] == 0, \
            figures
        assert figures["spools_empty"]
        for k, n in d.hostile.items():
            assert refused[k] >= n, f"hostile {k}: {n} sent, {refused[k]} refusals logged"
        assert not d.api_wrong, f"hostile API requests not refused: {d.api_wrong}"
        assert created == len(msms), f"{created - len(msms)} measurements made by hostile requests"
        for i in ids:
            assert sanitizer_clean(p.agents[i].text()), p.agents[i].text()[-3000:]
        assert sanitizer_clean(log_text), log_text[-3000:]
        return figures
    finally:
        p.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--seconds", type=float, default=300)
    ap.add_argument("--agents", type=int, default=3)
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else random.SystemRandom().randrange(1 << 31)
    print(f"soak: seed {seed}", flush=True)
    try:
        soak(seed, a.seconds, a.agents, log=lambda s: print(s, flush=True))
    except AssertionError as e:
        print(f"soak: FAILED (seed {seed}): {e}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
