"""Accounts on a running platform (issue 15, its first part): `vantage
accounts add|list|show|disable`, agents registered into an account (or the
default one), API keys of an account, and what disabling an account does:
its connected agents are closed at once and refused when they come back,
its keys get 403, new keys and agents cannot join it, while the agents and
keys of another account carry on. The controller and its agents (the
test-only synthetic runner, which sends no packets) run in this test's own
namespaces (prefix vacc); the API listens on the controller namespace's
loopback, so the client runs there too."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from platform_lab import VANTAGE, Platform, sanitizer_clean, wait_for  # noqa: E402
from test_api import API, ApiPlatform  # noqa: E402

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces")


class AccountsPlatform(ApiPlatform):
    """The API platform of test_api.py under this test's own namespace prefix."""

    def __init__(self):
        Platform.__init__(self, heartbeat=1, prefix="vacc")

    def key_for(self, owner, account):
        """`vantage keys add OWNER --account A`: the completed process."""
        return subprocess.run([str(VANTAGE), "keys", "add", owner, "--account", account,
                               "--dir", str(self.dir / "controller")], capture_output=True,
                              text=True, timeout=30)

    def connected(self):
        return {a["id"]: a["connected"] for a in self.admin_json("agents", "list")}


def test_accounts_own_agents_and_keys_and_disabling_one_shuts_only_it_out():
    p = AccountsPlatform()
    try:
        p.start_controller("--api", API)
        wait_for(lambda: "API on https://" in p.controller.text(), 10, "the API to start")
        accounts = p.admin_json("accounts", "list")
        assert [(a["id"], a["name"]) for a in accounts] == [(1, "default")]

        r = p.admin("accounts", "add", "isp-a", "--note", "an ISP")
        assert r.returncode == 0 and r.stdout.strip() == "account 2", (r.stdout, r.stderr)
        r = p.admin("accounts", "add", "isp-a")
        assert r.returncode == 1 and "exists already" in r.stderr, r.stderr
        r = p.admin("accounts", "add", "bad name")
        assert r.returncode == 1 and "character 4" in r.stderr, r.stderr

        # An unknown account registers nothing.
        r = p.admin("agents", "add", "ab" * 32, "--approve", "--account", "nosuch")
        assert r.returncode == 1 and "no account 'nosuch'" in r.stderr, r.stderr
        assert p.admin_json("agents", "list") == []

        fp1 = p.agent_fp(1)
        r = p.admin("agents", "add", fp1, "--approve", "--account", "isp-a")
        assert r.returncode == 0, r.stderr
        a1 = int(r.stdout)
        a2, _ = p.register(2)
        rows = {a["id"]: a["account"] for a in p.admin_json("agents", "list")}
        assert rows == {a1: "isp-a", a2: "default"}
        p.start_agent(1)
        p.start_agent(2)
        wait_for(lambda: p.connected() == {a1: 1, a2: 1}, 20, "both agents to connect")

        ka = p.key_for("alice", "isp-a")
        assert ka.returncode == 0 and "of account isp-a" in ka.stdout, ka.stderr
        key_a = ka.stdout.split()[-1]
        key_d = p.new_key("bob")
        assert p.http("GET", "/api/v2/measurements/", key=key_a)["status"] == 200

        shown = p.admin_json("accounts", "show", "isp-a")
        assert (shown["agents"], shown["keys"]) == (1, 1)
        assert [g["id"] for g in shown["agents_list"]] == [a1]
        assert [k["owner"] for k in shown["keys_list"]] == ["alice"]

        done = p.admin_json("accounts", "disable", "isp-a")
        assert done == {"changed": True, "disconnected": 1}
        wait_for(lambda: p.connected() == {a1: 0, a2: 1}, 20, "agent 1 to be shut out")
        # It comes back (backoff_max 2 s) and is refused each time, with the reason.
        wait_for(lambda: f"agent {a1}: its account 'isp-a' is disabled" in p.controller.text(),
                 20, "the reconnecting agent to be refused")
        assert p.connected() == {a1: 0, a2: 1}
        assert p.admin_json("accounts", "disable", "2") == {"changed": False, "disconnected": 0}

        r = p.http("GET", "/api/v2/measurements/", key=key_a)
        assert r["status"] == 403 and "disabled account" in r["text"], r
        assert p.http("GET", "/api/v2/measurements/", key=key_d)["status"] == 200
        late = p.key_for("carol", "isp-a")
        assert late.returncode == 1 and "is disabled" in late.stderr, late.stderr
        r = p.admin("agents", "add", "cd" * 32, "--account", "isp-a")
        assert r.returncode == 1 and "is disabled" in r.stderr, r.stderr
        listed = {a["name"]: a for a in p.admin_json("accounts", "list")}
        assert listed["isp-a"]["disabled"] is not None and listed["default"]["disabled"] is None

        assert p.controller.stop() == 0
        assert sanitizer_clean(p.controller.text()), p.controller.text()[-3000:]
    finally:
        p.close()
