"""The web dashboard (issue 18) in a real browser: Debian's Chromium,
headless, driven by chromedriver and python3-selenium (dash_browser.py)
inside the lab's ops namespace, against the API of a controller with the
shipped vantage-agent on vp1 (probe), anc1 and anc2 (anchors). The pages
must load without console errors and show what the platform holds: the
vantage points, the measurements, a traceroute graph whose hops are the
lab's ground truth (`vantage lab truth`), the anchor mesh's RTTs as the
API gives them, and a result that arrives while a page is open (through
the live stream, /stream/). A
screenshot of each page goes to build-san/test-results/dashboard/ (or
$VANTAGE_TEST_RESULTS/dashboard/)."""
import json
import os
import shutil
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from platform_lab import BUILD, wait_for  # noqa: E402
from test_api_lab import AGENT, DST, PY, ApiLab, create_oneoff  # noqa: E402

HERE = Path(__file__).resolve().parent
HOSTS = {"vp1": "probe", "anc1": "anchor", "anc2": "anchor"}
SHOTS = Path(os.environ.get("VANTAGE_TEST_RESULTS", BUILD / "test-results")) / "dashboard"
START_DELAY = 45   # s: the late ping starts after the browser has its page open

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces"),
    pytest.mark.skipif(not Path("/usr/bin/chromedriver").exists(), reason="no chromium-driver"),
]


@pytest.fixture(scope="module")
def dash_lab(vantage_lab_ready):
    if not AGENT.exists():
        pytest.skip(f"no {AGENT}")
    p = ApiLab(hosts=HOSTS, prefix="vdb")
    try:
        p.start()
        yield p
    finally:
        p.close()


def create(p, definition, sources, **extra):
    made = p.cousteau("create", key=p.key, is_oneoff=True, definitions=[definition],
                      sources=[{"type": "probes", "value": ",".join(map(str, sources)),
                                "requested": len(sources)}], **extra)
    assert made["ok"], made
    return made["data"]["measurements"][0]


def wait_results(p, msm, n):
    return wait_for(lambda: len(p.cousteau("latest", key=p.key, id=msm).get("data") or []) >= n,
                    90, f"{n} results of measurement {msm}")


def browse(p, steps):
    """Run the steps in Chromium inside ops; (per-step outcomes, console messages)."""
    shutil.rmtree(SHOTS, ignore_errors=True)   # only this run's pictures
    SHOTS.mkdir(parents=True)
    plan = p.dir / "plan.json"
    plan.write_text(json.dumps({"base": f"https://{p.api}", "key": p.key, "shots": str(SHOTS),
                                "steps": steps}))
    out = p.lab.exec("ops", [PY, HERE / "dash_browser.py", plan], timeout=300)
    got = json.loads(out.stdout)
    for i, s in enumerate(got["steps"]):
        assert not s.get("timeout"), (steps[i], s)
    return got["steps"], got["console"]


