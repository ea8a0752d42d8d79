"""Timing telemetry from real agents on the lab: each agent samples its
timing quality at start and every timing_interval seconds in a worker thread
(which holds no more capabilities than the agent: CAP_NET_RAW only), sends
it with its status, and the controller keeps the history (`vantage agents
timing ID`). The flags in the history follow the documented rules (checked
here by an independent reading of each report), an agent whose site limits
call its timestamps coarse gets flagged reports, and its results carry the
flags ("timing_flags") in the export while results of unflagged reports do
not."""
import os
import time
from pathlib import Path

import pytest

from agents_lab import AGENT, AgentsLab
from platform_lab import wait_for

pytestmark = pytest.mark.skipif(not AGENT.exists(), reason="vantage-agent is not built")

# The documented defaults of host/timing_flags.h, read again here.
LIMITS = {"max_error_us": 100000, "steal_pct": 5.0, "coarse_ns": 10000}


def flags_of(r, lim):
    """The flags the rules of host/timing_flags.h raise for report r."""
    f = []
    if r["realtime"]["stepped"]:
        f.append("clock_stepped")
    s = r["sync"]
    if s["ok"] and not s["synced"] and s["maxerror_us"] > lim["max_error_us"]:
        f.append("unsynchronised")
    if r["steal"]["ok"] and r["steal"]["pct"] > lim["steal_pct"]:
        f.append("steal")
    k = r["kernel_ts"]
    if not k["rx"]:
        f.append("no_kernel_timestamps")
    elif k["step_ns"] > lim["coarse_ns"] or k["quantum_ns"] > lim["coarse_ns"]:
        f.append("coarse_timestamps")
    return f


def caps_of_threads(pid):
    """{tid: (CapEff, CapPrm)} of every thread of pid."""
    out = {}
    for t in Path(f"/proc/{pid}/task").iterdir():
        caps = dict(l.split(":\t") for l in (t / "status").read_text().splitlines()
                    if l.startswith("Cap"))
        out[t.name] = (int(caps["CapEff"], 16), int(caps["CapPrm"], 16))
    return out


def test_timing_telemetry(lab_factory):
    lab = lab_factory("small", name="vti%04d" % (os.getpid() % 10000))
    al = AgentsLab(lab)
    try:
        plain, p_plain = al.add_agent("vp1", timing_interval=2)
        strict, p_strict = al.add_agent("vp2", timing_interval=2, timing_coarse_ns=1)
        hist = {}
        for aid in (plain, strict):
            hist[aid] = wait_for(lambda: (lambda h: h if len(h) >= 3 else None)(
                al.admin_json("agents", "timing", aid)), 40, f"3 timing reports of agent {aid}")
        # The telemetry thread runs with the agent's capabilities, no more.
        for p in (p_plain, p_strict):
            caps = caps_of_threads(p.pid)
            assert len(caps) >= 2, caps
            assert all(c == (1 << 13, 1 << 13) for c in caps.values()), caps
        for aid, lim in ((plain, LIMITS), (strict, {**LIMITS, "coarse_ns": 1})):
            times = [row["time"] for row in hist[aid]]
            assert times == sorted(times) and len(set(times)) == len(times), times
            for row in hist[aid]:
                r = row["report"]
                assert r["kernel_ts"]["rx"] is True and r["kernel_ts"]["samples"] > 0, r
                assert r["timer"]["wakeups"] > 0 and r["duration_ms"] > 0, r
                assert row["flags"] == flags_of(r, lim), (row["flags"], r)
        assert all("coarse_timestamps" in row["flags"] for row in hist[strict])
        durations = sorted(row["report"]["duration_ms"] for row in hist[plain] + hist[strict])
        print("timing sample: %d reports, duration median %.1f ms, max %.1f ms; plain agent"
              " flags %s" % (len(durations), durations[len(durations) // 2], durations[-1],
                             [row["flags"] for row in hist[plain]]))
        # The people's view lists the same reports.
        # (a report every 2 s: one may come between the reads, beside a CPU hog)
        before = len(al.admin_json("agents", "timing", strict))
        text = al.admin("agents", "timing", strict).stdout
        after = len(al.admin_json("agents", "timing", strict))
        assert before <= text.count("coarse_timestamps") <= after, (before, after, text)
        # Results carry the flags of the agent's report when they were measured.
        al.admin("measurement", "create", "--type", "ping", "--target", lab.addr("anc2"),
                 "--agents", f"{plain},{strict}", "--packets", 2, "--interval", 2)

        def results():
            rows = al.admin_json("results", "export")
            by = {a: [r for r in rows if r["vantage_agent"] == a] for a in (plain, strict)}
            return by if all(len(v) >= 3 for v in by.values()) else None
        by = wait_for(results, 60, "3 results of each agent")
        assert all("coarse_timestamps" in r["timing_flags"] for r in by[strict]), by[strict]
        seen = [row["flags"] for row in al.admin_json("agents", "timing", plain)]
        for r in by[plain]:
            assert r.get("timing_flags", []) in seen, (r, seen)
            assert r.get("timing_flags", None) != []      # absent rather than empty
        time.sleep(0.5)
        al.stop_all_clean()
    finally:
        al.close()
