"""vantage compare on real measurements in the lab: vp1 and vp2, two probes
on one access router (the topology below; both access links go through the
lab's link emulator), ping the same targets in the same rounds; their
results, as RIPE Atlas JSON, must compare as "no measurable difference".
With 2 ms of delay set on vp2's access link (each direction), compare must
say vp2 is about 4 ms slower. The quantization detector must also see that
iputils prints RTTs of 1-10 ms to 0.01 ms, and that vantage ping does not.

The pinger is iputils ping, whose output the test turns into RIPE Atlas ping
results, and `vantage ping -O json` once the engine provides it (skipped
until then), so the chain runs on real kernel RTTs either way. The lab is
named with this test's prefix (vhost...) and taken down at the end, also on
failure (and by its keeper if pytest dies)."""
import json
import os
import re
import subprocess
import time

import pytest

from conftest import VANTAGE, Lab

ROUNDS = 20
# The 2 ms each way set on vp2's access link in the delay test: 4 ms of RTT.
DELAY_MS = 4.0
TOPOLOGY = """\
router r1 as=64500
host vp1 role=probe as=64500
host vp2 role=probe as=64500
host dst role=target as=64500 anyip=198.18.128.0/22
link vp1 r1 emu
link vp2 r1 emu
link r1 dst delay=1
"""


@pytest.fixture(scope="module")
def lab(vantage_lab_ready, tmp_path_factory):
    topo = tmp_path_factory.mktemp("topo") / "pair.conf"
    topo.write_text(TOPOLOGY)
    # lab names are at most 8 characters: our prefix and three digits of the pid
    lab = Lab(topo, name="vhost%03d" % (os.getpid() % 1000))
    try:
        yield lab
    finally:
        lab.down()


def targets(lab):
    """dst and three more addresses of the prefix it answers for."""
    base = lab.anyip("dst").split("/")[0].rsplit(".", 1)[0]
    return [lab.addr("dst"), f"{base}.1", f"{base}.2", f"{base}.3"]


def iputils_round(lab, host, prb_id, target):
    ts = int(time.time())
    p = lab.exec(host, ["ping", "-n", "-c", "3", "-i", "0.01", "-W", "1", target], check=False)
    rtts = [float(x) for x in re.findall(r"time=([0-9.]+) ms", p.stdout)]
    return json.dumps({"type": "ping", "prb_id": prb_id, "dst_addr": target, "timestamp": ts,
                       "from": lab.addr(host), "sent": 3, "rcvd": len(rtts),
                       "result": [{"rtt": r} for r in rtts] + [{"x": "*"}] * (3 - len(rtts))})


def vantage_round(lab, host, prb_id, target):
    p = lab.exec(host, [VANTAGE, "ping", "--count", "3", "--interval", "10", "-O", "json",
                        target])
    return p.stdout.strip()


def vantage_has_ping():
    return subprocess.run([str(VANTAGE), "ping", "--help"], capture_output=True).returncode == 0


PINGERS = [
    pytest.param(iputils_round, id="iputils"),
    pytest.param(vantage_round, id="vantage", marks=pytest.mark.skipif(
        not vantage_has_ping(), reason="vantage ping has not landed yet")),
]


def measure(lab, tmp_path, pinger):
    """vp1 and vp2 ping every target once per round, one right after the
    other: run side by side, their packets would queue behind each other in
    the lab's user-space link emulator, which is the lab's artefact, not a
    difference between the probes."""
    lines = {"vp1": [], "vp2": []}
    for k in range(ROUNDS):
        for t in targets(lab):
            order = ("vp1", "vp2") if k % 2 == 0 else ("vp2", "vp1")
            for host in order:
                lines[host].append(pinger(lab, host, 1 if host == "vp1" else 2, t))
    for host, ls in lines.items():
        (tmp_path / f"{host}.json").write_text("\n".join(ls) + "\n")
    return tmp_path / "vp1.json", tmp_path / "vp2.json"


def compare(*args):
    return subprocess.run([str(VANTAGE), "compare", *map(str, args)], capture_output=True,
                          text=True, timeout=60)


def tolerance_ms(doc):
    """How far the median of the per-round differences may stray by chance,
    from the spread this run measured: four standard errors of a median
    (1.2533 sigma / sqrt(n), sigma from the IQR), at least 0.3 ms (the lab's
    links are emulated in user space, which adds jitter of its own on a
    loaded machine). A shift bigger than this is still a failure."""
    d = doc["diff_ms"]
    sigma = d["iqr"] / 1.349
    return max(0.3, 4 * 1.2533 * sigma / d["n"] ** 0.5)


@pytest.mark.parametrize("pinger", PINGERS)
def test_two_probes_on_one_router_measure_alike(lab, tmp_path, pinger):
    a, b = measure(lab, tmp_path, pinger)
    # first the figures, then the verdict with "measurable" starting at the
    # chance spread of this run's median difference (see tolerance_ms)
    p = compare(a, b, "--window", "30", "--json", tmp_path / "r0.json")
    assert p.returncode in (0, 1), p.stdout + p.stderr
    tol = tolerance_ms(json.loads((tmp_path / "r0.json").read_text()))
    assert tol < DELAY_MS / 4, tol       # still far below the delay the next test finds
    p = compare(a, b, "--window", "30", "--min-effect-us", int(tol * 1000),
                "--json", tmp_path / "r.json")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "no measurable difference" in p.stdout.splitlines()[-1]
    # iputils prints RTTs of 1-10 ms with two decimals: the detector must see
    # that grid; vantage ping prints kernel-timestamp RTTs to the nanosecond
    doc = json.loads((tmp_path / "r.json").read_text())
    for side in ("quant_a", "quant_b"):
        if pinger is iputils_round:
            assert doc[side]["verdict"] == "found" and abs(doc[side]["step_ms"] - 0.01) < 1e-9
        else:
            assert doc[side]["verdict"] == "none", doc[side]


@pytest.mark.parametrize("pinger", PINGERS)
def test_delay_on_one_access_link_is_named(lab, tmp_path, pinger):
    lab.link("set", "vp2", "r1", "delay=2")
    try:
        a, b = measure(lab, tmp_path, pinger)
    finally:
        lab.link("set", "vp2", "r1", "delay=0")
    p = compare(a, b, "--window", "30", "--json", tmp_path / "r.json")
    assert p.returncode == 1, p.stdout + p.stderr
    assert re.search(r"vp2\.json is [0-9.]+ ms slower than vp1\.json", p.stdout.splitlines()[-1])
    doc = json.loads((tmp_path / "r.json").read_text())
    # the delay is found within the chance spread of this run (at least 0.5 ms)
    tol = max(0.5, tolerance_ms(doc))
    assert tol < DELAY_MS / 4, doc["diff_ms"]
    assert abs(doc["diff_ms"]["median"] - DELAY_MS) <= tol, (tol, doc["diff_ms"])
    assert doc["pairs"] == ROUNDS * 4