def test_dashboard_pages_show_the_platform(dash_lab):
    p = dash_lab
    a1, a2 = p.lab.addr("anc1"), p.lab.addr("anc2")
    mesh = [create(p, {"kind": "ping", "af": 4, "target": a2, "description": "mesh anc1-anc2",
                       "packets": 3}, [p.ids["anc1"]]),
            create(p, {"kind": "ping", "af": 4, "target": a1, "description": "mesh anc2-anc1",
                       "packets": 3}, [p.ids["anc2"]])]
    trace = create(p, {"kind": "traceroute", "af": 4, "target": DST, "description": "dash trace",
                       "protocol": "ICMP", "paris": 16}, list(p.ids.values()))
    for msm, n in [(mesh[0], 1), (mesh[1], 1), (trace, len(p.ids))]:
        wait_results(p, msm, n)
    late = create(p, {"kind": "ping", "af": 4, "target": DST, "description": "late ping",
                      "packets": 3}, [p.ids["vp1"]], start_time=int(time.time()) + START_DELAY)

    steps, console = browse(p, [
        {"hash": f"#/measurement/{late}", "first": "#result-count", "wait": "#result-count",
         "text": ["#result-count", r"^[1-9]"], "timeout": START_DELAY + 60,
         "extract": {"points": ["g.rtt-point", ["data-probe"]], "stream": ["#stream-state", ["text"]]},
         "shot": "ping"},
        {"hash": "#/probes", "wait": "#probe-list tbody tr", "count": len(HOSTS),
         "extract": {"rows": ["#probe-list tbody tr", ["text"]]}, "shot": "probes"},
        {"hash": f"#/probe/{p.ids['anc1']}", "wait": "#connection-timeline rect.connected",
         "extract": {"spans": ["#connection-timeline rect.connected", ["width"]]}, "shot": "probe"},
        {"hash": "#/measurements", "wait": "#msm-list tbody tr", "count": 4,
         "extract": {"rows": ["#msm-list tbody tr", ["text"]]}, "shot": "measurements"},
        {"hash": f"#/measurement/{trace}", "wait": "svg.trace-graph g.hop", "count": 2,
         "extract": {"hops": ["svg.trace-graph g.hop", ["data-addr", "data-hop"]]}, "shot": "trace"},
        {"hash": "#/mesh", "wait": "#mesh-map a.cell", "count": 2,
         "extract": {"cells": ["#mesh-map a.cell", ["data-src", "data-dst", "data-rtt"]]},
         "shot": "mesh"},
    ])
    late_page, probes, probe, msms, trace_page, mesh_page = steps

    assert [c for c in console if c["level"] == "SEVERE"] == [], console

    # a result that arrived while the page was open appeared without a reload
    assert late_page["first"] == "0 results", late_page
    assert [x["data-probe"] for x in late_page["points"]] == [f"probe {p.ids['vp1']}"]
    assert late_page["stream"] == [{"text": "live"}], late_page   # subscribed to /stream/

    rows = [r["text"] for r in probes["rows"]]
    for node, prb in p.ids.items():
        row = [r for r in rows if r.split()[0] == str(prb)]
        assert len(row) == 1 and "Connected" in row[0] and f"lab {node}" in row[0], rows
        assert ("anchor" if HOSTS[node] == "anchor" else "probe") in row[0]
    print(f"probe list: first render {probes['elapsed_ms']} ms")

    assert float(probe["spans"][0]["width"]) > 0

    listed = {int(r["text"].split()[0]) for r in msms["rows"]}
    assert {*mesh, trace, late} <= listed, (listed, mesh, trace, late)

    check_trace_graph(p, trace_page["hops"])
    check_mesh(p, mesh, mesh_page["cells"])
    assert {x.name for x in SHOTS.glob("*.png")} == {
        f"{n}.png" for n in ["mesh", "measurements", "ping", "probe", "probes", "trace"]}


def check_trace_graph(p, hops):
    """Every node is a router the lab's truth puts at that hop (or * where a
    router is silent), and every answering router of every path is drawn."""
    truths = {node: p.lab.truth(node, DST, proto="icmp")["hops"] for node in HOSTS}
    allowed = {}
    for t in truths.values():
        for h in t:
            a = allowed.setdefault(h["ttl"], set())
            for rt in h["routers"]:
                a |= {"*"} if rt["silent"] else set(rt["addrs"])
    drawn = {}
    for n in hops:
        hop = int(n["data-hop"])
        assert n["data-addr"] in allowed.get(hop, set()), (n, allowed.get(hop))
        drawn.setdefault(hop, set()).add(n["data-addr"])
    for node, t in truths.items():
        for h in t:
            want = {a for rt in h["routers"] for a in rt["addrs"]}
            if all(rt["silent"] for rt in h["routers"]):
                assert "*" in drawn.get(h["ttl"], set()), (node, h)
            else:
                assert drawn.get(h["ttl"], set()) & want, (node, h, drawn.get(h["ttl"]))
    assert DST in drawn[max(drawn)]


def check_mesh(p, mesh, cells):
    """A cell per measured pair, with the least RTT of its latest result."""
    want = {}
    for msm in mesh:
        for r in p.cousteau("latest", key=p.key, id=msm)["data"]:
            least = min(x["rtt"] for x in r["result"] if "rtt" in x)
            dst = {p.lab.addr(n): p.ids[n] for n in ("anc1", "anc2")}[r["dst_addr"]]
            want[(r["prb_id"], dst)] = least
    got = {(int(c["data-src"]), int(c["data-dst"])): float(c["data-rtt"]) for c in cells}
    assert got.keys() == want.keys(), (got, want)
    for k, v in want.items():
        assert abs(got[k] - v) < 1e-6, (k, got[k], v)
