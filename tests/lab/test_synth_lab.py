"""The synthetic Internet node (`node NAME internet ...`, src/lab/synth.h) on
the lab: traced from the vantage point with `vantage trace` (Paris UDP and
ICMP, IPv4 and IPv6) and with scamper, each hop's replies come from the
routers `vantage lab truth` names for that hop, silent routers stay `*`,
alive destinations answer; the prefix table the keeper writes is the one
`vantage lab prefixes` generates from the file alone; the same seed gives
the same answers; a bad parameter is refused naming it.
"""
import json
import pathlib
import subprocess

import pytest

from conftest import VANTAGE, ROOT

CONF = ROOT / "lab" / "topologies" / "internet.conf"


@pytest.fixture(scope="module")
def inet_lab(vantage_lab_ready):
    from conftest import Lab
    lab = Lab(CONF, owner=None)
    try:
        yield lab
    finally:
        lab.down()


def truths(lab, dsts, af=4, *opts):
    """The truth of each destination (one JSON object a line)."""
    args = ["truth", "vp", *dsts, "-%d" % af, *opts]
    p = lab.vantage(*args)
    return [json.loads(l) for l in p.stdout.splitlines() if l.strip()]


def alive_targets(lab, af, count):
    """count destinations that answer, with a path of at least 10 hops."""
    table = pathlib.Path("/run/vantage-lab/%s/inet.pfx2as%s" % (lab.name, "6" if af == 6 else ""))
    cands = []
    for line in table.read_text().splitlines()[:400]:
        pfx = line.split("\t")[0]
        if af == 4:
            base = pfx.rsplit(".", 1)[0]
            cands += ["%s.%d" % (base, h) for h in range(1, 40)]
        else:
            cands.append(pfx + "1")
    out = []
    for i in range(0, len(cands), 400):
        for t in truths(lab, cands[i:i + 400], af):
            if t["reached"] and len(t["hops"]) >= 10 and t["dst_addr"] not in [o["dst_addr"] for o in out]:
                out.append(t)
            if len(out) == count:
                return out
    pytest.fail("no alive destinations found")


def trace(lab, method, af, dsts):
    cmd = [str(VANTAGE), "trace", "--method", method, "--wait", "1000", "--attempts", "1",
           "--pps", "0", "-%d" % af, *dsts]
    p = lab.exec("vp", cmd, check=False, timeout=120)
    assert p.returncode == 0, p.stderr
    return {r["dst_addr"]: r for r in (json.loads(l) for l in p.stdout.splitlines() if l.strip())}


def check_against_truth(result, truth):
    """Every reply at a hop comes from a router the truth names there; a
    Paris trace sees one branch; silent hops stay silent; the end answers."""
    want = {h["ttl"]: h for h in truth["hops"]}
    answered = 0
    balanced = False
    for hop in result["result"]:
        t = want.get(hop["hop"])
        # no reply comes back before its round trip (1 ms: the wheel's tick);
        # past a balancer each branch has its own delays, so only before one
        balanced = balanced or (t is not None and t["ecmp"])
        for r in hop["result"]:
            rtts = [x["rtt_ms"] for x in (t or {}).get("routers", [])
                    if r.get("from") in x["addrs"] and "rtt_ms" in x]
            if rtts and not balanced and "rtt" in r:
                assert r["rtt"] >= rtts[0] - 1.0, (hop["hop"], r["rtt"], rtts[0])
        t = want.get(hop["hop"])
        assert t is not None, "hop %d beyond the truth's path" % hop["hop"]
        addrs = {a for r in t["routers"] for a in r["addrs"]}
        froms = {r["from"] for r in hop["result"] if "from" in r}
        assert froms <= addrs, (hop["hop"], froms, addrs)
        assert len(froms) <= 1 or t.get("perpacket"), (hop["hop"], froms)
        if all(r["silent"] for r in t["routers"]):
            assert not froms, hop["hop"]
        elif not any("ratelimit_pps" in r for r in t["routers"]):
            assert froms, "hop %d: no answer from %s" % (hop["hop"], addrs)
        answered += bool(froms)
    last = result["result"][-1]
    assert any(r.get("from") == truth["dst_addr"] for r in last["result"]), last
    return answered


