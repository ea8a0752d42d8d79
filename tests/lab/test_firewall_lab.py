"""The site's firewall (issue 17): `vantage-agent --firewall nft` prints the
rules its configuration implies; loaded in a vantage point's namespace
(default drop both ways) the agent still registers, measures every method
its AUP allows (ICMP echo pings, UDP Paris traceroutes) and uploads, while
everything else is dropped: pings and SSH to the vantage point from a host
outside the operator's networks, probes to a forbidden range, a TCP probe
the AUP does not allow. The rules' counters show each."""
import json
import os

from agents_lab import AgentsLab, firewall_counters, firewall_load, firewall_rules
from platform_lab import wait_for


def counters(lab, host):
    """{rule comment: packets} of the table loaded in host."""
    return firewall_counters(lab.ns(host))


def rules_for(al, tmp_path, settings, fmt):
    """The agent's --firewall output for the configuration add_agent will write."""
    conf = {"controller": f"{al.ops}:4443", "controller_fingerprint": al.fp,
            "allow": "198.18.0.0/15", **settings}
    path = tmp_path / "agent.conf"
    path.write_text("".join(f"{k} {v}\n" for k, v in conf.items()))
    return firewall_rules(path, fmt)


def results(al, msm):
    return al.admin_json("results", "export", "--msm", msm)


def tcp_connect(lab, host, addr, port):
    """'refused', 'timeout' or 'open' for a TCP connect from host."""
    code = ("import socket,sys\ns=socket.socket();s.settimeout(2)\n"
            "try:\n s.connect((sys.argv[1],int(sys.argv[2])));print('open')\n"
            "except ConnectionRefusedError: print('refused')\n"
            "except OSError: print('timeout')\n")
    return lab.exec(host, ["/usr/bin/python3", "-c", code, addr, port]).stdout.strip()


def last_hop(row):
    hops = [r.get("from") for h in row.get("result", []) for r in h.get("result", [])]
    return hops[-1] if hops else None


def test_agent_behind_its_own_rules(lab_factory, tmp_path):
    lab = lab_factory("small", name="vfw%04d" % (os.getpid() % 10000))
    al = AgentsLab(lab)
    try:
        vp1, dst, far = lab.addr("vp1"), lab.addr("dst"), lab.addr("far")
        settings = {"methods": "icmp-echo,udp-paris", "pps": 200, "forbid": f"{far}/32",
                    "admin_from": f"{lab.addr('ops')}/32"}
        text = rules_for(al, tmp_path, settings, "text")
        print(text)
        assert "probes (udp-paris)" in text and "probes (icmp-echo)" in text
        assert "out  TCP SYN" not in text and "out  TCP ACK" not in text
        firewall_load(lab.ns("vp1"), rules_for(al, tmp_path, settings, "nft"),
                      tmp_path / "vp1.nft")
        # registers and connects through the rules
        aid, _ = al.add_agent("vp1", **settings)
        ping = al.admin_json("measurement", "create", "--type", "ping", "--target", dst,
                             "--protocol", "ICMP", "--agents", aid, "--interval", 60)["id"]
        trace = al.admin_json("measurement", "create", "--type", "traceroute", "--target", dst,
                              "--protocol", "UDP", "--paris", 1, "--agents", aid,
                              "--interval", 60)["id"]
        prow = wait_for(lambda: results(al, ping), 60, "the ping's result")[0]
        trow = wait_for(lambda: results(al, trace), 90, "the traceroute's result")[0]
        assert prow["rcvd"] >= 1, prow
        assert last_hop(trow) == dst, trow
        before = counters(lab, "vp1")
        # what the rules must stop
        assert lab.exec("vp2", ["ping", "-c", 2, "-W", 1, vp1], check=False).returncode != 0
        assert tcp_connect(lab, "vp2", vp1, 22) == "timeout"      # SSH, not from ops
        assert tcp_connect(lab, "ops", vp1, 22) == "refused"      # SSH from ops: let in
        assert lab.exec("vp1", ["ping", "-c", 1, "-W", 1, far], check=False).returncode != 0
        assert tcp_connect(lab, "vp1", dst, 80) == "timeout"      # TCP: not the AUP's
        after = counters(lab, "vp1")
        print(json.dumps(after, indent=1))
        grew = {k: after[k] - before.get(k, 0) for k in after}
        assert grew["in: anything else"] >= 3, grew    # 2 pings + SYNs from vp2
        assert grew["ssh from the operator"] >= 1, grew
        assert grew["forbidden range"] >= 1, grew
        assert grew["method not allowed"] >= 1, grew
        assert after["the controller"] > 0 and after["probe icmp-echo"] >= 1 \
            and after["probe udp-paris"] >= 1, after
        al.admin("measurement", "stop", ping)
        al.admin("measurement", "stop", trace)
        al.stop_all_clean()
    finally:
        al.close()
