"""Admission on a running platform (issue 15): software probes behind one
address and in one routed prefix hit their caps (probes_per_address 2,
probes_per_account_prefix 4) and are refused with the reason; a real agent
whose address lies outside its account's own space connects, is refused and
waits (pending), and once the operator records a location permission and
approves it again it is admitted and connects. The controller and the agent
run in this test's own namespaces (prefix vadm), addresses from
198.18.0.0/15 only."""
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from platform_lab import Platform, sanitizer_clean, wait_for  # noqa: E402

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces")


def add(p, n, account, address):
    """Register fingerprint n (not a real agent) in account at address, approving it."""
    r = p.admin("agents", "add", "%064x" % n, "--account", account, "--address", address,
                "--approve")
    assert r.returncode == 0, r.stderr
    return r.stdout.split("\n", 1)[1].strip()    # "" when approved, else "state: reason"


def admission(p, agent):
    return p.admin_json("agents", "show", agent)["admission"]


def test_caps_refuse_and_a_location_permission_admits_the_waiting_agent():
    p = Platform(heartbeat=1, prefix="vadm")
    try:
        p.start_controller()
        table = p.dir / "pfx2as.txt"
        table.write_text("198.18.0.0\t16\t64500\n")
        table.chmod(0o644)
        r = p.admin("prefixes", "load", table)
        assert r.returncode == 0, r.stderr
        for account in ("isp-a", "isp-b"):
            assert p.admin("accounts", "add", account).returncode == 0
        r = p.admin("accounts", "own", "isp-a", "--asn", "64500")
        assert r.returncode == 0, r.stderr

        # Two probes of isp-a behind one address; the third is refused.
        assert add(p, 1, "isp-a", "198.18.1.1") == ""
        assert add(p, 2, "isp-a", "198.18.1.1") == ""
        said = add(p, 3, "isp-a", "198.18.1.1")
        assert said.startswith("refused:") and "probes_per_address 2" in said, said
        # Four of isp-a in the routed prefix 198.18.0.0/16; the fifth is refused.
        assert add(p, 4, "isp-a", "198.18.1.2") == ""
        assert add(p, 5, "isp-a", "198.18.1.3") == ""
        said = add(p, 6, "isp-a", "198.18.1.4")
        assert "probes_per_account_prefix 4" in said and "198.18.0.0/16" in said, said
        rows = {a["fp"]: a for a in p.admin_json("agents", "list")}
        states = [rows["%064x" % n]["admission"]["state"] for n in range(1, 7)]
        assert states == ["approved", "approved", "refused", "approved", "approved", "refused"]
        assert [rows["%064x" % n]["approved"] for n in (3, 6)] == [0, 0]

        # A real agent of isp-b: approved with no address known, its HELLO from
        # 198.18.250.6 (AS64500, not isp-b's) makes it wait for a permission.
        fp = p.agent_fp(1)
        r = p.admin("agents", "add", fp, "--account", "isp-b", "--approve")
        assert r.returncode == 0, r.stderr
        aid = int(r.stdout.split()[0])
        p.start_agent(1)
        wait_for(lambda: (admission(p, aid) or {}).get("state") == "pending", 30,
                 "the agent to be held pending at its HELLO")
        held = admission(p, aid)
        assert held["address"] == "198.18.250.6" and held["prefix"] == "198.18.0.0/16", held
        assert "permissions grant" in held["reason"], held
        assert p.admin_json("agents", "show", aid)["connected"] == 0

        r = p.admin("permissions", "grant", "--account", "isp-b", "--prefix", "198.18.250.0/24",
                    "--note", "hosted at the lab's exchange")
        assert r.returncode == 0, r.stderr
        r = p.admin("agents", "approve", aid)
        assert r.returncode == 0 and r.stdout.strip() == "ok", (r.stdout, r.stderr)
        wait_for(lambda: p.admin_json("agents", "show", aid)["connected"] == 1, 30,
                 "the permitted agent to connect")
        assert admission(p, aid)["state"] == "approved"
        listed = p.admin_json("permissions", "list", "isp-b")
        assert [(x["kind"], x["prefix"]) for x in listed] == [("permission", "198.18.250.0/24")]

        r = p.admin("agents", "locate", aid, "52.35634", "4.904449")
        assert r.returncode == 0, r.stderr
        r = p.admin("agents", "locate", aid, "91", "4.9")
        assert r.returncode == 1 and "'lat' in [-90, 90]" in r.stderr, r.stderr

        assert p.controller.stop() == 0
        assert sanitizer_clean(p.controller.text()), p.controller.text()[-3000:]
    finally:
        p.close()
