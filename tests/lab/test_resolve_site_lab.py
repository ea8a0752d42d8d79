"""resolve_on_probe and the hosting site (issue 16's loose ends), on the
platform of test_api_research_lab (synthetic runner: no probe packets, but
the agent's own resolver asks real name servers):

- agent 1 resolves through a name server of the lab (nsd on the controller's
  end of its link, tests/lab/labdns.py) listed in its resolv_conf, behind the
  nftables rules of its own `--firewall nft`, default drop both ways: the
  rules open UDP and TCP 53 to exactly that server, its lookup passes (its
  result has the name's address) and the rules' "name server" counters
  show it;
- agent 2's site sets `resolve_on_probe no`: its firewall opens no name
  server, and it answers the same measurement with a refusal result
  ("error": {"policy": ...}, no dst_addr), as it does a forbidden address.

Everything runs in this test's own namespaces (prefix vrsl); nsd, the
controller and the agents are ended by their pids, the namespaces removed."""
import json
import os
import subprocess

import pytest

from agents_lab import firewall_counters, firewall_load, firewall_rules
from labdns import LabDNS, split_zones
from platform_lab import AGENT, wait_for
from test_api import API
from test_api_research_lab import ResearchPlatform

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces")

ZONE = "site.lab.example"
NAME = "onprobe." + ZONE
ADDR = "198.18.1.31"
SERVER = "198.18.250.5"   # the controller's end of agent 1's link
REFUSED = "the site does not allow resolve_on_probe"


class ControllerHost:
    """The controller's namespace as LabDNS's lab host (addr, popen, exec)."""

    def __init__(self, p):
        self.p = p

    def addr(self, host):
        return SERVER

    def popen(self, host, cmd, **kw):
        return subprocess.Popen(["ip", "netns", "exec", self.p.ns, *map(str, cmd)], **kw)

    def exec(self, host, cmd, check=True, timeout=60):
        return subprocess.run(["ip", "netns", "exec", self.p.ns, *map(str, cmd)],
                              capture_output=True, text=True, check=check, timeout=timeout)


def rules(conf, fmt):
    return firewall_rules(conf, fmt, agent=AGENT)


def test_name_servers_opened_and_a_site_that_refuses(tmp_path):
    p = ResearchPlatform(prefix="vrsl")
    dns = None
    try:
        p.start_controller("--api", API)
        wait_for(lambda: "API on https://" in p.controller.text(), 10, "the API to start")
        ids = {i: p.register_with(i, "probe", 64500, "NL") for i in (1, 2)}
        resolv = p.dir / "resolv.conf"
        resolv.write_text("# the lab's name server\nnameserver %s\n" % SERVER)
        resolv.chmod(0o644)
        confs = {1: p.config(1, resolv_conf=resolv, hosts="none"),
                 2: p.config(2, resolv_conf=resolv, hosts="none", resolve_on_probe="no")}
        dns = LabDNS(ControllerHost(p), "ctl",
                     split_zones(["%s. 60 IN A %s" % (NAME, ADDR)], [ZONE]))

        nft = {i: rules(confs[i], "nft") for i in confs}
        text = {i: rules(confs[i], "text") for i in confs}
        print(nft[1])
        assert "ip daddr %s udp dport 53 counter accept" % SERVER in nft[1], nft[1]
        assert "ip daddr %s tcp dport 53 counter accept" % SERVER in nft[1], nft[1]
        assert nft[1].count('comment "name server"') == 2, nft[1]
        assert "out  UDP and TCP to %s port 53: a name server" % SERVER in text[1], text[1]
        assert "name server" not in nft[2] and "name server" not in text[2], nft[2]
        firewall_load(f"{p.tag}a1", nft[1], tmp_path / "a1.nft")

        for i in ids:
            p.start_agent(i)
        wait_for(lambda: p.research("probes", filters={"status": 1}).get("count") == 2, 30,
                 "the agents to connect through agent 1's rules")
        key = p.new_key("researcher")
        made = p.research("create", key=key, definitions=[
            {"kind": "ping", "af": 4, "target": NAME, "description": "on probe, site rules",
             "resolve_on_probe": True}],
            sources=[{"type": "probes", "value": "%d,%d" % (ids[1], ids[2]), "requested": 2}])
        assert made["ok"], made
        msm = made["data"]["measurements"][0]
        def both():
            rows = p.research("results", id=msm)["data"]
            return rows if len(rows) >= 2 else None
        rows = wait_for(both, 60, "both agents' results")
        by_probe = {r["prb_id"]: r for r in rows}
        resolved, refused = by_probe[ids[1]], by_probe[ids[2]]
        assert (resolved["dst_name"], resolved.get("dst_addr")) == (NAME, ADDR), resolved
        assert "error" not in resolved, resolved
        assert refused["dst_name"] == NAME and "dst_addr" not in refused, refused
        assert refused["error"]["policy"].startswith(REFUSED), refused
        assert "refused, resolve_on_probe no" in p.agents[2].text(), p.agents[2].text()[-2000:]
        got = firewall_counters(f"{p.tag}a1")
        print(json.dumps(got, indent=1))
        assert got["name server"] >= 1 and got["the controller"] > 0, got
        p.assert_clean_stop()
    finally:
        if dns:
            dns.close()
        p.close()
