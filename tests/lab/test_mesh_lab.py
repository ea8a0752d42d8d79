"""The anchoring mesh kept by the controller (issue 15; /anchor-measurements/
of issue 16): two anchors and a probe are meshed as they are admitted (a
ping and a traceroute toward each anchor, from the other anchor and the
probe); a third anchor, approved, joins the others' measurements and gets
its own, which reach the connected anchor and bring results; removed, its
measurements stop and it leaves the others'. The API lists exactly the
running mesh measurements, and no result of the mesh is charged to anyone.
Anchor 1 is the test-only synthetic runner (no packets); the others are
registered only. The controller runs in this test's own namespaces (prefix
vmsh)."""
import json
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from platform_lab import Platform, sanitizer_clean, wait_for  # noqa: E402
from test_api import API, ApiPlatform  # noqa: E402

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces")

POLICY = "anchor_mesh yes\nmesh_probes 1\nmesh_ping_interval 10\nmesh_trace_interval 10\n"


class MeshPlatform(ApiPlatform):
    def __init__(self):
        Platform.__init__(self, heartbeat=1, prefix="vmsh")

    def add(self, fp, role, address, approve=True):
        r = self.admin("agents", "add", fp, "--role", role, "--address", address,
                       *(["--approve"] if approve else []))
        assert r.returncode == 0, r.stderr
        return int(r.stdout.split()[0])

    def mesh(self):
        """{(target, type): (msm, {participants taking part})} of the running mesh."""
        rows = self.sql("SELECT m.target_agent, m.type, m.msm_id FROM mesh_msms m"
                        " JOIN measurements x ON x.id = m.msm_id WHERE x.stopped IS NULL")
        return {(t, ty): (msm, {a for (a,) in self.sql(
                    "SELECT agent_id FROM msm_agents WHERE msm_id = ? AND refused IS NULL", msm)})
                for t, ty, msm in rows}

    def listed(self):
        r = self.http("GET", "/api/v2/anchor-measurements/?page_size=100")
        assert r["status"] == 200, r
        return json.loads(r["text"])

    def results(self, msm, agent):
        return self.sql("SELECT COUNT(*) FROM results WHERE msm_id = ? AND agent_id = ?",
                        msm, agent)[0][0]


def expect(a, others):
    """The mesh toward each anchor of a: ping and traceroute from every other agent of others."""
    return {(t, ty): {o for o in others if o != t} for t in a for ty in ("ping", "traceroute")}


def shape(mesh):
    return {k: v[1] for k, v in mesh.items()}


def test_the_mesh_grows_with_a_third_anchor_and_shrinks_when_it_goes():
    p = MeshPlatform()
    try:
        policy = p.dir / "policy.conf"
        policy.write_text(POLICY)
        policy.chmod(0o644)
        p.start_controller("--api", API, "--policy", policy)
        wait_for(lambda: "API on https://" in p.controller.text(), 30, "the API to start")
        a1 = p.add(p.agent_fp(1, role="anchor"), "anchor", "198.18.250.6")
        p.start_agent(1)
        a2 = p.add("%064x" % 2, "anchor", "198.18.1.2")
        probe = p.add("%064x" % 3, "probe", "198.18.2.1")
        wait_for(lambda: shape(p.mesh()) == expect([a1, a2], [a1, a2, probe]), 30,
                 "the mesh of two anchors and the probe")
        two = p.mesh()

        page = p.listed()
        assert page["count"] == 4 and len(page["results"]) == 4, page
        for o in page["results"]:
            assert set(o) == {"id", "is_mesh", "measurement", "target", "type"}, o
            assert o["is_mesh"] is True and o["type"] in ("ping", "traceroute"), o
            target = int(o["target"].rstrip("/").rsplit("/", 1)[1])
            msm = int(o["measurement"].rstrip("/").rsplit("/", 1)[1])
            assert o["target"].endswith(f"/api/v2/anchors/{target}/"), o
            assert two[(target, o["type"])][0] == msm, (o, two)
        one = p.http("GET", f"/api/v2/anchor-measurements/{page['results'][0]['id']}/")
        assert one["status"] == 200 and json.loads(one["text"]) == page["results"][0], one
        assert p.http("GET", "/api/v2/anchor-measurements/999999/")["status"] == 404
        assert p.http("GET", "/api/v2/anchor-measurements/?type=ping")["status"] == 400
        info = json.loads(p.http("GET", f"/api/v2/measurements/{two[(a2, 'ping')][0]}/")["text"])
        assert info["description"] == f"Anchoring Mesh Measurement: Ping IPv4 for anchor {a2}"
        assert info["is_public"] is True and info["interval"] == 10, info
        assert json.loads(p.sql("SELECT def FROM measurements WHERE id = ?",
                                two[(a2, "ping")][0])[0][0])["target"] == "198.18.1.2"

        # A third anchor: nothing before its approval; then it joins and is measured.
        a3 = p.add("%064x" % 4, "anchor", "198.18.1.3", approve=False)
        assert p.mesh() == two
        r = p.admin("agents", "approve", a3)
        assert r.returncode == 0, r.stderr
        three = wait_for(lambda: (lambda m: m if shape(m) == expect(
            [a1, a2, a3], [a1, a2, a3, probe]) else None)(p.mesh()), 30, "the mesh to grow")
        assert all(three[k][0] == two[k][0] for k in two), (two, three)   # extended, not made anew
        assert p.listed()["count"] == 6
        toward3 = three[(a3, "ping")][0]
        wait_for(lambda: p.results(toward3, a1) >= 1, 60,
                 "the connected anchor's results toward the third")

        # Removed: its measurements stop, it leaves the others', the listing shrinks.
        r = p.admin("agents", "remove", a3)
        assert r.returncode == 0, r.stderr
        wait_for(lambda: shape(p.mesh()) == expect([a1, a2], [a1, a2, probe]), 30,
                 "the mesh to shrink")
        assert {k: v[0] for k, v in p.mesh().items()} == {k: v[0] for k, v in two.items()}
        for ty in ("ping", "traceroute"):
            assert p.sql("SELECT stopped FROM measurements WHERE id = ?",
                         three[(a3, ty)][0])[0][0] is not None
        left = p.sql("SELECT COUNT(*) FROM msm_agents WHERE agent_id = ? AND refused = ?",
                     a3, "left the anchoring mesh")[0][0]
        assert left == 4, left
        assert p.listed()["count"] == 4

        # The mesh's results are charged to nobody.
        mesh_ids = sorted({v[0] for v in three.values()})
        marks = ",".join("?" * len(mesh_ids))
        stored = p.sql(f"SELECT COUNT(*) FROM results WHERE msm_id IN ({marks})", *mesh_ids)[0][0]
        charged = p.sql(f"SELECT COUNT(*) FROM credit_ledger WHERE msm_id IN ({marks})",
                        *mesh_ids)[0][0]
        assert stored >= 1 and charged == 0, (stored, charged)
        assert p.sql("SELECT COUNT(*) FROM api_msm WHERE msm_id IN (%s) AND key_id != 0"
                     % marks, *mesh_ids)[0][0] == 0
        assert p.controller.stop() == 0
        assert sanitizer_clean(p.controller.text()), p.controller.text()[-3000:]
    finally:
        p.close()
