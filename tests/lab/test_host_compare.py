"""vantage compare on synthetic but realistic RIPE Atlas result files
(atlas_synth.py): two probes drawn from the same model must show "no
measurable difference"; a copy of side B with added delay, rounding to a
coarse step, more loss or other paths must be named. Also the one-file form
with --probe-a/--probe-b, the JSON figures, the SVG plot, and errors that
name the file and line. No packet is sent."""
import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from atlas_synth import generate, write

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("VANTAGE_BUILD", ROOT / "build-san"))
VANTAGE = BUILD / "src" / "cmd" / "vantage"


def compare(*args):
    return subprocess.run([str(VANTAGE), "compare", *map(str, args)], capture_output=True,
                          text=True, timeout=120)


def verdict(p):
    return p.stdout.strip().splitlines()[-1]


@pytest.fixture
def files(tmp_path):
    def make(**mods):
        a, b = generate(seed=3, **mods)
        pa, pb = tmp_path / "a.json", tmp_path / "b.json"
        write(pa, a)
        write(pb, b)
        return pa, pb
    return make


def test_same_distribution_no_difference(files, tmp_path):
    a, b = files()
    out_json, out_svg = tmp_path / "r.json", tmp_path / "r.svg"
    p = compare(a, b, "--json", out_json, "--plot", out_svg)
    assert p.returncode == 0, p.stderr
    assert verdict(p).startswith("verdict: no measurable difference")
    doc = json.loads(out_json.read_text())
    assert doc["differs"] is False and doc["enough"] is True
    assert doc["pairs"] == 300 * 5 + 75 * 5
    assert abs(doc["diff_ms"]["median"]) < 0.02
    assert doc["quant_a"]["verdict"] == "none" and doc["quant_b"]["verdict"] == "none"
    svg = ET.parse(out_svg).getroot()
    assert svg.tag.endswith("svg")
    lines = [e for e in svg.iter() if e.tag.endswith("polyline")]
    assert len(lines) == 3  # CDF of A, of B, and of the differences


@pytest.mark.parametrize("mods,rc,words", [
    ({"delay_b": 2.0}, 1, "b.json is 2 ms slower than a.json"),
    ({"delay_b": -0.5}, 1, "b.json is 0.5 ms faster than a.json"),
    ({"round_b": 1.0}, 1, "b.json's RTTs are quantized to 1 ms (a.json's are not)"),
    ({"round_b": 0.1}, 1, "b.json's RTTs are quantized to 0.1 ms"),
    ({"loss_b": 0.08}, 1, "b.json loses"),
    ({"path_change_b": 0.4}, 1, "paths differ in"),
])
def test_changed_copy_is_named(files, mods, rc, words):
    a, b = files(**mods)
    p = compare(a, b)
    assert p.returncode == rc, p.stdout + p.stderr
    assert words in verdict(p)


def test_one_file_two_probes(files, tmp_path):
    a, b = files(delay_b=1.0)
    both = tmp_path / "both.json"
    both.write_text(a.read_text() + b.read_text())
    p = compare(both, "--probe-a", 6001, "--probe-b", 6002)
    assert p.returncode == 1, p.stderr
    assert "(probe 6002) is 1 ms slower than" in verdict(p)
    p = compare(both, "--probe-a", 6001, "--probe-b", 6001)
    assert p.returncode == 0
    assert "no measurable difference" in verdict(p)


def test_too_few_rounds(tmp_path):
    a, b = generate(seed=1, rounds=1, traces=False)
    write(tmp_path / "a.json", a)
    write(tmp_path / "b.json", b)
    p = compare(tmp_path / "a.json", tmp_path / "b.json")
    assert p.returncode == 2
    assert "too few paired rounds" in verdict(p)


def test_since_until_select_rounds(files):
    a, b = files(delay_b=2.0)
    start = 1700000000
    # only the first 10 rounds of 240 s: 50 pings and 15 traceroutes a side
    p = compare(a, b, "--since", start, "--until", start + 2400, "--json", a.with_name("w.json"))
    assert p.returncode == 1, p.stderr
    assert json.loads(a.with_name("w.json").read_text())["pairs"] == 50 + 15
    p = compare(a, b, "--since", start + 10 ** 8)
    assert p.returncode == 2 and "too few paired rounds" in verdict(p)


def test_errors_name_file_and_line(files, tmp_path):
    a, b = files()
    bad = tmp_path / "bad.json"
    bad.write_text(a.read_text().splitlines()[0] + "\n{\"type\": \"ping\",\n")
    p = compare(a, bad)
    assert p.returncode == 3
    assert p.stderr.startswith(f"compare: {bad}:2: bad JSON")
    p = compare(a, b, "--window", "soon")
    assert p.returncode == 3
    assert p.stderr.strip() == "compare: --window: 'soon' is not a number"
    p = compare(a)
    assert p.returncode == 3 and "--probe-a" in p.stderr
