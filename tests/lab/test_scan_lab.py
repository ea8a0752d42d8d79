"""vantage scan on the lab (lab/topologies/small.conf): the host `dst` answers
for 198.18.128.0/22 and 2001:db8:d0::/48, so a scan of those prefixes has
four (IPv4) or two (IPv6) targets behind the same routers. Checked against
the lab's ground truth (`vantage lab truth`): every hop's reply comes from
that hop's routers, the silent router r7 is a "*", every trace reaches its
destination, the stop set leaves no router of the path undiscovered, and the
scan sends fewer probes than tracing each target's hops once. The no-probe
list gets zero packets (tcpdump capture); a scan killed (SIGKILL) partway and
resumed sends no (target, TTL) twice (capture) and writes every target once.
"""
import ipaddress
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import time

import pytest

from conftest import VANTAGE

if subprocess.run([str(VANTAGE), "scan", "--help"], capture_output=True).returncode != 0:
    pytest.skip("vantage scan is not in this build", allow_module_level=True)

PROTO = {"icmp-paris": "icmp", "udp-paris": "udp", "tcp-ack": "tcp"}


@pytest.fixture(scope="module")
def lab(vantage_lab_ready):
    from conftest import Lab
    lab = Lab("small")
    yield lab
    lab.down()


def scan(lab, tmp, prefixes, *opts, out="out", check=True):
    """Run vantage scan in vp1 over the prefix lines; (output text, stderr, rc)."""
    pfx = os.path.join(tmp, "prefixes")
    with open(pfx, "w") as f:
        f.write("\n".join(prefixes) + "\n")
    path = os.path.join(tmp, out)
    cmd = [str(VANTAGE), "scan", "--prefixes", pfx, "--wait", "300", "--pps", "400",
           "--quiet", "--stats", "-o", path, *opts]
    p = lab.exec("vp1", cmd, check=False, timeout=120)
    if check:
        assert p.returncode == 0, p.stderr
    data = open(path, "rb").read() if os.path.exists(path) else b""
    return data, p.stderr, p.returncode


def results(data):
    return [json.loads(line) for line in data.decode().splitlines() if line.strip()]


def truth_addrs(lab, t):
    """{ttl: (addresses that may answer, silent?)} of a truth dict."""
    out = {}
    for h in t["hops"]:
        addrs = set()
        for r in h["routers"]:
            addrs.update(r["addrs"])
            if h.get("destination"):
                addrs.update(lab.node(r["name"])["ipv%d" % t["af"]])
        out[h["ttl"]] = (addrs, all(r["silent"] for r in h["routers"]))
    return out


def stats_of(stderr):
    m = re.search(r"(\d+) probes, (\d+) replies .* (\d+) targets, (\d+) interfaces", stderr)
    assert m, stderr
    return {k: int(v) for k, v in zip(("probes", "replies", "targets", "ifaces"), m.groups())}


@pytest.mark.parametrize("af", [4, 6])
@pytest.mark.parametrize("method", ["icmp-paris", "udp-paris", "tcp-ack"])
def test_scan_equals_truth(lab, method, af):
    # --stop-run 1: Doubletree's own rule (stop at the first known interface),
    # so two to four targets behind one path already cost fewer probes than
    # tracing each; the default of 3 pays off on many targets (bench/scan)
    with tempfile.TemporaryDirectory(prefix="vscan-") as tmp:
        data, err, _ = scan(lab, tmp, [lab.anyip("dst", af)], "--method", method,
                            "-%d" % af, "--stop-run", "1")
    res = results(data)
    assert len(res) == (4 if af == 4 else 2), err
    assert len({r["dst_addr"] for r in res}) == len(res)
    found, needed = set(), 0
    for r in res:
        t = lab.truth("vp1", r["dst_addr"], af=af, proto=PROTO[method])
        truth = truth_addrs(lab, t)
        assert r["stop_reason"] == "completed", r
        hops = {h["hop"]: {x["from"] for x in h["result"] if "from" in x} for h in r["result"]}
        assert max(hops) == max(truth), (hops, truth)
        for ttl, got in hops.items():
            addrs, silent = truth[ttl]
            assert not (silent and got), "silent router answered at %d" % ttl
            assert got <= addrs, (ttl, got, addrs)
            found |= got
        needed += max(truth)
    # the stop set cut the later targets short, yet every answering router
    # of the path was found by some target
    for ttl, (addrs, silent) in truth.items():
        assert silent or addrs & found, "hop %d (%s) never found" % (ttl, addrs)
    st = stats_of(err)
    assert st["probes"] < needed, (st, needed)


