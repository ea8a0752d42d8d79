"""vantage ping and trace on the lab, written as warts and as RIPE Atlas JSON,
read back through scamper's own tools (sc_warts2json, sc_warts2text,
sc_analysis_dump).

For each trace method and address family, one run writes JSON and one
writes warts. Both must show the lab's ground truth (every replying address
belongs to a router the truth puts at that TTL, the silent router is a gap,
the destination answers last); the two runs must agree on which TTLs
answered; the three scamper tools must report the same replies (TTL,
address, RTT) for the warts run; Paris methods keep one path. Pings must
answer from the target with the same counts in both formats.

Skipped when vantage has no ping/trace command yet, scamper's tools are
missing, or not root. The lab is created under a name starting with "vfmt"
and removed at the end, also on failure."""
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("VANTAGE_BUILD", ROOT / "build-san"))
VANTAGE = BUILD / "src" / "cmd" / "vantage"
TOPOLOGY = ROOT / "lab" / "topologies" / "small.conf"
SC_TOOLS = ("sc_warts2json", "sc_warts2text", "sc_analysis_dump")
WAIT_MS = 500


def vantage(*args, timeout=180):
    return subprocess.run([str(VANTAGE), *args], capture_output=True, text=True,
                          timeout=timeout)


def vantage_commands():
    """The subcommand names `vantage --help` lists."""
    if not VANTAGE.exists():
        return set()
    out = vantage("--help").stdout
    return {l.split()[0] for l in out.splitlines() if l.startswith("  ") and l.split()}


pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="the lab needs root"),
    pytest.mark.skipif(any(shutil.which(t) is None for t in SC_TOOLS),
                       reason="scamper's tools are not installed"),
    pytest.mark.skipif(not {"ping", "trace", "lab"} <= vantage_commands(),
                       reason="vantage has no ping/trace command yet"),
]


@pytest.fixture(scope="module")
def lab():
    name = f"vfmt{os.getpid() % 10000}"  # lab names are at most 8 characters
    p = vantage("lab", "up", str(TOPOLOGY), "--name", name, "--owner", str(os.getpid()))
    try:
        assert p.returncode == 0, p.stderr
        yield name
    finally:
        vantage("lab", "down", "--name", name)


def truth(lab, af):
    p = vantage("lab", "truth", "--name", lab, "vp1", "dst", f"-{af}")
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def measure(lab, tmp_path, kind, fmt, args):
    """Run `vantage KIND ARGS -O FMT -o FILE` on vp1; returns FILE."""
    out = tmp_path / f"{kind}-{fmt}"
    p = vantage("lab", "exec", "--name", lab, "vp1", "--", str(VANTAGE), kind, *args,
                "-O", fmt, "-o", str(out))
    assert p.returncode == 0, f"vantage {kind} -O {fmt}: {p.stderr}"
    assert out.exists() and out.stat().st_size > 0
    return out


