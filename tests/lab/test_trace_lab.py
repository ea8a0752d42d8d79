"""vantage trace on the lab: every method, IPv4 and IPv6, against the lab's
ground truth (`vantage lab truth`): each hop's replies come from that hop's
routers, the silent router is a "*", the destination ends the trace with
stop reason "completed"; Paris methods keep one path through the ECMP
diamond while classic UDP sees both branches; the filtered host ends with
"gaplimit"; garbage target lines are reported by line number while the rest
runs; forged and truncated ICMP sprayed at the vantage point during a trace
never crash it nor match a probe.
"""
import json
import os
import subprocess
import time

import pytest

from conftest import VANTAGE

# `vantage trace` exists once the packet codec (src/net) is in the build.
if subprocess.run([str(VANTAGE), "trace", "--help"], capture_output=True).returncode != 0:
    pytest.skip("vantage trace is not in this build", allow_module_level=True)

METHODS = ["udp", "udp-paris", "icmp", "icmp-paris", "tcp-ack", "tcp-syn"]
PROTO = {"udp": "udp", "udp-paris": "udp", "icmp": "icmp", "icmp-paris": "icmp",
         "tcp-ack": "tcp", "tcp-syn": "tcp"}


def trace(lab, host, target, *opts, check=True):
    """Run vantage trace inside host; returns (list of JSON results, stderr)."""
    cmd = [str(VANTAGE), "trace", "--wait", "300", *opts, target]
    p = lab.exec(host, cmd, check=False, timeout=120)
    if check:
        assert p.returncode == 0, p.stderr
    return [json.loads(line) for line in p.stdout.splitlines() if line.strip()], p


def hop_addrs(result):
    """{hop: set of reply addresses} of one RIPE Atlas traceroute result."""
    out = {}
    for h in result["result"]:
        out[h["hop"]] = {r["from"] for r in h["result"] if "from" in r}
    return out


def truth_addrs(truth, lab):
    """{ttl: (set of router addresses, silent?)} from the lab's truth; the
    destination may answer from any of its own addresses too (an IPv6 host
    picks the source of its port unreachable itself)."""
    out = {}
    for h in truth["hops"]:
        addrs = set()
        silent = all(r["silent"] for r in h["routers"])
        for r in h["routers"]:
            addrs.update(r["addrs"])
            if h.get("destination"):
                addrs.update(lab.node(r["name"])["ipv%d" % truth["af"]])
        out[h["ttl"]] = (addrs, silent)
    return out


@pytest.mark.parametrize("af", [4, 6])
@pytest.mark.parametrize("method", METHODS)
def test_trace_equals_truth(small_lab, method, af):
    t = small_lab.truth("vp1", "dst", af=af, proto=PROTO[method])
    dst = t["dst_addr"]
    truth = truth_addrs(t, small_lab)
    res, _ = trace(small_lab, "vp1", dst, "--method", method, "-%d" % af)
    assert len(res) == 1
    r = res[0]
    assert r["stop_reason"] == "completed"
    assert r["af"] == af and r["dst_addr"] == dst
    got = hop_addrs(r)
    assert max(got) == max(truth), (got, truth)
    for ttl, (addrs, silent) in truth.items():
        if silent:
            assert got[ttl] == set(), "silent router answered at %d" % ttl
        else:
            assert got[ttl] and got[ttl] <= addrs, (ttl, got[ttl], addrs)
    if method in ("udp-paris", "icmp-paris", "tcp-ack", "tcp-syn"):
        for ttl in got:
            assert len(got[ttl]) <= 1, "Paris trace changed path at hop %d" % ttl
        if method in ("udp-paris", "icmp-paris"):
            assert r["paris_id"] > 0


@pytest.mark.parametrize("af", [4, 6])
def test_classic_udp_sees_both_branches(small_lab, af):
    truth = small_lab.truth("vp1", "dst", af=af)
    dst = truth["dst_addr"]
    diamond = [h for h in truth["hops"] if h["ecmp"]]
    assert diamond, "the lab has no ECMP diamond on this path"
    ttl = diamond[0]["ttl"]
    want = {a for r in diamond[0]["routers"] for a in r["addrs"]}
    res, _ = trace(small_lab, "vp1", dst, "--method", "udp", "-%d" % af,
                   "--first-ttl", str(ttl), "--max-ttl", str(ttl), "--attempts", "16")
    assert res[0]["stop_reason"] == "hoplimit"
    assert hop_addrs(res[0])[ttl] == want


@pytest.mark.parametrize("af", [4, 6])
def test_filtered_destination_gaplimit(small_lab, af):
    fw = small_lab.addr("fw", af)
    res, _ = trace(small_lab, "vp1", fw, "--method", "icmp", "-%d" % af,
                   "--gap-limit", "2", "--attempts", "1")
    r = res[0]
    assert r["stop_reason"] == "gaplimit"
    got = hop_addrs(r)
    last = max(h for h, a in got.items() if a)
    assert fw not in got[last]
    assert all(not got[h] for h in got if h > last)