def test_links_and_warts(lab):
    with tempfile.TemporaryDirectory(prefix="vscan-") as tmp:
        links, _, _ = scan(lab, tmp, [lab.anyip("dst", 4)], "-O", "links")
        warts, _, _ = scan(lab, tmp, [lab.anyip("dst", 4)], "-O", "warts", out="w")
        wpath = os.path.join(tmp, "w")
        conv = None
        if shutil.which("sc_warts2json"):
            conv = subprocess.run(["sc_warts2json", wpath], capture_output=True, text=True,
                                  timeout=30)
    t = truth_addrs(lab, lab.truth("vp1", lab.anyip("dst", 4).split("/")[0], proto="icmp"))
    dst_net = ipaddress.ip_network(lab.anyip("dst", 4))
    last = max(t)
    t[last][0].update(str(a) for a in dst_net)  # the target answers from itself
    pairs = [line.split() for line in links.decode().splitlines()]
    assert pairs and len({tuple(p) for p in pairs}) == len(pairs)
    for a, b in pairs:
        assert any(a in t[k][0] and k + 1 in t and b in t[k + 1][0] for k in t), (a, b)
    if conv is not None:
        traces = [json.loads(x) for x in conv.stdout.splitlines()
                  if x.strip() and json.loads(x).get("type") == "trace"]
        assert len(traces) == 4, conv.stderr


def read_pcap(path):
    """Payloads (from the IP header on) of the frames of an Ethernet pcap file."""
    data = open(path, "rb").read()
    out, off = [], 24
    while off + 16 <= len(data):
        incl = struct.unpack("<I", data[off + 8:off + 12])[0]
        out.append(data[off + 16 + 14:off + 16 + incl])
        off += 16 + incl
    return out


