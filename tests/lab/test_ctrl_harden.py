"""Hostile agents and operators' mistakes against the controller (issue 11):
removing an agent by its key disconnects that agent only; an agent cannot
forge controller log lines; the controller reconciles an agent's schedule on
every connect; quotas and connection limits keep one agent or one stranger
from stopping everyone else. Runs on the small platform of platform_lab.py."""
import json
import os
import secrets
import time

import pytest

from platform_lab import Platform, sanitizer_clean, wait_for
from test_platform import frame, make_cert, raw_session

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces")


@pytest.fixture
def lab():
    p = Platform(prefix="vch")
    yield p
    p.close()


def connected(agent):
    return "connected to the controller" in agent.text()


def fp_naming_a_number(lab, i):
    """Agent i's key, made again until its fingerprint reads as a small number
    to atoll() (a digit 1-9, then a hex letter); returns (fp, that number)."""
    key = lab.dir / f"agent{i}" / "agent.key"
    for _ in range(200):
        fp = lab.agent_fp(i)
        if fp[0] in "123456789" and fp[1] in "abcdef":
            return fp, int(fp[0])
        key.unlink()
    raise AssertionError("no key with a numeric-looking fingerprint in 200 tries")


def test_remove_by_key_disconnects_that_agent_only(lab):
    lab.start_controller()
    fp2, n = fp_naming_a_number(lab, 2)
    for _ in range(n - 1):     # fill the ids below n with agents that never connect
        assert lab.admin("agents", "add", secrets.token_hex(32)).returncode == 0
    victim, _ = lab.register(1)
    assert victim == n
    removed, _ = lab.register(2)
    ag1, ag2 = lab.start_agent(1), lab.start_agent(2)
    wait_for(lambda: connected(ag1) and connected(ag2), 20, "both agents to connect")
    p = lab.admin("agents", "remove", fp2)
    assert p.returncode == 0, p.stderr
    wait_for(lambda: f"agent {removed} disconnected" in lab.controller.text(), 10,
             "the removed agent to be disconnected")
    time.sleep(1)
    log = lab.controller.text()
    assert f"agent {victim} disconnected" not in log, log[-2000:]
    assert "disconnected" not in ag1.text()


FORGED = "2026-01-01T00:00:00Z vantage-controller: FORGED"


def test_agent_cannot_forge_log_lines(lab):
    lab.start_controller()
    _, fp = lab.register(5)
    key = lab.dir / "agent5" / "agent.key"
    make_cert(key)
    msgs = [
        (1, {"agent": fp, "version": "1.0\n" + FORGED + " hello", "role": "probe"}),
        (4, {"version": "1.0", "uptime": 1, "spool_records": 0, "spool_bytes": 0,
             "reason": "paused\r\n" + FORGED + " status\x1b[2J"}),
        (9, {"msm_id": 1, "reason": "no\n" + FORGED + " refuse"}),
        (10, {"reason": "bye\n" + FORGED + " error\x07"}),
    ]
    data = b"".join(frame(t, json.dumps(m).encode()) for t, m in msgs)
    raw_session(lab, 5, key, data)
    wait_for(lambda: "FORGED error" in lab.controller.text(), 10, "the agent's error to be logged")
    log = lab.controller.text()
    for kind in ("hello", "status", "refuse", "error"):
        assert f"FORGED {kind}" in log, kind   # logged, escaped, on the agent's own line
    lines = log.splitlines()
    assert not [l for l in lines if l.startswith(FORGED)], log[-2000:]
    assert not [c for c in log if ord(c) < 0x20 and c != "\n" or ord(c) == 0x7f], log[-2000:]
    assert lab.controller.stop() == 0
    assert sanitizer_clean(lab.controller.text())


def schedule_ids(lab, i):
    """The measurement ids in agent i's saved schedule."""
    path = lab.dir / f"agent{i}" / "spool" / "schedule.json"
    try:
        return {m["msm_id"] for m in json.loads(path.read_text())["msms"]}
    except (OSError, ValueError):
        return set()