def test_garbage_target_lines(small_lab, tmp_path):
    dst = small_lab.truth("vp1", "dst")["dst_addr"]
    far = small_lab.truth("vp1", "far")["dst_addr"]
    lst = tmp_path / "targets"
    lst.write_text("# a list\n%s\nnot-an-address\n\n999.1.2.3\n%s  # far\n" % (dst, far))
    res, p = trace(small_lab, "vp1", "--", "-f", str(lst), "--method", "icmp",
                   "--attempts", "1", check=False)
    assert p.returncode == 1
    assert "line 3: 'not-an-address'" in p.stderr
    assert "line 5: '999.1.2.3'" in p.stderr
    assert sorted(r["dst_addr"] for r in res) == sorted([dst, far])
    assert all(r["stop_reason"] == "completed" for r in res)


def test_bad_options_named(small_lab):
    for opt, val in (("--max-ttl", "300"), ("--attempts", "x"), ("--wait", "-1"),
                     ("--method", "carrier-pigeon"), ("--pps", "1e3")):
        p = subprocess.run([str(VANTAGE), "trace", opt, val, "198.18.0.1"],
                           capture_output=True, text=True, timeout=30)
        assert p.returncode == 2
        assert p.stderr.startswith("vantage trace: %s" % opt), p.stderr


SPRAY = r'''
import os, random, socket, struct, sys, time
vp = sys.argv[1]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
rnd = random.Random(4)
end = time.time() + float(sys.argv[2])
n = 0
def cks(b):
    if len(b) % 2: b += b"\0"
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while t >> 16: t = (t & 0xffff) + (t >> 16)
    return ~t & 0xffff
while time.time() < end:
    kind = rnd.choice([11, 3, 0])
    body = bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(0, 80)))
    if kind != 0 and rnd.random() < 0.5:
        # a quote that looks like our UDP probe to the target, random ids
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 48, 0, 0, 1, 17, 0,
                         socket.inet_aton(vp), socket.inet_aton(sys.argv[3]))
        udp = struct.pack("!HHHH", 0x8000 | rnd.randrange(1 << 15),
                          33435, 28, rnd.randrange(1 << 16))
        body = ip + udp[:rnd.randrange(0, 9)]
    hdr = struct.pack("!BBHI", kind, 0, 0, 0)
    pkt = hdr + body
    pkt = pkt[:2] + struct.pack("!H", cks(pkt)) + pkt[4:]
    s.sendto(pkt, (vp, 0))
    n += 1
    time.sleep(0.0005)
print(n)
'''


def test_forged_replies_never_match(small_lab):
    vp = small_lab.addr("vp1")
    dst = small_lab.truth("vp1", "dst")["dst_addr"]
    spray = small_lab.popen("r1", ["/usr/bin/python3", "-c", SPRAY, vp, "6", dst],
                            stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(0.3)
        res, _ = trace(small_lab, "vp1", dst, "--method", "udp-paris")
    finally:
        out, _ = spray.communicate(timeout=30)
    assert int(out) > 1000
    truth = truth_addrs(small_lab.truth("vp1", "dst"), small_lab)
    got = hop_addrs(res[0])
    assert res[0]["stop_reason"] == "completed"
    for ttl, (addrs, silent) in truth.items():
        assert got[ttl] <= addrs


def test_source_address_per_route():
    """Each target's probes leave from the address of its own route. A host
    with two interfaces, each the way to one target: the source the kernel
    picks differs, and so must each result's src_addr (a kept UDP socket
    asked for it keeps its first connect's source unless disconnected:
    rawsock_source_with). The namespace is this test's own; its probes go
    out on veths whose peers answer nothing."""
    from netns_guard import add_netns, del_netns
    ns = "vsrc%d" % (os.getpid() % 100000)
    add_netns(ns)
    try:
        def ip(*args):
            subprocess.run(["ip", "-n", ns, *args], check=True, capture_output=True)
        for i in (1, 2):
            ip("link", "add", "a%d" % i, "type", "veth", "peer", "name", "b%d" % i)
            ip("addr", "add", "198.18.%d.1/24" % (200 + i), "dev", "a%d" % i)
            ip("link", "set", "a%d" % i, "up")
            ip("link", "set", "b%d" % i, "up")
        ip("link", "set", "lo", "up")
        p = subprocess.run(["ip", "netns", "exec", ns, str(VANTAGE), "trace", "--method",
                            "icmp-paris", "--max-ttl", "1", "--attempts", "1", "--wait", "100",
                            "198.18.201.9", "198.18.202.9", "198.18.201.10"],
                           capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        src = {r["dst_addr"]: r["src_addr"] for r in map(json.loads, p.stdout.splitlines())}
        assert src == {"198.18.201.9": "198.18.201.1", "198.18.202.9": "198.18.202.1",
                       "198.18.201.10": "198.18.201.1"}, src
    finally:
        del_netns(ns)
