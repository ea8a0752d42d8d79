#!/usr/bin/python3
"""bench/api/loophold.py: how long one REST API request holds the controller's
event loop (the loop its agents depend on), with N results stored.

A release vantage-controller runs on loopback in a temporary directory with
its API; one measurement gets N results (default 200,000) from 100 probes,
written straight into its SQLite store. A watcher sends the admin socket's
cheapest command ("agents.list", answered on the same loop) every
millisecond; while one API request runs, the longest wait for an answer is
the time the request held the loop. Each request runs REPEAT times (default
5); a busy machine only adds to a wait, so the least of the longest waits is
the request's own hold, printed beside the median (and the idle floor
first). Bounded: one controller, N rows, a few requests; removes everything
it made."""
import statistics
import argparse
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def admin(sock_path, req):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(30)
    s.connect(sock_path)
    s.sendall((json.dumps(req) + "\n").encode())
    data = b""
    while chunk := s.recv(65536):
        data += chunk
    s.close()
    return json.loads(data)


class Watcher(threading.Thread):
    """Times the admin socket's answers every millisecond: (when, seconds) pairs."""

    def __init__(self, sock_path):
        super().__init__(daemon=True)
        self.sock_path, self.samples, self.stop = sock_path, [], False

    def run(self):
        while not self.stop:
            t0 = time.monotonic()
            while True:
                try:  # a loop held long enough fills the socket's backlog: try again
                    admin(self.sock_path, {"cmd": "agents.list"})
                    break
                except OSError:
                    time.sleep(0.001)
            self.samples.append((t0, time.monotonic() - t0))
            time.sleep(0.001)

    def worst(self, t0, t1):
        return max((d for t, d in self.samples if t0 <= t + d and t <= t1), default=0.0)


def load(db, msm, n, probes):
    """n results of msm from probes probes, 100 a second; the timestamp column
    filled as the controller's own insert does, where the store has one."""
    con = sqlite3.connect(db, timeout=60)
    pad = "x" * 200
    has_ts = any(c[1] == "ts" for c in con.execute("PRAGMA table_info(results)"))
    rows = ((1000 + i % probes, i + 1, msm, 1700000000 + i // probes,
             json.dumps({"timestamp": 1700000000 + i // probes, "fw": 5000, "pad": pad}))
            for i in range(n))
    with con:
        if has_ts:
            con.executemany("INSERT INTO results(agent_id, seq, msm_id, ts, body)"
                            " VALUES (?, ?, ?, ?, ?)", rows)
        else:
            con.executemany("INSERT INTO results(agent_id, seq, msm_id, body)"
                            " VALUES (?, ?, ?, ?)", (r[:3] + r[4:] for r in rows))
    con.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200000)
    ap.add_argument("--probes", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--build", default=os.environ.get("VANTAGE_RELEASE_BUILD", ROOT / "build"))
    a = ap.parse_args()
    build = Path(a.build)
    d = Path(tempfile.mkdtemp(prefix="vapi-bench-"))
    port = 20000 + os.getpid() % 20000
    api = f"127.0.0.1:{port + 1}"
    log = open(d / "controller.log", "w")
    # --allow-root: this script writes the results straight into the store as
    # root, beside the controller; the lab configuration allows lab targets
    ctl = subprocess.Popen([build / "src/cmd/vantage-controller", "--dir", d, "--port", str(port),
                            "--api", api, "--allow-root",
                            "--config", ROOT / "etc/vantage/controller-lab.conf"], stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            if "API on https://" in (d / "controller.log").read_text():
                break
            time.sleep(0.1)
        sock = str(d / "admin.sock")
        agent = admin(sock, {"cmd": "agents.add", "fp": "ab" * 32, "approve": True})["data"]["id"]
        key = subprocess.run([build / "src/cmd/vantage", "keys", "add", "bench", "--dir", d],
                             capture_output=True, text=True, check=True).stdout.split()[-1]
        s = requests.Session()
        s.verify = str(d / "api.crt")
        s.trust_env = False  # REQUESTS_CA_BUNDLE would override verify
        s.headers["Authorization"] = "Key " + key
        base = f"https://{api}/api/v2/measurements/"
        body = {"definitions": [{"type": "ping", "af": 4, "target": "198.18.1.9",
                                 "description": "bench"}],
                "probes": [{"type": "probes", "value": str(agent), "requested": 1}],
                "is_oneoff": True}
        msm = s.post(base, json=body).json()["measurements"][0]
        t = time.monotonic()
        load(str(d / "controller.db"), msm, a.rows, a.probes)
        print(f"bench/api: {a.rows} results of {a.probes} probes stored in"
              f" {time.monotonic() - t:.1f}s (release build {build})")
        w = Watcher(sock)
        w.start()
        time.sleep(1.0)
        print(f"idle, no request: the longest wait {w.worst(0, time.monotonic()) * 1e3:.1f} ms")
        msm_src = dict(body, probes=[{"type": "msm", "value": str(msm), "requested": 1}])
        cases = [
            ("GET results/?start=<future>", "GET", f"{base}{msm}/results/?start=2000000000", None),
            ("GET results/?start=<last minute>", "GET",
             f"{base}{msm}/results/?start={1700000000 + a.rows // a.probes - 60}", None),
            ("GET latest/", "GET", f"{base}{msm}/latest/", None),
            ("GET measurements/{id}/ (ownership)", "GET", f"{base}{msm}/", None),
            ("GET measurements/", "GET", base, None),
            ("POST measurements/ with an msm source", "POST", base, msm_src),
            ("GET results/ (all, streamed)", "GET", f"{base}{msm}/results/", None),
        ]
        print(f"{'request':44s} {'time (median)':>14s}  loop held: least  median  (of {a.repeat})")
        for name, method, url, js in cases:
            took, held = [], []
            for _ in range(a.repeat if "all" not in name else 1):
                time.sleep(0.2)
                t0 = time.monotonic()
                try:
                    r = s.request(method, url, json=js, timeout=600)
                    size, status = len(r.content), r.status_code
                except requests.RequestException as e:  # e.g. closed by the server's timeout
                    size, status = 0, type(e).__name__
                t1 = time.monotonic()
                time.sleep(0.05)
                took.append(t1 - t0)
                held.append(w.worst(t0, t1))
            print(f"{name:44s} {statistics.median(took) * 1e3:11.1f} ms  {min(held) * 1e3:13.1f}"
                  f" {statistics.median(held) * 1e3:7.1f} ms  (HTTP {status}, {size} bytes)")
        w.stop = True
        w.join()
    finally:
        ctl.terminate()
        ctl.wait(timeout=30)
        log.close()
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
