#!/usr/bin/python3
"""bench/api/loophold.py: how long one REST API request holds the controller's
event loop (the loop its agents depend on), with N results stored.

A release vantage-controller runs on loopback in a temporary directory with
its API; one measurement gets N results (default 200,000) from 100 probes,
written straight into its SQLite store. A watcher sends the admin socket's
cheapest command ("agents.list", answered on the same loop) every
millisecond; while one API request runs, the longest wait for an answer is
the time the request held the loop (less the idle floor printed first).
Prints one line per request: its own time and the loop held. Bounded: one
controller, N rows, a few requests; removes everything it made."""
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
            admin(self.sock_path, {"cmd": "agents.list"})
            self.samples.append((t0, time.monotonic() - t0))
            time.sleep(0.001)

    def worst(self, t0, t1):
        return max((d for t, d in self.samples if t0 <= t + d and t <= t1), default=0.0)


def load(db, msm, n, probes):
    con = sqlite3.connect(db, timeout=60)
    pad = "x" * 200
    with con:
        con.executemany(
            "INSERT INTO results(agent_id, seq, msm_id, body) VALUES (?, ?, ?, ?)",
            ((1000 + i % probes, i + 1, msm,
              json.dumps({"timestamp": 1700000000 + i // probes, "fw": 5000, "pad": pad}))
             for i in range(n)))
    con.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200000)
    ap.add_argument("--probes", type=int, default=100)
    ap.add_argument("--build", default=os.environ.get("VANTAGE_RELEASE_BUILD", ROOT / "build"))
    a = ap.parse_args()
    build = Path(a.build)
    d = Path(tempfile.mkdtemp(prefix="vapi-bench-"))
    port = 20000 + os.getpid() % 20000
    api = f"127.0.0.1:{port + 1}"
    log = open(d / "controller.log", "w")
    ctl = subprocess.Popen([build / "src/cmd/vantage-controller", "--dir", d, "--port", str(port),
                            "--api", api], stdout=log, stderr=subprocess.STDOUT)
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
        print(f"{'idle (no request)':44s} {'':>10s}  loop held {w.worst(0, time.monotonic()) * 1e3:7.1f} ms")
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
        for name, method, url, js in cases:
            time.sleep(0.3)
            t0 = time.monotonic()
            r = s.request(method, url, json=js, timeout=600)
            size = len(r.content)
            t1 = time.monotonic()
            time.sleep(0.05)
            print(f"{name:44s} {(t1 - t0) * 1e3:8.1f} ms  loop held {w.worst(t0, t1) * 1e3:7.1f} ms"
                  f"  (HTTP {r.status_code}, {size} bytes)")
        w.stop = True
        w.join()
    finally:
        ctl.terminate()
        ctl.wait(timeout=30)
        log.close()
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