class Capture:
    """tcpdump of the ICMP echo requests vp1 sends, as [(dst, ttl)]."""

    def __init__(self, lab, tmp):
        self.path = os.path.join(tmp, "cap.pcap")
        self.p = lab.popen("vp1", ["tcpdump", "-i", "e0", "-U", "--immediate-mode", "-w",
                                   self.path, "icmp[0] == 8"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)

    def probes(self):
        time.sleep(0.5)
        self.p.terminate()
        self.p.wait(timeout=10)
        return [(str(ipaddress.ip_address(ip[16:20])), ip[8]) for ip in read_pcap(self.path)]


def test_noprobe_list_gets_nothing(lab):
    with tempfile.TemporaryDirectory(prefix="vscan-") as tmp:
        noprobe = os.path.join(tmp, "noprobe")
        with open(noprobe, "w") as f:
            f.write("198.18.129.0/24\n")
        cap = Capture(lab, tmp)
        try:
            data, err, _ = scan(lab, tmp, ["198.18.128.0/22"], "--noprobe", noprobe)
        finally:
            sent = cap.probes()
    res = {r["dst_addr"]: r for r in results(data)}
    assert len(res) == 4
    banned = [r for d, r in res.items() if d.startswith("198.18.129.")]
    assert len(banned) == 1 and banned[0]["stop_reason"] == "refused"
    assert sent, "the capture saw nothing at all"
    assert not [d for d, _ in sent if d.startswith("198.18.129.")]
    assert {d for d, _ in sent} == {d for d in res if not d.startswith("198.18.129.")}
    assert stats_of(err)["probes"] == len(sent)


def test_killed_scan_resumes_without_repeats(lab):
    prefixes = ["198.18.128.0/22", "198.18.0.0/24", "198.18.200.0/23"]
    with tempfile.TemporaryDirectory(prefix="vscan-") as tmp:
        ckpt = os.path.join(tmp, "ckpt")
        opts = ["--resume", ckpt, "--pps", "40", "--checkpoint-ms", "100"]
        cap = Capture(lab, tmp)
        try:
            _, err1, rc1 = scan(lab, tmp, prefixes, *opts, "--die-after", "12", check=False)
            assert rc1 != 0 and os.path.exists(ckpt), err1
            data, err2, _ = scan(lab, tmp, prefixes, *opts)
        finally:
            sent = cap.probes()
    assert "resuming" in err2, err2
    res = results(data)
    assert len(res) == 7 and len({r["dst_addr"] for r in res}) == 7
    assert len(sent) > 12
    dup = {k for k in sent if sent.count(k) > 1}
    assert not dup, "probed twice: %s" % sorted(dup)


@pytest.fixture(scope="module")
def inet_lab(vantage_lab_ready):
    """lab/topologies/internet.conf: vp, two routers, a synthetic Internet of
    120 routed prefixes behind them (issue 12, section 1)."""
    from conftest import Lab, TOPOLOGIES
    if not (TOPOLOGIES / "internet.conf").exists():
        pytest.skip("no synthetic Internet topology in this tree")
    lab = Lab("internet")
    yield lab
    lab.down()


def test_scan_synthetic_internet_against_truth(inet_lab):
    """Every routed /24 of the synthetic Internet, from its own pfx2as table:
    the interfaces and links found are the truth's (precision), most of the
    truth is found (recall), with under 10 probes per /24."""
    lab = inet_lab
    pfx2as = "/run/vantage-lab/%s/inet.pfx2as" % lab.name
    with tempfile.TemporaryDirectory(prefix="vscan-") as tmp:
        out = os.path.join(tmp, "out")
        p = lab.exec("vp", [str(VANTAGE), "scan", "--prefixes", pfx2as, "--pps", "20000",
                            "--wait", "700", "--quiet", "--stats", "-o", out],
                     check=False, timeout=300)
        assert p.returncode == 0, p.stderr
        res = results(open(out, "rb").read())
    st = stats_of(p.stderr)
    truth = lab.vantage("truth", "vp", "--all", "inet", "-4").stdout.split("\n")
    t_if = {x.split()[1] for x in truth if x.startswith("iface ")}
    t_ln = {tuple(x.split()[1:3]) for x in truth if x.startswith("link ")}
    assert len(res) == st["targets"] > 100
    found, links = set(), set()
    for r in res:
        hops = {h["hop"]: [x["from"] for x in h["result"] if "from" in x] for h in r["result"]}
        routers = {k: a[0] for k, a in hops.items()
                   if a and a[0] != r["dst_addr"] and not a[0].startswith("198.18.")}
        found |= set(routers.values())
        links |= {(a, routers[k + 1]) for k, a in routers.items() if k + 1 in routers}
    precision = len(found & t_if) / len(found)
    recall = len(found & t_if) / len(t_if)
    link_precision = len(links & t_ln) / len(links)
    print("synthetic Internet: %d targets, %d probes (%.2f per /24), interfaces found %d of "
          "%d (recall %.3f, precision %.3f), links precision %.3f" % (
              st["targets"], st["probes"], st["probes"] / st["targets"], len(found & t_if),
              len(t_if), recall, precision, link_precision))
    assert precision > 0.99, precision
    assert link_precision > 0.95, link_precision
    # the lab's 120 prefixes gave 0.69 with Doubletree's stop at the first
    # known interface, 0.78 with --stop-run 3 and neighbours' distances
    # (2026-12-02, load ~25 on 2 cores); diamond branches that few targets
    # cross stay missed (bench/scan/scanwire names why)
    assert recall > 0.72, recall
    assert st["probes"] < 10 * st["targets"], st