@pytest.fixture(scope="module")
def traced(inet_lab):
    """Three alive IPv4 destinations, their truth and one Paris UDP trace."""
    targets = alive_targets(inet_lab, 4, 3)
    return targets, trace(inet_lab, "udp-paris", 4, [t["dst_addr"] for t in targets])


def test_udp_paris_matches_truth(traced):
    targets, results = traced
    for t in targets:
        assert check_against_truth(results[t["dst_addr"]], t) >= 8


@pytest.mark.parametrize("method,af", [("icmp-paris", 4), ("udp-paris", 6)])
def test_trace_matches_truth(inet_lab, method, af):
    targets = alive_targets(inet_lab, af, 2)
    results = trace(inet_lab, method, af, [t["dst_addr"] for t in targets])
    for t in targets:
        assert check_against_truth(results[t["dst_addr"]], t) >= 8


def test_scamper_matches_truth(inet_lab):
    t = alive_targets(inet_lab, 4, 1)[0]
    p = inet_lab.exec("vp", ["scamper", "-c", "trace -P udp-paris -q 1 -w 2", "-O", "json",
                             "-i", t["dst_addr"]], check=False, timeout=120)
    assert p.returncode == 0, p.stderr
    tr = [json.loads(l) for l in p.stdout.splitlines() if '"type":"trace"' in l][0]
    want = {h["ttl"]: {a for r in h["routers"] for a in r["addrs"]} for h in t["hops"]}
    seen = 0
    for h in tr["hops"]:
        assert h["addr"] in want[h["probe_ttl"]], (h["probe_ttl"], h["addr"])
        seen += 1
    assert seen >= 8
    assert tr["stop_reason"] == "COMPLETED"


def test_same_seed_same_answers(inet_lab, traced):
    t = traced[0][0]
    a = traced[1][t["dst_addr"]]
    b = trace(inet_lab, "udp-paris", 4, [t["dst_addr"]])[t["dst_addr"]]
    hops = lambda r: [sorted({x["from"] for x in h["result"] if "from" in x}) for h in r["result"]]
    assert hops(a) == hops(b)
    # the table the keeper wrote is the one generated from the file alone
    p = subprocess.run([str(VANTAGE), "lab", "prefixes", "--file", str(CONF), "inet"],
                       capture_output=True, text=True, check=True)
    keeper = pathlib.Path("/run/vantage-lab/%s/inet.pfx2as" % inet_lab.name).read_text()
    assert p.stdout == keeper
    assert len(keeper.splitlines()) == 120
    first = keeper.splitlines()[0].split("\t")
    assert len(first) == 3 and int(first[1]) <= 24 and int(first[2]) >= 4200000000


def test_whole_truth_lists_traced_interfaces(inet_lab, traced):
    p = inet_lab.vantage("truth", "vp", "--all", "inet")
    ifaces = {l.split()[1] for l in p.stdout.splitlines() if l.startswith("iface ")}
    links = {tuple(l.split()[1:]) for l in p.stdout.splitlines() if l.startswith("link ")}
    for t in traced[0]:
        r = traced[1][t["dst_addr"]]
        hops = [[x["from"] for x in h["result"] if "from" in x] for h in r["result"]]
        seen = {a for h in hops for a in h if a.startswith("198.19.") and a != t["dst_addr"]}
        assert seen and seen <= ifaces
        for x, y in zip(hops, hops[1:]):
            if x and y and x[0] in seen and y[0] in seen:
                assert (x[0], y[0]) in links


def test_bad_parameter_is_named(tmp_path):
    conf = tmp_path / "bad.conf"
    conf.write_text("router r1\nnode inet internet prefixes=100 ecmp=140\nlink r1 inet\n")
    p = subprocess.run([str(VANTAGE), "lab", "prefixes", "--file", str(conf), "inet"],
                       capture_output=True, text=True)
    assert p.returncode != 0
    assert "bad.conf:2" in p.stderr and "ecmp" in p.stderr, p.stderr
    conf.write_text("router r1\nnode inet internet prefixes=100 v4=10.0.0.0/8\nlink r1 inet\n")
    p = subprocess.run([str(VANTAGE), "lab", "prefixes", "--file", str(conf), "inet"],
                       capture_output=True, text=True)
    assert p.returncode != 0 and "v4" in p.stderr, p.stderr
