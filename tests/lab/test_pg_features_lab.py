"""Features the PostgreSQL store gained (issue 14), seen on the scaled-out
platform: two vantage-controller front-ends and a vantage-api program on one
throwaway cluster. API keys made and scoped through /api/v2/keys/ at one API
hold at the others (a key disabled at one is shut out at another); the
check-host report an agent sends to front-end 1 is served by the API
program; the anchoring mesh, planned by both front-ends at once (one on the
operator's commands at each), has exactly one measurement per anchor and
type: a third anchor approved at front-end 1 joins the measurements front-end
0 made rather than making new ones; /api/v2/anchor-measurements/ of the API
program lists them, and their results arrive from the anchor connected to
front-end 1. Agents are
the synthetic runner (no packets). Everything is removed at the end."""
import json
import os

import pytest

from frontends_lab import FrontEnds
from pg_lab import TempPostgres, pg_bin
from platform_lab import RUN_USER, sanitizer_clean, wait_for

pytestmark = [pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces"),
              pytest.mark.skipif(pg_bin() is None, reason="PostgreSQL is not installed")]

MESH_POLICY = "anchor_mesh yes\nmesh_probes 1\nmesh_ping_interval 10\nmesh_trace_interval 10\n"


@pytest.fixture
def lab():
    pg = TempPostgres(RUN_USER, port=20000 + (os.getpid() + 13) % 20000)
    try:
        p = FrontEnds(pg, prefix="vpgf")
        try:
            yield p
        finally:
            for log in sorted(p.dir.glob("frontend*.log")):   # what a failure needs
                print(log.name, log.read_text(errors="replace")[-2000:])
            p.close()
    finally:
        pg.close()


def connected_to(lab, i, k):
    return f"port {4443 + k}; " in lab.agents[i].text()


def call(lab, where, method, path, key=None, body=None):
    """One request to front-end k's API (where = k) or the API program (where = "api")."""
    port, cert = lab.api_of_program() if where == "api" else lab.api_of_frontend(where)
    return lab.http(port, cert, method, path, key=key, body=body)


def detail(r):
    return json.loads(r["text"])["error"]["detail"]


def stop_clean(lab):
    for a in lab.agents.values():
        assert a.stop() == 0
    procs = [*lab.frontends.values(), *(a[0] for a in lab.apis.values())]
    for p in procs:
        assert p.stop() == 0
    for p in [*lab.agents.values(), *procs]:
        assert sanitizer_clean(p.text()), p.text()[-3000:]


def test_keys_and_host_reports_across_apis(lab):
    lab.start_frontend(0)
    lab.start_frontend(1)
    lab.start_api()
    aid, _ = lab.register(2)          # lists front-end 1 first
    lab.start_agent(2)
    wait_for(lambda: connected_to(lab, 2, 1), 30, "agent 2 at front-end 1")
    key = lab.new_key("researcher")

    # the report agent 2 sent to front-end 1, from the API program
    def report():
        r = call(lab, "api", "GET", f"/api/v2/probes/{aid}/host-report/", key=key)
        return json.loads(r["text"]) if r["status"] == 200 else None
    got = wait_for(report, 30, "agent 2's check-host report through the API program")
    assert got["probe"] == aid and got["report"]["summary"], got

    # a key made at the API program, scoped to get_credits, holds as such at the front-ends
    r = call(lab, "api", "POST", "/api/v2/keys/", key=key,
             body={"label": "credits only", "grants": [{"permission": "get_credits"}]})
    assert r["status"] == 201, r
    made = json.loads(r["text"])
    listed = json.loads(call(lab, 0, "GET", "/api/v2/keys/", key=key)["text"])["results"]
    shown = [k for k in listed if k["id"] == made["id"]]
    assert shown and shown[0]["label"] == "credits only" and shown[0]["is_active"], listed
    assert shown[0]["grants"] == [{"permission": "get_credits", "target": None}], shown
    body = {"definitions": [{"type": "ping", "af": 4, "target": "198.18.1.2",
                             "description": "scoped", "is_public": False}],
            "probes": [{"type": "probes", "value": str(aid), "requested": 1}],
            "is_oneoff": True}
    r = call(lab, 1, "POST", "/api/v2/measurements/", key=made["uuid"], body=body)
    assert r["status"] == 403 and "does not hold" in detail(r), r
    assert call(lab, 1, "GET", "/api/v2/credits/", key=made["uuid"])["status"] == 200
    # disabled at front-end 0: shut out at the API program
    r = call(lab, 0, "PATCH", f"/api/v2/keys/{made['id']}/", key=key, body={"enabled": False})
    assert r["status"] == 200, r
    r = call(lab, "api", "GET", "/api/v2/credits/", key=made["uuid"])
    assert r["status"] == 403 and "disabled" in detail(r), r
    stop_clean(lab)


