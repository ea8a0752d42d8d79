"""Agent states on a running platform (issue 15, uptime): an agent is Never
Connected until it connects, Connected while it is, Disconnected once its
link is cut (with the reason kept on its session), and Connected again when
it returns; a controller killed with -9 leaves a session open, which the
next start closes at the agent's last status with a reason saying so, so
no connected time is counted for the time the controller was down.
(Abandoned needs days by default; its threshold is tested in
tests/unit/test_controller_uptime.c.) Agents are the test-only synthetic
runner in this test's own namespaces (prefix vupt)."""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from platform_lab import Platform, sanitizer_clean, wait_for  # noqa: E402

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces")


def test_states_follow_connects_cuts_and_a_killed_controller():
    p = Platform(heartbeat=1, prefix="vupt")
    try:
        p.start_controller()
        aid, _ = p.register(1)
        show = lambda: p.admin_json("agents", "show", aid)  # noqa: E731
        first = show()
        assert (first["state"], first["status_since"], first["total_connected"]) == \
            ("Never Connected", None, 0)

        p.start_agent(1)
        s = wait_for(lambda: (lambda r: r if r["state"] == "Connected" else None)(show()), 20,
                     "the agent to connect")
        assert s["first_connected"] == s["last_connected"] == s["status_since"]

        p.cut(1)   # silent for three heartbeats: the controller closes the session
        d = wait_for(lambda: (lambda r: r if r["state"] == "Disconnected" else None)(show()), 20,
                     "the cut agent to be disconnected")
        sessions = p.admin_json("agents", "sessions", aid)
        assert sessions[-1]["reason"] == "silent for too long", sessions
        assert d["status_since"] == sessions[-1]["disconnected"]
        p.restore(1)
        wait_for(lambda: show()["state"] == "Connected", 30, "the agent to return")

        # kill -9 of the controller: its open session is closed by the next start.
        p.controller.kill9()
        down = time.time()
        time.sleep(3)
        p.start_controller()
        sessions = p.admin_json("agents", "sessions", aid)
        stale = [x for x in sessions if "controller stopped without closing" in (x["reason"] or "")]
        assert len(stale) == 1, sessions
        assert stale[0]["connected"] <= stale[0]["disconnected"] <= down + 1, (stale, down)
        assert "1 sessions left open by the previous run closed" in p.controller.text()
        wait_for(lambda: show()["state"] == "Connected", 30, "the agent to reconnect")
        after = show()
        closed = sum(x["disconnected"] - x["connected"] for x in sessions
                     if x["disconnected"] is not None)
        assert after["total_connected"] >= closed
        assert after["total_connected"] <= closed + (time.time() - after["last_connected"]) + 2

        assert p.controller.stop() == 0
        assert sanitizer_clean(p.controller.text()), p.controller.text()[-3000:]
    finally:
        p.close()


def test_churn_report_counts_what_the_test_did():
    """Agent 1 (account steady) stays; agent 2 (an anchor of account flaky) is
    cut until it is Abandoned (abandon_after 3 s), then comes back; agent 3
    never connects. The report over the run says: 2 joined, 1 left and 1
    returned, both anchors; flaky churns most; and draws it as SVG."""
    p = Platform(heartbeat=1, prefix="vchu")
    try:
        start = int(time.time()) - 1
        p.start_controller("--abandon-after", 3)
        for name in ("steady", "flaky"):
            assert p.admin("accounts", "add", name).returncode == 0
        ids = {}
        for i, role, account in ((1, "probe", "steady"), (2, "anchor", "flaky"),
                                 (3, "probe", "steady")):
            r = p.admin("agents", "add", p.agent_fp(i, role=role), "--role", role, "--approve",
                        "--account", account)
            assert r.returncode == 0, r.stderr
            ids[i] = int(r.stdout)
        state = lambda i: p.admin_json("agents", "show", ids[i])["state"]  # noqa: E731
        p.start_agent(1)
        p.start_agent(2)
        wait_for(lambda: state(1) == state(2) == "Connected", 20, "agents 1 and 2 to connect")
        p.cut(2)
        wait_for(lambda: state(2) == "Abandoned", 30, "agent 2 to be abandoned")
        p.restore(2)
        wait_for(lambda: state(2) == "Connected", 30, "agent 2 to return")
        assert state(3) == "Never Connected"
        sessions = p.admin_json("agents", "sessions")
        assert len([s for s in sessions if s["agent_id"] == ids[1]]) == 1, \
            f"agent 1 should never have dropped (a very loaded host?): {sessions}"
        assert len([s for s in sessions if s["agent_id"] == ids[2]]) == 2, sessions

        svg = p.dir / "churn.svg"
        r = p.admin("report", "churn", "--from", start, "--to", int(time.time()) + 5,
                    "--period", 3600, "--json", "--svg", svg)
        assert r.returncode == 0, r.stderr
        rep = json.loads(r.stdout)
        (period,) = rep["periods"]
        assert period["joined"] == {"probe": 1, "anchor": 1, "all": 2}, period
        assert period["left"] == {"probe": 0, "anchor": 1, "all": 1}, period
        assert period["returned"] == {"probe": 0, "anchor": 1, "all": 1}, period
        assert rep["abandon_after"] == 3
        assert rep["uptime"]["all"]["agents"] == 2
        assert rep["uptime"]["probe"]["median"] > rep["uptime"]["anchor"]["median"]
        assert [(h["host"], h["disconnects"]) for h in rep["hosts"]] == [("flaky", 1), ("steady", 0)]
        text = svg.read_text()
        assert text.startswith("<?xml") and text.rstrip().endswith("</svg>")
        assert text.count("<title>returned: 1</title>") == 1
        t = p.admin("report", "churn", "--from", start, "--period", 3600)
        assert t.returncode == 0 and "flaky" in t.stdout and "1 (0/1)" in t.stdout, t.stdout

        # The daily archive: the first tick wrote today's (before any agent was
        # registered); archive.write replaces it with the agents as they are now.
        assert "daily archive written" in p.controller.text()
        path = p.admin_raw({"cmd": "archive.write"})["data"]["path"]
        assert path.endswith(time.strftime("/archive/%Y-%m-%d.json.zst", time.gmtime()))
        snap = json.loads(subprocess.run(["zstd", "-dc", path], capture_output=True,
                                         check=True).stdout)
        states = {x["id"]: (x["status"]["name"], x["is_anchor"]) for x in snap["probes"]}
        assert states == {ids[1]: ("Connected", False), ids[2]: ("Connected", True),
                          ids[3]: ("Never Connected", False)}, states
        assert all("fingerprint" not in x and "fp" not in x for x in snap["probes"])

        assert p.controller.stop() == 0
        assert sanitizer_clean(p.controller.text()), p.controller.text()[-3000:]
    finally:
        p.close()
