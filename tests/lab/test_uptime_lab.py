"""Agent states on a running platform (issue 15, uptime): an agent is Never
Connected until it connects, Connected while it is, Disconnected once its
link is cut (with the reason kept on its session), and Connected again when
it returns; a controller killed with -9 leaves a session open, which the
next start closes at the agent's last status with a reason saying so, so
no connected time is counted for the time the controller was down.
(Abandoned needs days by default; its threshold is tested in
tests/unit/test_controller_uptime.c.) Agents are the test-only synthetic
runner in this test's own namespaces (prefix vupt)."""
import os
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