def mesh(lab):
    """{(target, type): [msm, ...]} of the running mesh measurements."""
    out = {}
    for t, ty, msm in lab.pg.psql("vantage", "SELECT m.target_agent, m.type, m.msm_id FROM"
                                             " mesh_msms m JOIN measurements x ON x.id ="
                                             " m.msm_id WHERE x.stopped IS NULL"):
        out.setdefault((int(t), ty), []).append(int(msm))
    return out


def test_mesh_planned_by_two_frontends_at_once(lab):
    policy = lab.dir / "mesh-policy.conf"
    policy.write_text(MESH_POLICY)
    policy.chmod(0o644)
    lab.start_frontend(0, "--policy", policy)
    lab.start_frontend(1, "--policy", policy)
    lab.start_api()
    key = lab.new_key("researcher")
    # registered at front-end 0; anchor 2 connects to front-end 1, which plans on its HELLO
    fp = lab.agent_fp(2, role="anchor")
    a1 = int(lab.admin("agents", "add", fp, "--role", "anchor", "--address", "198.18.250.10",
                       "--approve").stdout.split()[0])
    lab.start_agent(2)
    a2 = int(lab.admin("agents", "add", "%064x" % 2, "--role", "anchor", "--address",
                       "198.18.1.2", "--approve").stdout.split()[0])
    probe = int(lab.admin("agents", "add", "%064x" % 3, "--role", "probe", "--address",
                          "198.18.2.1", "--approve").stdout.split()[0])
    want = {(t, ty) for t in (a1, a2) for ty in ("ping", "traceroute")}
    wait_for(lambda: set(mesh(lab)) == want, 90, "the mesh of two anchors and the probe")
    wait_for(lambda: connected_to(lab, 2, 1), 30, "anchor 2 at front-end 1")
    two = mesh(lab)
    # a third anchor approved at front-end 1: it extends front-end 0's measurements
    lab.admin_k = 1
    a3 = int(lab.admin("agents", "add", "%064x" % 4, "--role", "anchor", "--address",
                       "198.18.1.3", "--approve").stdout.split()[0])
    want = {(t, ty) for t in (a1, a2, a3) for ty in ("ping", "traceroute")}
    wait_for(lambda: set(mesh(lab)) == want, 60, "the mesh to grow at front-end 1")
    now = mesh(lab)
    assert all(now[k] == two[k] for k in two), (two, now)   # extended, not made anew
    assert all(len(v) == 1 for v in now.values()), now     # one each, not one per front-end
    assert "agents joined" in lab.frontends[1].text()
    parts = {int(r[0]) for r in lab.pg.psql("vantage", "SELECT agent_id FROM msm_agents WHERE"
                                                       f" msm_id = {now[(a2, 'ping')][0]} AND"
                                                       " refused IS NULL")}
    assert parts == {a1, a3, probe}, parts
    page = json.loads(call(lab, "api", "GET", "/api/v2/anchor-measurements/?page_size=100",
                           key=key)["text"])
    assert page["count"] == 6 and {int(o["measurement"].rstrip("/").rsplit("/", 1)[1])
                                   for o in page["results"]} == \
        {v[0] for v in now.values()}, page
    toward2 = now[(a2, "ping")][0]
    wait_for(lambda: int(lab.pg.psql("vantage", f"SELECT COUNT(*) FROM results WHERE msm_id ="
                                                f" {toward2} AND agent_id = {a1}")[0][0]) > 0,
             60, "anchor 2's results toward the other anchor")
    stop_clean(lab)