def tool(name, path):
    p = subprocess.run([name, str(path)], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, f"{name}: {p.stderr}"
    return p.stdout


def warts2json(path):
    objs = [json.loads(l) for l in tool("sc_warts2json", path).splitlines() if l.strip()]
    return [o for o in objs if o.get("type") in ("ping", "trace")]


def hops_atlas(obj):
    """[(ttl, addr, rtt)] of our RIPE Atlas traceroute object."""
    return [(h["hop"], e["from"], e["rtt"]) for h in obj["result"]
            for e in h["result"] if "from" in e]


def hops_w2j(obj):
    return [(h["probe_ttl"], h["addr"], h["rtt"]) for h in obj.get("hops", [])]


def hops_text(text):
    """[(ttl, addr, rtt)] from sc_warts2text's traceroute lines."""
    out = []
    for line in text.splitlines():
        f = line.split()
        if not line.startswith(" ") or not f or not f[0].isdigit():
            continue
        ttl, addr = int(f[0]), None
        for i, tok in enumerate(f[1:], 1):
            if ":" in tok or tok.count(".") == 3:
                addr = tok
            elif i + 1 < len(f) and f[i + 1] == "ms":
                out.append((ttl, addr, float(tok)))
    return out


def hops_dump(text):
    """[(ttl, addr, rtt)] from sc_analysis_dump's T line (the destination's
    first reply is in the header fields, put back in front of its TTL with
    the address left open)."""
    line = next(l for l in text.splitlines() if l.startswith("T\t"))
    f = line.split("\t")
    out = []
    for col, field in enumerate(f[13:], 1):
        if field == "q":
            continue
        for r in field.split(";"):
            addr, rtt, _tries = r.split(",")
            out.append((col, addr, float(rtt)))
    if f[6] == "R":
        # the header names the destination probed, not who replied (an
        # any-IP target's port unreachable comes from its interface address)
        ttl = int(f[8])
        at = next((i for i, h in enumerate(out) if h[0] >= ttl), len(out))
        out.insert(at, (ttl, None, float(f[7])))
    return out


def same_replies(a, b, tol, what):
    assert len(a) == len(b), f"{what}: {len(a)} vs {len(b)} replies\n{a}\n{b}"
    for x, y in zip(a, b):
        same_addr = x[1] == y[1] or None in (x[1], y[1])
        assert x[0] == y[0] and same_addr and abs(x[2] - y[2]) <= tol, f"{what}: {x} vs {y}"


def check_truth(hops, t, method):
    """Every reply comes from a router the truth puts at that TTL; silent
    routers give nothing; the destination answers at its TTL."""
    allowed = {h["ttl"]: {a for r in h["routers"] if not r["silent"] for a in r["addrs"]}
               for h in t["hops"]}
    dst_ttl = max(allowed)
    # the destination may answer from the address probed as well as from
    # the interface address the truth names
    allowed[dst_ttl].add(t["dst_addr"])
    for ttl, addr, rtt in hops:
        assert addr in allowed.get(ttl, set()), f"{method}: {addr} at TTL {ttl}, truth {allowed}"
        assert 0 < rtt < WAIT_MS, f"{method}: RTT {rtt} ms at TTL {ttl}"
    # the destination answered at its TTL (ICMPv6 errors of an any-IP target
    # come from its interface address, echo replies from the probed one)
    assert {a for ttl, a, _ in hops if ttl == dst_ttl}, f"{method}: no reply at TTL {dst_ttl}"
    assert max(ttl for ttl, _, _ in hops) == dst_ttl
    if "paris" in method:
        for ttl in {h[0] for h in hops}:
            assert len({a for x, a, _ in hops if x == ttl}) == 1, f"{method}: TTL {ttl} flaps"


TRACE_CASES = [("udp-paris", 4), ("icmp-paris", 6), ("udp", 6), ("icmp", 4)]


@pytest.mark.parametrize("method,af", TRACE_CASES)
def test_trace_warts_and_json_agree(lab, tmp_path, method, af):
    t = truth(lab, af)
    args = ["--method", method, "--wait", str(WAIT_MS), "--gap-limit", "3",
            f"-{af}", t["dst_addr"]]
    ours = json.loads(measure(lab, tmp_path, "trace", "json", args).read_text().splitlines()[0])
    warts = measure(lab, tmp_path, "trace", "warts", args)
    w2j = warts2json(warts)
    assert len(w2j) == 1 and w2j[0]["dst"] == t["dst_addr"]
    assert ours["dst_addr"] == t["dst_addr"] and ours["af"] == af
    h_json, h_warts = hops_atlas(ours), hops_w2j(w2j[0])
    check_truth(h_json, t, method)
    check_truth(h_warts, t, method)
    assert sorted({h[0] for h in h_json}) == sorted({h[0] for h in h_warts})
    # the scamper tools agree with each other on the same warts run
    same_replies(h_warts, hops_text(tool("sc_warts2text", warts)), 0.0015, "sc_warts2text")
    same_replies(h_warts, hops_dump(tool("sc_analysis_dump", warts)), 0.0015, "sc_analysis_dump")


@pytest.mark.parametrize("af", [4, 6])
def test_ping_warts_and_json_agree(lab, tmp_path, af):
    t = truth(lab, af)
    args = ["--count", "3", "--interval", "200", f"-{af}", t["dst_addr"]]
    ours = json.loads(measure(lab, tmp_path, "ping", "json", args).read_text().splitlines()[0])
    w2j = warts2json(measure(lab, tmp_path, "ping", "warts", args))
    assert len(w2j) == 1
    assert ours["sent"] == w2j[0]["ping_sent"] == 3
    assert ours["rcvd"] == len(w2j[0]["responses"]) == 3
    assert [r["seq"] for r in w2j[0]["responses"]] == [0, 1, 2]
    assert {r["from"] for r in w2j[0]["responses"]} == {t["dst_addr"]}
    assert all(0 < e["rtt"] < 100 for e in ours["result"])
    assert all(0 < r["rtt"] < 100 for r in w2j[0]["responses"])
