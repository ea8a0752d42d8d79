"""Team probing on the lab's synthetic Internet (issue 13): three real
vantage-agents behind r1 form a team over the synthetic Internet's prefix
table (`vantage lab prefixes`, about 256 /24s in 198.19.0.0/16); one short
cycle traces every /24 exactly once, by one member, each member's share in
proportion to its rate, with every result tagged with team, cycle and chunk
and stored exactly once; the next cycle draws other addresses and another
split. The controller runs on the lab's ops host."""
import ipaddress
import json
import os
import sqlite3
import subprocess
import time

import pytest

from platform_lab import (AGENT as TEST_AGENT, CONTROLLER, LAB_CONFIG, RUN_USER, VANTAGE,
                          reachable_tempdir, wait_for)

AGENT = TEST_AGENT.parents[2] / "src" / "cmd" / "vantage-agent"
MEMBERS = ("vp1", "vp2", "vp3")

pytestmark = pytest.mark.skipif(not AGENT.exists(), reason="vantage-agent is not built")

TOPOLOGY = """host vp1 role=probe
host vp2 role=probe
host vp3 role=probe
host ops role=ops
router r1
router r2
node inet internet seed=3 prefixes=120
link vp1 r1
link vp2 r1
link vp3 r1
link ops r1
link r1 r2
link r2 inet
"""


def vantage(d, *args, ok=True):
    p = subprocess.run([str(VANTAGE), *map(str, args), "--admin", str(d / "ctl" / "admin.sock")],
                       capture_output=True, text=True, timeout=60)
    assert (p.returncode == 0) == ok, (p.stdout, p.stderr)
    return p.stdout if ok else p.stderr


def status(d):
    return json.loads(vantage(d, "team", "status", "ark", "--json"))


def team_results(d, msm_id):
    """[(agent, body)] of the team's results in the controller's store."""
    db = sqlite3.connect("file:%s?mode=ro" % (d / "ctl" / "controller.db"), uri=True)
    try:
        rows = db.execute("SELECT agent_id, body FROM results WHERE msm_id = ?",
                          (msm_id,)).fetchall()
    finally:
        db.close()
    return [(a, json.loads(b)) for a, b in rows]


def slash24s(table):
    """The /24s a pfx2as table covers."""
    out = set()
    for line in table.splitlines():
        net, length, _ = line.split("\t")
        n = ipaddress.ip_network("%s/%s" % (net, length))
        if n.version == 4:
            out |= {str(s) for s in n.subnets(new_prefix=24)} if n.prefixlen < 24 else \
                {str(n.supernet(new_prefix=24))}
    return out


def start_platform(lab, d, procs):
    ops = lab.addr("ops")
    ctl = lab.popen("ops", [CONTROLLER, "--config", LAB_CONFIG, "--dir", d / "ctl",
                            "--listen", ops, "--port", 4443, "--heartbeat", 1,
                            "--no-reach-check", "--user", RUN_USER],
                    stdout=open(d / "ctl.log", "w"), stderr=subprocess.STDOUT)
    procs.append(ctl)
    wait_for(lambda: "listening on" in (d / "ctl.log").read_text(), 20, "the controller")
    fp = (d / "ctl.log").read_text().split("fingerprint ")[1].split()[0]
    agents = {}
    for vp in MEMBERS:
        (d / vp).mkdir()
        (d / vp / "agent.conf").write_text(
            f"controller {ops}:4443\ncontroller_fingerprint {fp}\nkey {d}/{vp}/agent.key\n"
            f"spool {d}/{vp}/spool\nallow 198.18.0.0/15\nheartbeat 1\n"
            f"methods traceroute\npps 100\n")
        afp = subprocess.run([str(AGENT), "--config", str(d / vp / "agent.conf"), "--fingerprint"],
                             capture_output=True, text=True, check=True).stdout.strip()
        agents[vp] = int(vantage(d, "agents", "add", afp, "--tags", "team", "--approve"))
        procs.append(lab.popen(vp, [AGENT, "--config", d / vp / "agent.conf"],
                               stdout=open(d / vp / "agent.log", "w"), stderr=subprocess.STDOUT))
    for vp in MEMBERS:
        wait_for(lambda: "connected to the controller" in (d / vp / "agent.log").read_text(), 20,
                 "agent %s to connect" % vp)
    return agents


def test_team_cycle_traces_every_slash24_once(lab_factory, tmp_path):
    conf = tmp_path / "team.conf"
    conf.write_text(TOPOLOGY)
    lab = lab_factory(str(conf), name="vtm%04d" % (os.getpid() % 10000))
    d = reachable_tempdir("vpl-team-")
    procs = []
    try:
        agents = start_platform(lab, d, procs)
        table = lab.vantage("prefixes", "inet").stdout
        (d / "pfx2as.txt").write_text(table)
        os.chmod(d / "pfx2as.txt", 0o644)
        want = slash24s(table)
        assert "version 1" in vantage(d, "prefixes", "load", d / "pfx2as.txt")
        created = json.loads(vantage(d, "team", "create", "ark", "--agents", "team", "--pps", 100,
                                     "--cycle", "10s", "--chunk", 20, "--json"))
        msm = created["msm_id"]
        wait_for(lambda: status(d).get("cycle", {}).get("cycle", 0) >= 2, 90,
                 "cycle 1 to complete")
        st = status(d)
        results = team_results(d, msm)
        one = [(a, b) for a, b in results if b["cycle"] == 1]
        got = [str(ipaddress.ip_network(b["dst_addr"] + "/24", strict=False)) for _, b in one]
        assert len(got) == len(want), "each /24 traced once in cycle 1"
        assert set(got) == want
        by_agent = {a: sum(1 for x, _ in one if x == a) for a in agents.values()}
        for n in by_agent.values():   # equal rates: a third each, give or take a chunk
            assert abs(n - len(want) / 3) <= 20 + 1, by_agent
        assert all(not b.get("repeat") for _, b in one)
        # cycle 2 draws other addresses in the same /24s
        wait_for(lambda: len([1 for _, b in team_results(d, msm) if b["cycle"] == 2]) >= 30, 60,
                 "cycle 2 results")
        first = {b["dst_addr"] for _, b in one}
        two = [b for _, b in team_results(d, msm) if b["cycle"] == 2]
        assert sum(1 for b in two if b["dst_addr"] in first) <= 3
        print("team status after cycle 1:", json.dumps(st))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
        subprocess.run(["rm", "-rf", str(d)])
