"""`vantage compare A B` with agent ids against the controller: two real
agents on the lab ping the same target; compare fed from the controller
(admin socket, --msm, --since) must give exactly the figures compare gives
on the same results exported to files, an agent compared with itself shows
no difference, --since keeps only later rounds, and an unknown agent is a
clear error."""
import json
import os
import subprocess
import time

import pytest

from agents_lab import AGENT, AgentsLab
from platform_lab import VANTAGE, wait_for

pytestmark = pytest.mark.skipif(not AGENT.exists(), reason="vantage-agent is not built")

ROUNDS = 14


def compare(al, *args):
    return subprocess.run([str(VANTAGE), "compare", *map(str, args)], capture_output=True,
                          text=True, timeout=60,
                          env={**os.environ, "VANTAGE_ADMIN": str(al.dir / "ctl" / "admin.sock")})


def figures(path):
    """The JSON figures without the side names."""
    doc = json.loads(path.read_text())
    names = (doc.pop("a"), doc.pop("b"))
    text = json.dumps(doc)
    for i, n in enumerate(names):
        text = text.replace(n, "AB"[i])
    return json.loads(text), names


def test_compare_agents_from_the_controller(lab_factory, tmp_path):
    lab = lab_factory("small", name="vti%04d" % (os.getpid() % 10000))
    al = AgentsLab(lab)
    try:
        a, _ = al.add_agent("vp1")
        b, _ = al.add_agent("vp2")
        msm = al.admin_json("measurement", "create", "--type", "ping", "--target",
                            lab.addr("anc2"), "--agents", f"{a},{b}", "--packets", 3,
                            "--interval", 1)["id"]

        def rounds():
            rows = al.admin_json("results", "export", "--msm", msm)
            n = [len([r for r in rows if r["vantage_agent"] == x]) for x in (a, b)]
            return rows if min(n) >= ROUNDS else None
        wait_for(rounds, 90, f"{ROUNDS} rounds of both agents")
        al.admin("measurement", "stop", msm)
        # a round under way when the stop came is still uploaded (beside a
        # CPU hog one landed between the export and the controller's
        # compare): wait until no result has come for two rounds' time
        seen = []

        def settled():
            seen.append(len(al.admin_json("results", "export", "--msm", msm)))
            time.sleep(2)
            return len(seen) > 1 and seen[-1] == seen[-2]
        wait_for(settled, 60, "the last results after the stop")
        rows = al.admin_json("results", "export", "--msm", msm)
        for x, name in ((a, "a.json"), (b, "b.json")):
            (tmp_path / name).write_text("\n".join(json.dumps(r) for r in rows
                                                   if r["vantage_agent"] == x))
        p = compare(al, a, b, "--msm", msm, "--json", tmp_path / "ctl.json")
        assert p.returncode in (0, 1), p.stdout + p.stderr
        assert f"agent {a}" in p.stdout and f"agent {b}" in p.stdout, p.stdout
        f = compare(al, tmp_path / "a.json", tmp_path / "b.json", "--json", tmp_path / "f.json")
        assert f.returncode == p.returncode, f.stdout + f.stderr
        ctl, _ = figures(tmp_path / "ctl.json")
        files, _ = figures(tmp_path / "f.json")
        assert ctl == files
        assert ctl["pairs"] >= ROUNDS - 1, ctl["pairs"]
        # Without --msm every stored result of the agents counts: here also the
        # reach checks each ran on the other (test_reach_lab.py); the shared
        # target's figures stay the same.
        p = compare(al, a, b, "--json", tmp_path / "all.json")
        every = figures(tmp_path / "all.json")[0]
        assert every["records_a"] > ctl["records_a"] and every["records_b"] > ctl["records_b"]
        anc2 = [t for t in every["targets"] if t["dst"] == lab.addr("anc2")]
        assert anc2 == ctl["targets"], (anc2, ctl["targets"])
        # An agent against itself: every per-round difference is zero.
        p = compare(al, a, a, "--msm", msm, "--json", tmp_path / "self.json")
        assert p.returncode == 0 and "no measurable difference" in p.stdout.splitlines()[-1], \
            p.stdout
        assert figures(tmp_path / "self.json")[0]["diff_ms"]["median"] == 0
        # --since keeps only the later rounds.
        times = sorted(r["timestamp"] for r in rows if r["vantage_agent"] == a)
        since = times[len(times) // 2]
        p = compare(al, a, b, "--msm", msm, "--since", since, "--json", tmp_path / "late.json")
        late = figures(tmp_path / "late.json")[0] if (tmp_path / "late.json").exists() else None
        assert p.returncode in (0, 1, 2), p.stdout + p.stderr
        assert late is not None and 0 < late["pairs"] < ctl["pairs"], (late, ctl["pairs"])
        # An unknown agent is one clear error line.
        p = compare(al, a, 999, "--admin", al.dir / "ctl" / "admin.sock")
        assert p.returncode == 3 and "agent 999" in p.stderr, p.stderr
        assert len(p.stderr.strip().splitlines()) == 1, p.stderr
        al.stop_all_clean()
    finally:
        al.close()
