"""The web dashboard (issue 18) in a real browser: Debian's Chromium,
headless, driven by chromedriver and python3-selenium (dash_browser.py)
inside the lab's ops namespace, against the API of a controller with the
shipped vantage-agent on vp1 (probe), anc1 and anc2 (anchors). The pages
must load without console errors and show what the platform holds: the
vantage points, the measurements, a traceroute graph whose hops are the
lab's ground truth (`vantage lab truth`), the anchor mesh's RTTs as the
API gives them, and a result that arrives while a page is open (through
the live stream, /stream/), and a team's cycle (issue 13) as `vantage team
status` gives it. The same pages laid out on a phone (390 x 844) must not
scroll sideways, and the nav must be usable there with the keyboard. A
screenshot of each page goes to build-san/test-results/dashboard/ (or
$VANTAGE_TEST_RESULTS/dashboard/)."""
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from platform_lab import BUILD, wait_for  # noqa: E402
from test_api_lab import AGENT, DST, PY, ApiLab, create_oneoff  # noqa: E402

HERE = Path(__file__).resolve().parent
HOSTS = {"vp1": "probe", "anc1": "anchor", "anc2": "anchor"}
SHOTS = Path(os.environ.get("VANTAGE_TEST_RESULTS", BUILD / "test-results")) / "dashboard"
# s: the late ping is made once Chromium is up with a page open (starting it
# took over 45 s at load 35); it starts this long after, time enough to open
# its page in the running browser, which `first` below checks
LATE_DELAY = 20
BROWSE_TIMEOUT = 420   # s: the whole browser run
PHONE = [390, 844]  # CSS pixels: a phone's viewport
TEAM_NET = "198.18.128.0\t22\t64502\n"   # dst answers for all of it: 4 /24s

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