def results_of(lab, msm):
    return sum(1 for r in json.loads(lab.admin("results", "export", "--msm", msm,
                                               "--format", "json").stdout or "[]"))


def create_periodic(lab, aid, target, interval=1):
    p = lab.admin("measurement", "create", "--type", "ping", "--target", target, "--agents",
                  str(aid), "--interval", interval, "--def", '{"fake_ms": 5}')
    assert p.returncode == 0, p.stderr
    return int(p.stdout)


def one_connected_agent(lab):
    """Start the controller and agent 1, registered; (its id, its process) once connected."""
    lab.start_controller()
    aid, _ = lab.register(1)
    agent = lab.start_agent(1)
    wait_for(lambda: connected(agent), 20, "the agent to connect")
    return aid, agent


def test_stop_while_offline_reaches_the_agent(lab):
    aid, agent = one_connected_agent(lab)
    keep = create_periodic(lab, aid, "198.18.0.1")
    gone = create_periodic(lab, aid, "198.18.0.2")
    wait_for(lambda: schedule_ids(lab, 1) == {keep, gone}, 10, "both in the agent's schedule")
    assert agent.stop() == 0
    assert lab.admin("measurement", "stop", gone).returncode == 0   # the agent is offline
    agent = lab.start_agent(1)
    wait_for(lambda: agent.text().count("connected to the controller") >= 2, 20, "a reconnect")
    wait_for(lambda: schedule_ids(lab, 1) == {keep}, 10, "the stopped one to leave the schedule")
    time.sleep(1.5)
    before = results_of(lab, gone)
    time.sleep(2.5)
    assert results_of(lab, gone) == before          # it no longer runs
    assert agent.stop() == 0                         # and it does not come back on a restart
    agent = lab.start_agent(1)
    wait_for(lambda: agent.text().count("connected to the controller") >= 3, 20, "a reconnect")
    assert "1 measurements resumed" in agent.text()
    assert schedule_ids(lab, 1) == {keep}
    assert agent.stop() == 0
    assert sanitizer_clean(agent.text())


def test_schedule_written_when_it_changes_not_when_it_runs(lab):
    aid, agent = one_connected_agent(lab)
    msm = create_periodic(lab, aid, "198.18.0.1")
    wait_for(lambda: results_of(lab, msm) >= 2, 15, "two runs")
    path = lab.dir / "agent1" / "spool" / "schedule.json"
    inode = path.stat().st_ino        # every save renames a new file over it
    n = results_of(lab, msm)
    wait_for(lambda: results_of(lab, msm) >= n + 3, 15, "three more runs")
    assert path.stat().st_ino == inode, "the schedule was rewritten by a run"
    assert agent.stop() == 0


HOLDER = r"""
import json, select, socket, sys, time
addr, n, hold = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
socks, failed = [], 0
for _ in range(n):
    try:
        socks.append(socket.create_connection((addr, 4443), timeout=5))
    except OSError:
        failed += 1
def closed_by_server():
    k = 0
    for s in socks:
        r, _, _ = select.select([s], [], [], 0)
        if r:
            try:
                if s.recv(1, socket.MSG_PEEK) == b"":
                    k += 1
            except OSError:
                k += 1
    return k
marks, t0 = {}, time.monotonic()
for at in (1.0, hold):
    time.sleep(max(0, t0 + at - time.monotonic()))
    marks[str(at)] = closed_by_server()
print(json.dumps({"opened": len(socks), "failed": failed, "closed": marks}), flush=True)
"""


