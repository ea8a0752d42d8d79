"""vantage convert: RIPE Atlas JSON lines (shaped like a RIPE Atlas probe's)
in, warts and text out. scamper's sc_warts2json must read the warts and
report the same replies as the input; bad lines are reported with their line
number and skipped, the exit status says so. Needs no lab and no root."""
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("VANTAGE_BUILD", ROOT / "build-san"))
VANTAGE = BUILD / "src" / "cmd" / "vantage"
SAMPLE = ROOT / "tests" / "data" / "format" / "ripe_like.jsonl"


def convert(*args, stdin=None):
    return subprocess.run([str(VANTAGE), "convert", *args], capture_output=True,
                          text=True, timeout=60, input=stdin)


def sample_objects():
    """The good objects of the sample: a traceroute and a ping."""
    objs = []
    for line in SAMPLE.read_text().splitlines():
        try:
            objs.append(json.loads(line))
        except json.JSONDecodeError:
            pass
    return objs[0], objs[1]


def test_bad_lines_named_and_skipped(tmp_path):
    p = convert("-O", "warts", "-o", str(tmp_path / "out.warts"), str(SAMPLE))
    assert p.returncode == 1
    errs = p.stderr.splitlines()
    assert len(errs) == 2, p.stderr
    assert errs[0].startswith(f"vantage convert: {SAMPLE}:2: not JSON")
    assert errs[1] == f"vantage convert: {SAMPLE}:4: \"dst_addr\" is not an IPv4 address"


@pytest.mark.skipif(shutil.which("sc_warts2json") is None, reason="scamper is not installed")
def test_warts_reads_back_through_scamper(tmp_path):
    out = tmp_path / "out.warts"
    convert("-O", "warts", "-o", str(out), str(SAMPLE))
    p = subprocess.run(["sc_warts2json", str(out)], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    got = [json.loads(l) for l in p.stdout.splitlines()]
    got = [o for o in got if o["type"] in ("trace", "ping")]
    trace, ping = sample_objects()
    assert [o["type"] for o in got] == ["trace", "ping"]
    want_hops = [(h["hop"], e["from"], e["rtt"]) for h in trace["result"]
                 for e in h["result"] if "from" in e]
    got_hops = [(h["probe_ttl"], h["addr"], h["rtt"]) for h in got[0]["hops"]]
    assert [(t, a) for t, a, _ in got_hops] == [(t, a) for t, a, _ in want_hops]
    assert all(abs(g[2] - w[2]) < 0.0006 for g, w in zip(got_hops, want_hops))
    assert got[0]["method"] == "udp-paris" and got[0]["stop_reason"] == "COMPLETED"
    assert got[0]["hops"][2]["icmpext"][0]["mpls_labels"][0]["mpls_label"] == 24000
    want_ping = [e["rtt"] for e in ping["result"] if "rtt" in e]
    assert [r["seq"] for r in got[1]["responses"]] == [0, 2]
    assert all(abs(r["rtt"] - w) < 0.0006 for r, w in zip(got[1]["responses"], want_ping))
    assert {r["from"] for r in got[1]["responses"]} == {"2001:db8::2"}


def test_text_from_stdin():
    p = convert("-O", "text", stdin=SAMPLE.read_text())
    assert p.returncode == 1
    assert "traceroute to t1.example (198.18.1.2)" in p.stdout
    assert " 2  * 198.18.5.1 <MPLS:L=24000,E=0,S=1,T=1>  1.207 ms *" in p.stdout
    assert "PING p1.example (2001:db8::2)" in p.stdout
    assert "vantage convert: -:4:" in p.stderr