def browse(p, steps, callbacks=None):
    """Run the steps in Chromium inside ops; (per-step outcomes, console
    messages). A {"callback": NAME} step runs callbacks[NAME]() here while
    the browser keeps its page: the dict it returns fills "{KEY}" in the
    hashes of the steps after it."""
    shutil.rmtree(SHOTS, ignore_errors=True)   # only this run's pictures
    SHOTS.mkdir(parents=True)
    plan = p.dir / "plan.json"
    plan.write_text(json.dumps({"base": f"https://{p.api}", "key": p.key, "shots": str(SHOTS),
                                "steps": steps}))
    proc = p.lab.popen("ops", [PY, HERE / "dash_browser.py", plan], text=True,
                       stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    watchdog = threading.Timer(BROWSE_TIMEOUT, proc.kill)
    watchdog.start()
    try:
        line = proc.stdout.readline()
        while line.startswith('{"callback"'):
            answer = (callbacks or {})[json.loads(line)["callback"]]()
            proc.stdin.write(json.dumps(answer) + "\n")
            proc.stdin.flush()
            line = proc.stdout.readline()
        rest = proc.stdout.read()
        assert proc.wait() == 0 and line, f"dash_browser failed (rc {proc.returncode})"
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    got = json.loads(line + rest)
    for i, s in enumerate(got["steps"]):
        assert not s.get("timeout"), (steps[i], s)
    return got["steps"], got["console"]


def api_get(p, path):
    r = p.lab.exec("ops", [PY, HERE / "api_research.py", json.dumps(
        {"op": "get", "server": p.api, "verify": str(p.cdir() / "api.crt"), "key": p.key,
         "path": path})])
    got = json.loads(r.stdout)
    assert got.get("ok"), (path, got)
    return got["data"]


def credits_api(p):
    """(balance, ledger entries) of the test key's account, as the API gives them."""
    return (api_get(p, "/api/v2/credits/")["current_balance"],
            api_get(p, "/api/v2/credits/transactions/")["results"])


def check_host_report(p, page):
    """The probe page shows the report anc1's agent sent: its counts and a
    row per requirement, with the status the report gives it."""
    rep = api_get(p, f"/api/v2/probes/{p.ids['anc1']}/host-report/")["report"]
    s = page["summary"][0]
    assert [s["data-pass"], s["data-warn"], s["data-fail"]] == \
        [str(rep["summary"][k]) for k in ("pass", "warn", "fail")], (s, rep["summary"])
    assert ("virtual machine" in s["text"]) == rep["host"]["virt"]["virtualised"], s
    assert [(n["text"], st["text"]) for n, st in zip(page["names"], page["states"])] == \
        [(c["name"], c["status"]) for c in rep["checks"]], page


def check_credits(p, page, before):
    """The credits page shows the key's account: a balance between the API's
    before and after the browser ran (minutes connected earn while it runs),
    and ledger entries the API's ledger holds."""
    after, ledger = credits_api(p)
    shown = int(page["balance"][0]["data-balance"])
    assert before <= shown <= after, (before, shown, after)
    ids = {str(e["id"]) for e in ledger}
    assert {r["text"] for r in page["entries"]} <= ids, (page["entries"], ids)
    print(f"credits page: balance {shown} (API {before} before, {after} after),"
          f" {len(page['entries'])} ledger rows")


def create_team(p):
    """Team "dash" of vp1 and anc1 over dst's four /24s, one chunk a target;
    its first cycle ends at once and the next starts in an hour. Its id."""
    table = p.dir / "pfx2as.txt"
    table.write_text(TEAM_NET)
    os.chmod(table, 0o644)
    p.admin("prefixes", "load", table)
    made = json.loads(p.admin("team", "create", "dash", "--agents",
                              f"{p.ids['vp1']},{p.ids['anc1']}", "--prefixes", "latest",
                              "--method", "icmp-paris", "--pps", 20, "--cycle", "1h",
                              "--chunk", 1, "--json").stdout)
    return made["id"]


def team_status(p):
    return json.loads(p.admin("team", "status", "dash", "--json").stdout)


def cycle_done(s):
    t = s.get("total") or {}
    return t.get("targets", 0) > 0 and t.get("done_targets") == t.get("targets")


def test_dashboard_pages_show_the_platform(dash_lab):
    p = dash_lab
    team = create_team(p)
    a1, a2 = p.lab.addr("anc1"), p.lab.addr("anc2")
    mesh = [create(p, {"kind": "ping", "af": 4, "target": a2, "description": "mesh anc1-anc2",
                       "packets": 3}, [p.ids["anc1"]]),
            create(p, {"kind": "ping", "af": 4, "target": a1, "description": "mesh anc2-anc1",
                       "packets": 3}, [p.ids["anc2"]])]
    trace = create(p, {"kind": "traceroute", "af": 4, "target": DST, "description": "dash trace",
                       "protocol": "ICMP", "paris": 16}, list(p.ids.values()))
    for msm, n in [(mesh[0], 1), (mesh[1], 1), (trace, len(p.ids))]:
        wait_results(p, msm, n)
    wait_for(lambda: cycle_done(team_status(p)), 90, "the team's first cycle")
    credits_before = credits_api(p)[0]   # before the late ping: it must not wait for this
    made = {}

    def create_late():
        made["late"] = create(p, {"kind": "ping", "af": 4, "target": DST,
                                  "description": "late ping", "packets": 3}, [p.ids["vp1"]],
                              start_time=int(time.time()) + LATE_DELAY)
        return {"late": made["late"]}

    steps, console = browse(p, [
        {"hash": "#/probes", "wait": "#probe-list tbody tr", "count": len(HOSTS),
         "extract": {"rows": ["#probe-list tbody tr", ["text"]]}, "shot": "probes"},
        {"callback": "late"},
        {"hash": "#/measurement/{late}", "first": "#result-count", "wait": "#result-count",
         "text": ["#result-count", r"^[1-9]"], "timeout": LATE_DELAY + 60,
         "extract": {"points": ["g.rtt-point", ["data-probe"]], "stream": ["#stream-state", ["text"]]},
         "shot": "ping"},
        {"hash": f"#/probe/{p.ids['anc1']}", "wait": "#connection-timeline rect.connected",
         "extract": {"spans": ["#connection-timeline rect.connected", ["width"]]}, "shot": "probe"},
        {"hash": "#/measurements", "wait": "#msm-list tbody tr", "count": 4,
         "extract": {"rows": ["#msm-list tbody tr", ["text"]]}, "shot": "measurements"},
        {"hash": f"#/measurement/{trace}", "wait": "svg.trace-graph g.hop", "count": 2,
         "extract": {"hops": ["svg.trace-graph g.hop", ["data-addr", "data-hop"]]}, "shot": "trace"},
        {"hash": "#/mesh", "wait": "#mesh-map a.cell", "count": 2,
         "extract": {"cells": ["#mesh-map a.cell", ["data-src", "data-dst", "data-rtt"]]},
         "shot": "mesh"},
        {"hash": "#/teams", "wait": "#team-list tbody tr",
         "extract": {"rows": ["#team-list tbody tr", ["text"]]}, "shot": "teams"},
        {"hash": f"#/team/{team}", "wait": "#team-members tbody tr", "count": 2,
         "extract": {"chunks": ["#team-chunks", ["data-done", "data-chunks"]],
                     "done": ["#team-done", ["data-done", "data-targets"]],
                     "cycle": ["#team-cycle", ["text"]],
                     "progress": ["#team-progress", ["value", "max"]],
                     "members": ["#team-members tbody tr", ["text"]]}, "shot": "team"},
        # the check-host report an agent sent, and the credits of the key's account
        {"hash": f"#/probe/{p.ids['anc1']}", "wait": "#host-checks tbody tr",
         "extract": {"summary": ["#host-summary", ["data-pass", "data-warn", "data-fail", "text"]],
                     "names": ["#host-checks tbody td:nth-child(1)", ["text"]],
                     "states": ["#host-checks tbody td:nth-child(2)", ["text"]]},
         "scroll": "#host-report", "shot": "probe-host"},
        {"hash": "#/credits", "wait": "#credit-balance",
         "extract": {"balance": ["#credit-balance", ["data-balance"]],
                     "entries": ["#credit-ledger tbody tr td:first-child", ["text"]]},
         "shot": "credits"},
        # the same dashboard on a phone
        {"hash": "#/probes", "phone": PHONE, "wait": "#probe-list tbody tr", "count": len(HOSTS),
         "shot": "phone-probes", "nav": "#/teams"},
        {"hash": f"#/measurement/{trace}", "wait": "svg.trace-graph g.hop", "count": 2,
         "shot": "phone-trace", "phone": PHONE},
        {"hash": f"#/team/{team}", "wait": "#team-members tbody tr", "count": 2,
         "shot": "phone-team", "phone": PHONE},
    ], {"late": create_late})
    probes, called, late_page, probe, msms, trace_page, mesh_page, teams, team_page = steps[:9]
    host_page, credits_page = steps[9:11]
    phone_pages = steps[11:]
    late = made["late"]
    assert called["late"] == late, called

    assert [c for c in console if c["level"] == "SEVERE"] == [], console


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
    check_team(p, team, teams["rows"], team_page)
    check_phone(phone_pages)
    check_host_report(p, host_page)
    check_credits(p, credits_page, credits_before)

    # a result that arrived while the page was open appeared without a reload
    print(f"late ping page: opened and its first result shown in {late_page['elapsed_ms']} ms")
    assert late_page["first"] == "0 results", late_page
    assert [x["data-probe"] for x in late_page["points"]] == [f"probe {p.ids['vp1']}"]
    assert late_page["stream"] == [{"text": "live"}], late_page   # subscribed to /stream/
    assert {x.name for x in SHOTS.glob("*.png")} == {
        f"{n}.png" for n in ["mesh", "measurements", "ping", "probe", "probes", "trace", "teams",
                             "team", "phone-probes", "phone-trace", "phone-team",
                             "probe-host", "credits"]}


def check_team(p, team, rows, page):
    """The team list names the team; its page shows `vantage team status`:
    the cycle, chunks and targets done, each member with its rate and chunks."""
    s = team_status(p)
    assert s["team"]["id"] == team and s["total"]["targets"] == 4, s
    row = [r["text"] for r in rows if r["text"].split()[0] == str(team)]
    assert len(row) == 1 and "dash" in row[0] and "100 %" in row[0], rows
    assert page["cycle"] == [{"text": str(s["cycle"]["cycle"])}], page
    t = s["total"]
    assert page["chunks"] == [{"data-done": str(t["done_chunks"]),
                               "data-chunks": str(t["chunks"])}], page
    assert page["done"] == [{"data-done": str(t["done_targets"]),
                             "data-targets": str(t["targets"])}], page
    assert page["progress"] == [{"value": str(t["done_targets"]), "max": str(t["targets"])}]
    drawn = {r["text"].split()[0]: r["text"].split() for r in page["members"]}
    for m in s["members"]:
        if not m["agent_id"]:
            continue
        cells = drawn[str(m["agent_id"])]
        assert cells[1:4] == [str(m["rate"]), "pps", str(m["share"])], (cells, m)
        assert cells[4:7] == [str(m["done_chunks"]), str(m["out_chunks"]),
                              str(m["done_targets"])], (cells, m)
    assert {str(p.ids["vp1"]), str(p.ids["anc1"])} <= drawn.keys(), drawn


def check_phone(pages):
    """On a phone nothing scrolls sideways, every nav link is on screen and
    big enough to tap, and the keyboard follows one."""
    for pg in pages:
        lay = pg["layout"]
        assert lay["viewport"] == PHONE[0], lay
        assert lay["scroll_width"] <= lay["viewport"], lay
        for a in lay["nav"]:
            assert 0 <= a["left"] and a["right"] <= lay["viewport"], lay
            assert a["height"] >= 16 and a["width"] >= 24, a
    assert pages[0]["reached"] == "#/teams", pages[0]


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