def hold_connections(lab, i, n, seconds):
    """From agent i's namespace, open n TCP connections to the controller and
    never start TLS; returns the process whose output says how many the
    controller closed after 1 s and after `seconds`."""
    import subprocess
    return subprocess.Popen(["ip", "netns", "exec", f"{lab.tag}a{i}", "/usr/bin/python3", "-c",
                             HOLDER, f"198.18.250.{4 * i + 1}", str(n), str(seconds)],
                            stdout=subprocess.PIPE, text=True)


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_strangers_cannot_exhaust_the_agent_port(lab):
    lab.start_controller("--handshake-timeout", 3)
    aid, _ = lab.register(1)
    lab.agent_fp(3)                                  # a namespace for the stranger
    holder = hold_connections(lab, 3, 40, 6)
    time.sleep(0.5)
    agent = lab.start_agent(1)                       # a real agent still gets in
    wait_for(lambda: connected(agent), 20, "the agent to connect beside the strangers")
    assert lab.admin("agents", "list").returncode == 0
    out = json.loads(holder.communicate(timeout=30)[0])
    assert out["opened"] + out["failed"] == 40
    # at most 8 unauthenticated connections from one address are kept at a time ...
    assert out["closed"]["1.0"] >= 40 - 8 - out["failed"], out
    # ... and none of them outlives the handshake deadline (3 s)
    assert out["closed"]["6.0"] == out["opened"], out
    log = lab.controller.text()
    assert "too many unauthenticated connections from 198.18.250.14" in log
    assert lab.controller.stop() == 0
    assert sanitizer_clean(lab.controller.text())


def test_out_of_descriptors_neither_spins_nor_stops_the_listener(lab):
    from platform_lab import CONTROLLER, LAB_CONFIG, PORT, RUN_USER, Proc
    cdir = lab.dir / "controller"
    log = lab.dir / "controller.log"
    lab.controller = Proc(["prlimit", "--nofile=40:40", CONTROLLER, "--config", LAB_CONFIG,
                           "--dir", cdir, "--listen", "0.0.0.0", "--port", PORT,
                           "--heartbeat", 1, "--no-reach-check", "--user", RUN_USER],
                          log, lab.ns)
    wait_for(lambda: "listening on" in log.read_text(), 20, "the controller to listen")
    lab.fp = log.read_text().split("fingerprint ")[1].split()[0]
    aid, _ = lab.register(1)
    # six strangers of 10 connections each: more than the 40 descriptors, within
    # the limits per address
    for k in range(3, 9):
        lab.agent_fp(k)
    holders = [hold_connections(lab, k, 10, 3) for k in range(3, 9)]
    time.sleep(1)
    t0 = cpu_seconds(lab.controller.p.pid)
    time.sleep(1.5)
    busy = cpu_seconds(lab.controller.p.pid) - t0
    outs = [json.loads(h.communicate(timeout=30)[0]) for h in holders]
    assert busy < 0.5, f"the controller spun {busy:.2f} s of 1.5 s out of descriptors"
    text = log.read_text()
    assert "out of file descriptors" in text or "Too many open files" in text, text[-2000:]
    assert text.count("\n") < 200, "the accept error was logged in a loop"
    agent = lab.start_agent(1)                       # the listener took up again
    wait_for(lambda: connected(agent), 20, "the agent to connect after the flood")
    assert sum(o["opened"] for o in outs) > 0
    assert lab.controller.stop() == 0


def test_api_key_caps():
    from test_api import API, ApiPlatform
    lab = ApiPlatform()
    try:
        lab.start_controller("--api", API, "--key-max-running", 2, "--key-max-probes", 2)
        wait_for(lambda: "API on https://" in lab.controller.text(), 10, "the API to start")
        ids = [lab.register(i)[0] for i in (1, 2, 3)]
        key = lab.new_key("alice")

        def create(probes, target):
            body = {"definitions": [{"type": "ping", "af": 4, "target": target,
                                     "description": "cap", "interval": 60}],
                    "probes": [{"type": "probes", "value": ",".join(map(str, probes)),
                                "requested": len(probes)}]}
            return lab.http("POST", "/api/v2/measurements/", key=key, body=body)

        r = create(ids, "198.18.0.1")
        assert r["status"] == 400 and "at most 2 probes" in r["text"], r
        made = []
        for t in ("198.18.0.2", "198.18.0.3"):
            r = create(ids[:2], t)
            assert r["status"] == 201, r
            made.append(json.loads(r["text"])["measurements"][0])
        r = create(ids[:1], "198.18.0.4")
        assert r["status"] == 400 and "at most 2 measurements at once" in r["text"], r
        r = lab.http("POST", f"/api/v2/measurements/{made[0]}/participation-requests/", key=key,
                     body=[{"action": "add", "type": "probes", "value": str(ids[2]),
                            "requested": 1}])
        assert r["status"] == 400 and "at most 2 probes" in r["text"], r
        assert lab.http("DELETE", f"/api/v2/measurements/{made[0]}/", key=key)["status"] == 204
        assert create(ids[:1], "198.18.0.5")["status"] == 201   # a stop makes room
        assert len(lab.sql("SELECT msm_id FROM api_msm")) == 3   # nothing refused was stored
        assert lab.controller.stop() == 0
        assert sanitizer_clean(lab.controller.text())
    finally:
        lab.close()


