"""Ingest's "nothing lost, nothing twice" against agents that misbehave and
controllers that die (issue 11, holes 1, 2, 3 and 5). Hand-driven agents
(raw_agent.py) send what vantage-agent never would: results of measurements
they were never given, reused and out-of-order sequence numbers; an API
create is followed at once by kill -9 of the controller. Each test states
what must hold; the store is read directly afterwards."""
import json
import os
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from platform_lab import PORT, VANTAGE, Platform, drained, sanitizer_clean, settled, sh, wait_for

HERE = Path(__file__).resolve().parent
PY = "/usr/bin/python3"
API = "127.0.0.1:8443"

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces")


@pytest.fixture
def lab():
    p = Platform(prefix="vin")
    yield p
    p.close()


def raw_agent(lab, i, fp, steps, ns=None, addr=None):
    """Run raw_agent.py with agent i's key; returns the messages it received."""
    key = lab.dir / f"agent{i}" / "agent.key"
    if not Path(str(key) + ".crt").exists():
        sh("openssl", "req", "-x509", "-new", "-key", str(key), "-subj", "/CN=test", "-days", "1",
           "-out", str(key) + ".crt")
    cfg = {"addr": addr or f"198.18.250.{4 * i + 1}", "port": PORT, "key": str(key), "fp": fp,
           "steps": steps}
    p = subprocess.run(["ip", "netns", "exec", ns or f"{lab.tag}a{i}", PY,
                        str(HERE / "raw_agent.py"), json.dumps(cfg)],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return [json.loads(l) for l in p.stdout.splitlines()]


def result(seq, msm, **extra):
    body = {"type": "ping", "msm_id": msm, "timestamp": int(time.time()), "from": "198.18.250.10",
            "dst_addr": "198.18.0.1", "sent": 1, "rcvd": 1, **extra}
    return {"send": "result", "msg": {"seq": seq, "msm_id": msm, "body": body, **extra}}


def sql(lab, query, *args):
    con = sqlite3.connect(f"file:{lab.db()}?mode=ro", uri=True, timeout=10)
    try:
        return con.execute(query, args).fetchall()
    finally:
        con.close()


def acks(msgs):
    return [m["seq"] for m in msgs if m.get("type") == "ack"]


def create(lab, agent, **kw):
    p = lab.admin("measurement", "create", "--type", "ping", "--target", "198.18.0.7",
                  "--agents", str(agent), "--def", '{"fake_ms": 5}', *sum(
                      ([f"--{k}", str(v)] for k, v in kw.items()), []))
    assert p.returncode == 0, p.stderr
    return int(p.stdout)


def test_results_of_measurements_never_assigned_are_refused(lab):
    """Hole 1: an agent may only write into measurements it was given; results
    of a measurement it ran and that was stopped meanwhile still count."""
    lab.start_controller()
    other, _ = lab.register(1)
    me, fp = lab.register(2)
    not_mine = create(lab, other, interval=60)
    mine_stopped = create(lab, me, interval=60)
    assert lab.admin("measurement", "stop", mine_stopped).returncode == 0
    msgs = raw_agent(lab, 2, fp, [
        {"hello": {}},
        result(1, not_mine), result(2, 987654), result(3, mine_stopped),
        {"wait": 3},
    ])
    rows = sql(lab, "SELECT msm_id, seq FROM results WHERE agent_id = ?", me)
    assert rows == [(mine_stopped, 3)], rows
    # refused durably, so the agent may forget them: acked, counted and logged with a reason
    assert acks(msgs) and max(acks(msgs)) == 3, msgs
    shown = lab.admin_json("agents", "show", me)
    assert shown["results_refused"] == 2, shown
    stats = lab.admin_raw({"cmd": "stats"})["data"]
    assert stats["results_refused"] == 2, stats
    log = lab.controller.text()
    assert f"agent {me}: result 1 refused: measurement {not_mine} was never assigned to it" in log
    assert f"agent {me}: result 2 refused: measurement 987654 was never assigned to it" in log
    assert lab.controller.stop() == 0
    assert sanitizer_clean(lab.controller.text())


def test_api_create_is_committed_before_it_is_answered(lab):
    """Hole 5: a 201 means the measurement is stored. An agent's HELLO opens the
    group-commit transaction (flushed 900 ms later); the create that comes
    meanwhile must not wait for it, and kill -9 right after the answer keeps it."""
    lab.start_controller("--api", API, "--flush-ms", "900")
    wait_for(lambda: "API on https://" in lab.controller.text(), 10, "the API to start")
    me, fp = lab.register(1)
    key = subprocess.run([str(VANTAGE), "keys", "add", "alice", "--dir",
                          str(lab.dir / "controller")], capture_output=True, text=True,
                         timeout=30).stdout.split()[-1]
    body = {"definitions": [{"type": "ping", "af": 4, "target": "198.18.0.9",
                             "description": "durable", "is_oneoff": True}],
            "probes": [{"type": "probes", "value": str(me), "requested": 1}]}
    req = {"method": "POST", "url": f"https://{API}/api/v2/measurements/", "key": key,
           "body": body, "cafile": str(lab.dir / "controller" / "api.crt")}
    agentkey = lab.dir / "agent1" / "agent.key"
    sh("openssl", "req", "-x509", "-new", "-key", str(agentkey), "-subj", "/CN=test", "-days", "1",
       "-out", str(agentkey) + ".crt")
    cfg = {"addr": "127.0.0.1", "port": PORT, "key": str(agentkey), "fp": fp,
           "steps": [{"hello": {}}, {"api": req}, {"wait": 5}]}
    p = subprocess.Popen(["ip", "netns", "exec", lab.ns, PY, str(HERE / "raw_agent.py"),
                          json.dumps(cfg)], stdout=subprocess.PIPE, text=True)
    answer = None
    for line in p.stdout:
        m = json.loads(line)
        if "api" in m:
            answer = m
            lab.controller.kill9()
            break
    p.kill()
    p.wait(timeout=10)
    assert answer and answer["api"] == 201, answer
    msm = json.loads(answer["body"])["measurements"][0]
    lab.start_controller("--api", API)
    wait_for(lambda: lab.controller.text().count("API on https://") == 2, 10,
             "the API to start again")
    rows = sql(lab, "SELECT id FROM measurements")
    assert (msm,) in rows, (msm, rows)
    assert sql(lab, "SELECT agent_id FROM msm_agents WHERE msm_id = ?", msm) == [(me,)]


def bodies(lab, agent):
    """The stored results of agent: [(fake_pid, fake_n, msm_id, body)]."""
    out = []
    for msm, body in sql(lab, "SELECT msm_id, body FROM results WHERE agent_id = ?", agent):
        b = json.loads(body)
        out.append((b.get("fake_pid"), b.get("fake_n"), msm, b))
    return out


def test_results_over_the_frame_limit_are_kept_or_refused_with_a_reason(lab):
    """Hole 3: a result the spool takes but no frame can carry, and one over
    every limit, each end up in the store (whole, or as a refusal that says
    why); nothing is acked past them unsent, and measuring goes on."""
    lab.start_controller()
    me, _ = lab.register(1, timing_interval=0)
    agent = lab.start_agent(1)
    wait_for(lambda: "connected to the controller" in agent.text(), 20, "the agent to connect")
    limit = 1 << 20
    big = create(lab, me, **{"def": json.dumps({"fake_ms": 5, "fake_size": limit - 30})})
    huge = create(lab, me, **{"def": json.dumps({"fake_ms": 5, "fake_size": 3 * limit})})
    small = create(lab, me, interval=1)
    wait_for(lambda: len([b for b in bodies(lab, me) if b[2] == small]) >= 6, 40,
             "results of the small measurement after the big ones")
    assert lab.admin("measurement", "stop", small).returncode == 0
    # counted against the spool below: it must hold still, not be drained for a moment
    wait_for(settled(lab, (1,)), 30, "the spool to drain and stay drained")
    rows = {b[2]: b[3] for b in bodies(lab, me)}
    for msm, size in ((big, limit - 30), (huge, 3 * limit)):
        assert msm in rows, f"the result of {size} bytes (measurement {msm}) was lost"
        r = rows[msm]
        assert len(r.get("pad", "")) > size - 1000 or \
            f"result of {size} bytes" in r.get("error", ""), r.get("error")
    produced = lab.spool_next_seq(1) - 1
    assert lab.stored()[me] == (produced, 1, produced)
    assert agent.stop() == 0
    assert "measuring paused" not in agent.text() or "measuring resumed" in agent.text()
    assert sanitizer_clean(agent.text())


def test_acks_cover_only_what_came_in_order(lab):
    """Hole 3: a result that says it follows one the controller never got is
    not stored, nothing past the gap is acked, and the agent is told why."""
    lab.start_controller()
    me, fp = lab.register(2)
    msm = create(lab, me, interval=60)
    msgs = raw_agent(lab, 2, fp, [
        {"hello": {}},
        result(1, msm, prev=0), result(3, msm, prev=2),
        {"wait": 3},
    ])
    assert acks(msgs) == [1], msgs
    assert [m for m in msgs if m.get("type") == "error" and "2" in m["reason"]], msgs
    assert sql(lab, "SELECT seq FROM results WHERE agent_id = ?", me) == [(1,)]


def test_agent_restored_from_a_snapshot_loses_nothing(lab):
    """Hole 2: an agent restored from a snapshot of its disk measures before it
    reaches the controller, so its new results carry sequence numbers the
    controller already holds (with other results). The controller says the
    agent was rewound, the agent takes a new sequence epoch, and every result
    of every process is stored once: none dropped as a "duplicate"."""
    lab.start_controller()
    me, _ = lab.register(1, timing_interval=0)
    agent = lab.start_agent(1)
    msm = create(lab, me, interval=1)
    wait_for(lambda: lab.stored().get(me, (0,))[0] >= 5, 30, "first results")
    assert agent.stop() == 0
    spool = lab.dir / "agent1" / "spool"
    snap = lab.dir / "snapshot"
    sh("cp", "-a", str(spool), str(snap))
    agent = lab.start_agent(1)                       # the original goes on
    before = lab.stored()[me][0]
    wait_for(lambda: lab.stored()[me][0] >= before + 6, 30, "the original's results")
    assert agent.stop() == 0
    sh("rm", "-rf", str(spool))
    sh("cp", "-a", str(snap), str(spool))            # the snapshot comes back
    lab.cut(1)
    agent = lab.start_agent(1)
    wait_for(lambda: "measurements resumed from" in agent.text(), 10, "the schedule to load")
    time.sleep(4)                                    # it measures while cut off
    lab.restore(1)
    wait_for(lambda: "connected to the controller" in agent.text(), 30, "the agent to reconnect")
    time.sleep(3)
    assert lab.admin("measurement", "stop", msm).returncode == 0
    wait_for(lambda: drained(lab, 1), 30, "the spool to drain")
    assert agent.stop() == 0
    rows = bodies(lab, me)
    pids = sorted({r[0] for r in rows}, key=lambda p: min(r[1] for r in rows if r[0] == p))
    by_pid = {p: sorted(r[1] for r in rows if r[0] == p) for p in pids}
    assert len(by_pid) == 3, {p: len(v) for p, v in by_pid.items()}
    for p, ns in by_pid.items():
        assert len(ns) == len(set(ns)), f"process {p}: a result stored twice"
        # the second process's unacked tail went with the disk it ran on
        assert ns == list(range(1, ns[-1] + 1)), f"process {p}: results missing: " \
            f"{sorted(set(range(1, ns[-1] + 1)) - set(ns))}"
    assert "rewound" in lab.controller.text()
    assert "new sequence epoch" in agent.text()
    assert sanitizer_clean(agent.text()) and sanitizer_clean(lab.controller.text())


def test_each_result_keeps_its_own_epoch(lab):
    """Hole 2: after a new epoch an agent still uploads its older results of the
    old one; each is stored under the epoch it names, not the HELLO's."""
    lab.start_controller()
    me, fp = lab.register(2)
    msm = create(lab, me, interval=60)
    msgs = raw_agent(lab, 2, fp, [
        {"send": "hello", "msg": {"agent": fp, "version": "raw", "role": "probe", "epoch": 5,
                                  "seq": 3}},
        {"wait": 1},
        result(1, msm, epoch=4, prev=0), result(2, msm, epoch=5, prev=1),
        {"wait": 3},
    ])
    assert acks(msgs) and max(acks(msgs)) == 2, msgs
    assert sql(lab, "SELECT epoch, seq FROM results WHERE agent_id = ? ORDER BY seq", me) == \
        [(4, 1), (5, 2)]