HOSTILE = r"""
import json, select, socket, ssl, struct, sys, time
a = json.loads(sys.argv[1])

def connect():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.load_cert_chain(a["key"] + ".crt", a["key"])
    return ctx.wrap_socket(socket.create_connection((a["addr"], 4443), timeout=10))

def frame(t, obj):
    p = json.dumps(obj).encode()
    return struct.pack(">IBBH", len(p), 1, t, 0) + p

class Reader:
    def __init__(self, s):
        self.s, self.buf, self.eof = s, b"", False
    def poll(self, wait):
        out = []
        r, _, _ = select.select([self.s], [], [], wait)
        if r or self.s.pending():
            try:
                b = self.s.recv(1 << 20)
                self.eof = not b
                self.buf += b
            except (ssl.SSLError, OSError):
                self.eof = True
        while len(self.buf) >= 8:
            n, _, t, _ = struct.unpack(">IBBH", self.buf[:8])
            if len(self.buf) < 8 + n:
                break
            out.append((t, json.loads(self.buf[8:8 + n])))
            self.buf = self.buf[8 + n:]
        return out

def hello(s):
    s.sendall(frame(1, {"agent": a["fp"], "version": "x", "role": "probe"}))
    r, end, got = Reader(s), time.monotonic() + 5, []
    while time.monotonic() < end and not r.eof:
        got += r.poll(0.1)
        if any(t in (2, 10) for t, _ in got):
            break
    return r, got

out = {"errors": []}
if a["mode"] == "hellos":
    t0 = time.monotonic()
    for _ in range(a["n"]):
        s = connect()
        _, got = hello(s)
        out["errors"] += [m["reason"] for t, m in got if t == 10]
        s.close()
    out["elapsed"] = time.monotonic() - t0
elif a["mode"] == "flood":
    s = connect()
    r, got = hello(s)
    seq = [m["seq"] for t, m in got if t == 2][0]
    t0, acked, sent = time.monotonic(), seq, 0
    pad = "x" * a["size"]
    while not r.eof and time.monotonic() < t0 + a["seconds"]:
        if sent < a["n"] and seq + sent - acked < 64:
            try:
                s.sendall(frame(7, {"seq": seq + sent + 1, "msm_id": a["msm"],
                                    "body": {"msm_id": a["msm"], "type": "ping", "pad": pad}}))
                sent += 1
            except (ssl.SSLError, OSError):     # closed on us: read why
                sent = a["n"]
        for t, m in r.poll(0 if sent < a["n"] else 0.1):
            if t == 8:
                acked = m["seq"]
            if t == 10:
                out["errors"].append(m["reason"])
        if acked == seq + a["n"]:
            break
    out.update(sent=sent, acked=acked - seq, elapsed=time.monotonic() - t0)
elif a["mode"] == "timing":
    s = connect()
    r, got = hello(s)
    rep = {"timestamp": int(time.time()), "flags": [], "pad": "x" * a["size"]}
    s.sendall(frame(4, {"version": "x", "uptime": 1, "spool_records": 0, "spool_bytes": 0,
                        "timing": rep}))
    time.sleep(1)
print(json.dumps(out), flush=True)
"""


def hostile(lab, i, fp, **args):
    """Run the hostile agent i (registered key fp) in its namespace; its outcome."""
    import subprocess
    key = lab.dir / f"agent{i}" / "agent.key"
    if not os.path.exists(str(key) + ".crt"):
        make_cert(key)
    a = {"addr": f"198.18.250.{4 * i + 1}", "key": str(key), "fp": fp, **args}
    p = subprocess.run(["ip", "netns", "exec", f"{lab.tag}a{i}", "/usr/bin/python3", "-c",
                        HOSTILE, json.dumps(a)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def sessions_of(lab, aid):
    return [s for s in lab.admin_json("agents", "sessions", aid)]


def test_hello_loop_stores_little(lab):
    lab.start_controller()
    aid, fp = lab.register(5)
    out = hostile(lab, 5, fp, mode="hellos", n=25)
    assert any("too many connections" in e for e in out["errors"]), out
    # 10 at once, then one each 6 s (hello_bucket.h): refused HELLOs take
    # nothing, so the limit forgets, and the flood still stores little
    assert len(sessions_of(lab, aid)) <= 10 + int(out["elapsed"] / 6), out
    assert "HELLO" in lab.controller.text()


def test_result_rate_and_daily_bytes_quota(lab):
    lab.start_controller("--quota-results-per-sec", 50, "--quota-mb-per-day", 1)
    aid, fp = lab.register(5)
    msm = create_periodic(lab, aid, "198.18.0.9", interval=3600)
    out = hostile(lab, 5, fp, mode="flood", n=150, size=100, msm=msm, seconds=30)
    assert out["acked"] == 150 and not out["errors"], out
    assert out["elapsed"] >= (150 - 2 * 50) / 50 * 0.8, out       # held to 50 a second
    out = hostile(lab, 5, fp, mode="flood", n=20, size=100_000, msm=msm, seconds=30)
    # the ERROR with the reason may be lost to the reset of a connection closed
    # with unread input; the log has it, and the next HELLO gets it
    assert "refused: daily quota of 1 MiB reached" in lab.controller.text()
    assert out["acked"] <= 11, out
    out = hostile(lab, 5, fp, mode="hellos", n=1)
    assert any("daily quota" in e for e in out["errors"]), out


def test_timing_report_size_quota(lab):
    lab.start_controller()
    aid, fp = lab.register(5)
    hostile(lab, 5, fp, mode="timing", size=200_000)
    hostile(lab, 5, fp, mode="timing", size=1000)
    rows = lab.admin_json("agents", "timing", aid)
    assert len(rows) == 1 and len(json.dumps(rows[0])) < 5000, rows
    assert "timing report of" in lab.controller.text()


@pytest.fixture
def small_disk(lab):
    import subprocess
    d = lab.dir / "controller"
    d.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(d)], check=True)
    yield d
    if lab.controller and lab.controller.alive():
        lab.controller.kill9()
    subprocess.run(["umount", "-l", str(d)], check=False)


def test_disk_floor_refuses_with_a_reason_and_spares_others(lab, small_disk):
    lab.start_controller("--disk-floor-mb", 8)
    good, _ = lab.register(1)
    bad, fp = lab.register(5)
    agent = lab.start_agent(1)
    create_periodic(lab, good, "198.18.0.1")
    msm = create_periodic(lab, bad, "198.18.0.9", interval=3600)
    wait_for(lambda: results_of(lab, 1) >= 2, 20, "the good agent's results")
    out = hostile(lab, 5, fp, mode="flood", n=40, size=900_000, msm=msm, seconds=60)
    assert "controller disk nearly full" in lab.controller.text()
    out = hostile(lab, 5, fp, mode="hellos", n=1)   # the reason, also if the flood's ERROR was lost
    assert any("controller disk nearly full" in e for e in out["errors"]), out
    log = lab.controller.text()
    assert "commit of" not in log, log[-3000:]               # no commit failed ...
    assert "controller storage error" not in agent.text()    # ... to close the good agent
    assert lab.admin("agents", "list").returncode == 0       # and the controller serves on
    assert lab.controller.stop() == 0
