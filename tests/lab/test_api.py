"""The controller's RIPE Atlas-compatible REST API (issue 6), driven through
ripe.atlas.cousteau as a researcher would: measurements created with
AtlasCreateRequest and AtlasSource on lab targets, read back with
Measurement, probes listed with ProbeRequest, results fetched with
AtlasResultsRequest and AtlasLatestRequest and compared with what the agents
stored, and a measurement stopped with AtlasStopRequest. Then hostile and
careless clients: each gets a clear 4xx, nothing is half-created, and the
controller keeps serving the others.

The controller and its agents run in this test's own namespaces (prefix
vapi); the agents use the platform's test-only synthetic runner, which sends
no packets: periodic rounds every few seconds, stop, participation changes
and rate limits are then checked by exact counts that do not depend on the
lab's timing. The same API over real agents and the real engine, with the
results checked against the lab's delays and ground truth, is
test_api_lab.py. The API listens on the controller namespace's loopback, so
the client runs there too (api_cousteau.py)."""
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from platform_lab import (CONTROLLER as CONTROLLER_BIN, LAB_CONFIG, VANTAGE, Platform, sh,  # noqa: E402
                          wait_for)

HERE = Path(__file__).resolve().parent
API = "127.0.0.1:8443"
PY = "/usr/bin/python3"

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces")


class ApiPlatform(Platform):
    """The platform of platform_lab with this test's own namespace prefix."""

    def __init__(self):
        super().__init__(heartbeat=1, prefix="vapi")

    def register_with(self, i, role, asn, country):
        """Register agent i with `vantage agents add` and its network attributes."""
        fp = self.agent_fp(i, role=role)
        p = self.admin("agents", "add", fp, "--org", f"lab site {i}", "--role", role, "--tags",
                       f"lab,{role}", "--approve", "--asn", asn, "--country", country)
        assert p.returncode == 0, p.stderr
        return int(p.stdout.strip())

    def cert(self):
        return str(self.dir / "controller" / "api.crt")

    def in_ns(self, argv, timeout=60):
        return subprocess.run(["ip", "netns", "exec", self.ns, *argv], capture_output=True,
                              text=True, timeout=timeout)

    def cousteau(self, op, **args):
        """Run one cousteau operation in the controller's namespace; its JSON outcome."""
        c = {"op": op, "server": API, "verify": self.cert(), **args}
        p = self.in_ns([PY, str(HERE / "api_cousteau.py"), json.dumps(c)])
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)

    def http(self, method, path, key=None, body=None, raw=None, big=0):
        """A plain HTTPS request with python's requests (for what cousteau cannot send)."""
        code = (
            "import json,sys,requests\n"
            "a=json.loads(sys.argv[1])\n"
            "h={'Authorization':'Key '+a['key']} if a['key'] else {}\n"
            "data=a['raw'].encode() if a['raw'] is not None else (json.dumps(a['body']) if a['body'] is not None else None)\n"
            "data=b'['+b' '*a['big']+b']' if a['big'] else data\n"
            "try:\n"
            "  r=requests.request(a['method'],'https://%s'+a['path'],headers=h,data=data,verify=a['cert'],timeout=30)\n"
            "except requests.exceptions.ConnectionError as e:\n"   # closed while we sent
            "  print(json.dumps({'status':0,'headers':{},'text':str(e)}));sys.exit(0)\n"
            "print(json.dumps({'status':r.status_code,'headers':dict(r.headers),'text':r.text}))\n"
        ) % API
        args = {"method": method, "path": path, "key": key, "body": body, "raw": raw,
                "big": big, "cert": self.cert()}
        p = self.in_ns([PY, "-c", code, json.dumps(args)])
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)

    def assert_clean_stop(self):
        """The controller lived to the end and stops cleanly: no sanitizer report, no
        leak, exit status 0."""
        assert self.controller.alive(), "the controller died:\n" + self.controller.text()[-3000:]
        assert self.controller.stop() == 0, self.controller.text()[-3000:]
        assert "Sanitizer" not in self.controller.text(), self.controller.text()[-3000:]

    def new_key(self, owner, rate=600):
        p = subprocess.run([str(VANTAGE), "keys", "add", owner, "--rate", str(rate), "--dir",
                            str(self.dir / "controller")], capture_output=True, text=True,
                           timeout=30)
        assert p.returncode == 0, p.stderr
        return p.stdout.split()[-1]

    def sql(self, query, *args):
        con = sqlite3.connect(f"file:{self.db()}?mode=ro", uri=True, timeout=10)
        try:
            return con.execute(query, args).fetchall()
        finally:
            con.close()

    def stored_results(self, msm):
        """The results of msm in the store, as the API should give them back: in
        time order (the timestamp stored beside each), then by probe and sequence."""
        out = []
        for agent, seq, body in self.sql("SELECT agent_id, seq, body FROM results"
                                         " WHERE msm_id = ? ORDER BY ts, agent_id, seq", msm):
            r = json.loads(body)
            r.setdefault("prb_id", agent)
            r.setdefault("msm_id", msm)
            out.append(r)
        return out


@pytest.fixture(scope="module")
def lab():
    p = ApiPlatform()
    try:
        p.start_controller("--api", API)
        wait_for(lambda: "API on https://" in p.controller.text(), 10, "the API to start")
        p.ids = {
            1: p.register_with(1, "probe", 64500, "NL"),
            2: p.register_with(2, "probe", 64500, "NL"),
            3: p.register_with(3, "anchor", 64502, "DE"),
        }
        # bad attributes are refused and register nothing
        for bad, named in ((["--asn", "AS1"], "--asn"), (["--country", "Netherlands"], "country"),
                           (["--prefix", "198.18.0.1/24"], "prefix_v4")):
            r = p.admin("agents", "add", "cd" * 32, "--approve", *bad)
            assert r.returncode != 0 and named in r.stderr.splitlines()[0], r.stderr
        assert len(p.admin_json("agents", "list")) == 3
        for i in p.ids:
            p.start_agent(i)
        wait_for(lambda: all(r["status"] == "Connected" for r in
                             p.cousteau("probes")["probes"]), 30, "the agents to connect")
        p.key = p.new_key("researcher")
        yield p
        p.assert_clean_stop()
    finally:
        p.close()


def test_certificate_is_printed_and_accepted(lab):
    assert f"certificate {lab.cert()}" in lab.controller.text()
    r = lab.http("GET", "/api/v2/probes/")
    assert r["status"] == 200
    # the controller's own certificate for agents names no address: not for HTTPS clients
    code = ("import requests\ntry:\n  requests.get('https://%s/api/v2/probes/',verify='%s')\n"
            "  print('accepted')\nexcept requests.exceptions.SSLError:\n  print('refused')\n"
            % (API, lab.dir / "controller" / "controller.crt"))
    assert lab.in_ns([PY, "-c", code]).stdout.strip() == "refused"


def test_probes_through_cousteau(lab):
    got = lab.cousteau("probes")
    assert got["count"] == 3
    by_id = {p["id"]: p for p in got["probes"]}
    assert set(by_id) == set(lab.ids.values())
    assert by_id[lab.ids[3]]["is_anchor"] and not by_id[lab.ids[1]]["is_anchor"]
    assert by_id[lab.ids[1]]["asn_v4"] == 64500 and by_id[lab.ids[3]]["country_code"] == "DE"
    # the address of the agent's session gives its default prefix
    assert by_id[lab.ids[1]]["prefix_v4"] == "198.18.250.0/24"
    anchors = lab.cousteau("probes", filters={"is_anchor": "true"})
    assert [p["id"] for p in anchors["probes"]] == [lab.ids[3]]
    assert lab.cousteau("probe", id=lab.ids[2])["asn_v4"] == 64500
    # pagination: page_size 1 walks all three through the next links
    paged = lab.cousteau("probes", filters={"page_size": 1})
    assert sorted(p["id"] for p in paged["probes"]) == sorted(lab.ids.values())


def test_create_read_results_latest_stop(lab):
    created = lab.cousteau("create", key=lab.key, is_oneoff=False, definitions=[
        {"kind": "ping", "af": 4, "target": "198.18.1.2", "description": "api ping",
         "interval": 10, "packets": 3},
        {"kind": "traceroute", "af": 4, "target": "198.18.130.1", "description": "api trace",
         "protocol": "ICMP", "interval": 10, "paris": 16},
    ], sources=[{"type": "asn", "value": 64500, "requested": 2}])
    assert created["ok"], created
    ping_id, trace_id = created["data"]["measurements"]
    # Measurement(id=...) reads them back
    m = lab.cousteau("meta", key=lab.key, id=ping_id)
    assert (m["type"], m["target"], m["description"]) == ("ping", "198.18.1.2", "api ping")
    assert m["participants"] == 2 and m["status"] == "Ongoing" and m["interval"] == 10
    assert m["result_url"].endswith(f"/api/v2/measurements/{ping_id}/results/")
    t = lab.cousteau("meta", key=lab.key, id=trace_id)
    assert t["type"] == "traceroute" and t["participants"] == 2
    # the store has exactly the participants chosen by ASN (the two probes)
    parts = {r[0] for r in lab.sql("SELECT agent_id FROM msm_agents WHERE msm_id = ?", ping_id)}
    assert parts == {lab.ids[1], lab.ids[2]}
    # the agents measure; the API gives back what the store holds
    wait_for(lambda: len(lab.stored_results(ping_id)) >= 4, 60, "two rounds of ping results")
    got = lab.cousteau("results", key=lab.key, id=ping_id)
    assert got["ok"], got
    stored = lab.stored_results(ping_id)
    # results still coming may land between those read (an upload that lagged
    # has an earlier timestamp): what the API gave is the store's, in its order
    assert got["data"] == [r for r in stored if r in got["data"]] and len(got["data"]) >= 4
    assert {r["prb_id"] for r in got["data"]} == {lab.ids[1], lab.ids[2]}
    # filters: one probe, and a time window
    one = lab.cousteau("results", key=lab.key, id=ping_id, probe_ids=[lab.ids[2]])
    assert one["ok"] and one["data"] and {r["prb_id"] for r in one["data"]} == {lab.ids[2]}
    ts = sorted(r["timestamp"] for r in got["data"])
    window = lab.cousteau("results", key=lab.key, id=ping_id, start=ts[-1], stop=ts[-1])
    assert window["ok"] and all(r["timestamp"] == ts[-1] for r in window["data"])
    assert window["data"]
    # latest: one result per probe, the newest the store has for it. Results
    # keep arriving (every 10 s), so "newest" is read before and after the
    # request: the answer is a stored result no older than the first and no
    # newer than the second.
    def newest(prb):
        seq = lab.sql("SELECT MAX(seq) FROM results WHERE msm_id = ? AND agent_id = ?",
                      ping_id, prb)[0][0]
        body = lab.sql("SELECT body FROM results WHERE agent_id = ? AND seq = ?", prb, seq)[0][0]
        return json.loads(body)["timestamp"]
    before = {prb: newest(prb) for prb in parts}
    latest = lab.cousteau("latest", key=lab.key, id=ping_id)
    assert latest["ok"] and sorted(r["prb_id"] for r in latest["data"]) == sorted(parts)
    for r in latest["data"]:
        stamps = {json.loads(b)["timestamp"] for (b,) in lab.sql(
            "SELECT body FROM results WHERE msm_id = ? AND agent_id = ?", ping_id, r["prb_id"])}
        assert r["timestamp"] in stamps
        assert before[r["prb_id"]] <= r["timestamp"] <= newest(r["prb_id"])
    # format=txt: one result per line, the same results
    txt = lab.http("GET", f"/api/v2/measurements/{ping_id}/results/?format=txt", key=lab.key)
    assert txt["status"] == 200
    assert [json.loads(x) for x in txt["text"].splitlines()][:len(stored)] == \
        stored[:len(txt["text"].splitlines())]
    # stop: the status says so and the agents stop producing
    assert lab.cousteau("stop", key=lab.key, id=trace_id)["ok"]
    t = lab.cousteau("meta", key=lab.key, id=trace_id)
    assert t["status"] == "Stopped" and t["stop_time"]
    time.sleep(2)
    n = len(lab.stored_results(trace_id))
    time.sleep(12)
    assert len(lab.stored_results(trace_id)) == n, "a stopped measurement went on"
    assert lab.cousteau("stop", key=lab.key, id=ping_id)["ok"]
    # listing: this key's measurements, newest first
    listed = lab.cousteau("measurements", key=lab.key)
    assert listed["ids"][:2] == [trace_id, ping_id]


def test_a_key_sees_and_stops_only_its_own(lab):
    # a private measurement (RIPE's default is public: see test_api_research_lab.py)
    mine = lab.cousteau("create", key=lab.key, is_oneoff=True, definitions=[
        {"kind": "ping", "af": 4, "target": "198.18.1.2", "description": "mine",
         "is_public": False}],
        sources=[{"type": "probes", "value": str(lab.ids[3]), "requested": 1}])
    assert mine["ok"], mine
    msm = mine["data"]["measurements"][0]
    other = lab.new_key("someone else")
    assert "error" in lab.cousteau("meta", key=other, id=msm)
    assert not lab.cousteau("stop", key=other, id=msm)["ok"]
    assert msm not in lab.cousteau("measurements", key=other)["ids"]
    r = lab.http("GET", f"/api/v2/measurements/{msm}/results/", key=other)
    assert r["status"] == 404 and json.loads(r["text"])["error"]["status"] == 404
    assert lab.http("GET", f"/api/v2/measurements/{msm}/", key="not-a-key")["status"] == 403
    # anonymous: a private measurement is not found; writes need a key
    assert lab.http("GET", f"/api/v2/measurements/{msm}/")["status"] == 404
    assert lab.http("DELETE", f"/api/v2/measurements/{msm}/")["status"] == 401
    # the one-off ran on its one probe and is done
    wait_for(lambda: lab.stored_results(msm), 30, "the one-off's result")
    assert lab.cousteau("meta", key=lab.key, id=msm)["status"] == "Stopped"


def test_msm_source_is_only_the_keys_own(lab):
    # selecting "the probes of measurement N" reads N's participants: only
    # the key that owns N may do so, others learn nothing and create nothing
    mine = lab.cousteau("create", key=lab.key, is_oneoff=True, definitions=[
        {"kind": "ping", "af": 4, "target": "198.18.1.2", "description": "private",
         "is_public": False}],
        sources=[{"type": "probes", "value": str(lab.ids[2]), "requested": 1}])
    assert mine["ok"], mine
    msm = mine["data"]["measurements"][0]
    other = lab.new_key("prying")
    before = count_msms(lab)
    body = {"definitions": [{"type": "ping", "af": 4, "target": "198.18.1.2",
                             "description": "copy"}], "is_oneoff": True,
            "probes": [{"type": "msm", "value": str(msm), "requested": 1}]}
    r = lab.http("POST", "/api/v2/measurements/", key=other, body=body)
    assert r["status"] == 400 and f"measurement {msm}" in error_of(r), r
    assert count_msms(lab) == before
    # its owner may
    r = lab.http("POST", "/api/v2/measurements/", key=lab.key, body=body)
    assert r["status"] == 201, r


def test_participation_requests_add_and_remove_probes(lab):
    made = lab.cousteau("create", key=lab.key, definitions=[
        {"kind": "ping", "af": 4, "target": "198.18.1.3", "description": "grow", "interval": 10}],
        sources=[{"type": "probes", "value": str(lab.ids[1]), "requested": 1}])
    assert made["ok"], made
    msm = made["data"]["measurements"][0]
    add = lab.cousteau("change", key=lab.key, id=msm, sources=[
        {"action": "add", "type": "probes", "value": str(lab.ids[2]), "requested": 1}])
    assert add["ok"], add
    assert lab.cousteau("meta", key=lab.key, id=msm)["participants"] == 2
    wait_for(lambda: {r["prb_id"] for r in lab.stored_results(msm)} == {lab.ids[1], lab.ids[2]},
             30, "results from both probes")
    out = lab.cousteau("change", key=lab.key, id=msm, sources=[
        {"action": "remove", "type": "probes", "value": str(lab.ids[1]), "requested": 1}])
    assert out["ok"], out
    assert lab.cousteau("meta", key=lab.key, id=msm)["participants"] == 1
    time.sleep(1)
    before = [r for r in lab.stored_results(msm) if r["prb_id"] == lab.ids[1]]
    wait_for(lambda: len([r for r in lab.stored_results(msm) if r["prb_id"] == lab.ids[2]])
             >= 3, 40, "more results from the probe that stays")
    after = [r for r in lab.stored_results(msm) if r["prb_id"] == lab.ids[1]]
    assert after == before, "a probe taken out went on measuring"
    # and can be put back, as RIPE allows: it measures again
    back = lab.cousteau("change", key=lab.key, id=msm, sources=[
        {"action": "add", "type": "probes", "value": str(lab.ids[1]), "requested": 1}])
    assert back["ok"], back
    assert lab.cousteau("meta", key=lab.key, id=msm)["participants"] == 2
    wait_for(lambda: len([r for r in lab.stored_results(msm) if r["prb_id"] == lab.ids[1]])
             > len(after), 40, "results again from the probe put back")
    # a probe that does not take part cannot be removed
    bad = lab.cousteau("change", key=lab.key, id=msm, sources=[
        {"action": "remove", "type": "probes", "value": str(lab.ids[3]), "requested": 1}])
    assert not bad["ok"]
    assert lab.cousteau("stop", key=lab.key, id=msm)["ok"]


def count_msms(lab):
    return lab.sql("SELECT COUNT(*) FROM measurements")[0][0], \
        lab.sql("SELECT COUNT(*) FROM msm_agents")[0][0]


def error_of(r):
    e = json.loads(r["text"])["error"]
    assert {"status", "code", "title", "detail", "errors"} <= set(e)
    assert e["status"] == r["status"]
    return e["detail"]


def test_keys_are_made_and_scoped_through_the_api(lab):
    """/keys/ as RIPE's key manager: a key made through the API holds only its grants,
    every endpoint it does not hold gets RIPE's 403 naming the permission, it cannot
    grant more than it holds, and disabling, expiring or deleting it shuts it out."""
    perms = lab.http("GET", "/api/v2/keys/permissions/")      # anonymous, as RIPE's
    assert perms["status"] == 200
    names = {p["id"] for p in json.loads(perms["text"])["results"]}
    assert {"create_measurement", "stop_measurement", "get_credits", "manage_keys"} <= names
    assert lab.http("GET", "/api/v2/keys/")["status"] == 401

    def make(grants, key=lab.key, **extra):
        r = lab.http("POST", "/api/v2/keys/", key=key,
                     body={"label": "scoped", "grants": [{"permission": g} for g in grants],
                           **extra})
        return r, (json.loads(r["text"]) if r["text"] else None)

    r, credits_only = make(["get_credits"])
    assert r["status"] == 201, r
    text = credits_only["uuid"]
    assert len(text) == 36 and credits_only["grants"] == [
        {"permission": "get_credits", "target": None}], credits_only
    listed = json.loads(lab.http("GET", "/api/v2/keys/", key=lab.key)["text"])["results"]
    shown = [k for k in listed if k["id"] == credits_only["id"]]
    assert shown and shown[0]["uuid"] == text[:8] + "-****-****-****-************", listed
    assert shown[0]["is_active"] and shown[0]["label"] == "scoped"
    # what it does not hold: 403 in RIPE's error shape, naming the permission
    body = {"definitions": [{"type": "ping", "af": 4, "target": "198.18.1.2",
                             "description": "scoped", "is_public": False}],
            "probes": [{"type": "probes", "value": str(lab.ids[3]), "requested": 1}],
            "is_oneoff": True}
    for method, path, b in (("POST", "/api/v2/measurements/", body),
                            ("GET", "/api/v2/measurements/my/", None),
                            ("DELETE", "/api/v2/measurements/1/", None),
                            ("GET", "/api/v2/keys/", None)):
        r = lab.http(method, path, key=text, body=b)
        assert r["status"] == 403 and "does not hold" in error_of(r), (path, r)
    assert lab.http("GET", "/api/v2/credits/", key=text)["status"] == 200
    assert lab.http("GET", "/api/v2/probes/", key=text)["status"] == 200
    # create_measurement may create, and view what it made (RIPE: it implies viewing)
    r, creator = make(["create_measurement"])
    made = lab.http("POST", "/api/v2/measurements/", key=creator["uuid"], body=body)
    assert made["status"] == 201, made
    msm = json.loads(made["text"])["measurements"][0]
    assert lab.http("GET", f"/api/v2/measurements/{msm}/", key=creator["uuid"])["status"] == 200
    assert lab.http("GET", f"/api/v2/measurements/{msm}/", key=text)["status"] == 404
    r = lab.http("DELETE", f"/api/v2/measurements/{msm}/", key=creator["uuid"])
    assert r["status"] == 403 and "stop_measurement" in error_of(r)
    # a grant for one measurement (RIPE's grant target): its key stops that one, no other
    periodic = dict(body, is_oneoff=False,
                    definitions=[dict(body["definitions"][0], interval=300)])
    mine = [json.loads(lab.http("POST", "/api/v2/measurements/", key=lab.key,
                                body=periodic)["text"])["measurements"][0] for _ in range(2)]
    target = {"type": "measurement", "id": str(mine[0])}
    r = lab.http("POST", "/api/v2/keys/", key=lab.key, body={
        "label": "stop one", "grants": [{"permission": "stop_measurement", "target": target}]})
    assert r["status"] == 201, r
    one = json.loads(r["text"])
    assert one["grants"] == [{"permission": "stop_measurement", "target": target}], one
    r = lab.http("DELETE", f"/api/v2/measurements/{mine[1]}/", key=one["uuid"])
    assert r["status"] == 403 and "stop_measurement" in error_of(r), r
    r = lab.http("POST", f"/api/v2/measurements/{mine[0]}/tags/", key=one["uuid"],
                 body={"tag": "x"})
    assert r["status"] == 403 and "update_measurement" in error_of(r), r
    assert lab.http("DELETE", f"/api/v2/measurements/{mine[0]}/", key=one["uuid"])["status"] == 204
    assert lab.http("DELETE", f"/api/v2/measurements/{mine[1]}/", key=lab.key)["status"] == 204
    # nobody grants on a measurement that is not theirs
    r, granter = make(["manage_keys", "stop_measurement"])
    r = lab.http("POST", "/api/v2/keys/", key=granter["uuid"], body={
        "grants": [{"permission": "stop_measurement", "target": target}]})
    assert r["status"] == 403 and "is not one of this key's" in error_of(r), r
    # a key manager cannot grant what it does not hold itself
    r, manager = make(["manage_keys"])
    r, _ = make(["create_measurement"], key=manager["uuid"])
    assert r["status"] == 403 and "create_measurement" in error_of(r), r
    r, _ = make(["bogus"])
    assert r["status"] == 400 and "'bogus' is not a permission" in error_of(r)
    # disabled, expired, deleted: shut out with RIPE's 403
    path = f"/api/v2/keys/{credits_only['id']}/"
    assert lab.http("PATCH", path, key=lab.key, body={"enabled": False})["status"] == 200
    r = lab.http("GET", "/api/v2/credits/", key=text)
    assert r["status"] == 403 and "disabled" in error_of(r)
    assert lab.http("PATCH", f"/api/v2/keys/{text}/", key=lab.key,
                    body={"enabled": True})["status"] == 200
    assert lab.http("GET", "/api/v2/credits/", key=text)["status"] == 200
    r = lab.http("PATCH", path, key=lab.key, body={"valid_to": "2020-01-01T00:00:00Z"})
    assert r["status"] == 200 and not json.loads(r["text"])["is_active"]
    r = lab.http("GET", "/api/v2/credits/", key=text)
    assert r["status"] == 403 and "valid_from/valid_to" in error_of(r)
    assert lab.http("DELETE", path, key=lab.key)["status"] == 204
    assert lab.http("GET", "/api/v2/credits/", key=text)["status"] == 403
    assert lab.http("GET", path, key=lab.key)["status"] == 404
    assert credits_only["id"] not in [k["id"] for k in json.loads(
        lab.http("GET", "/api/v2/keys/", key=lab.key)["text"])["results"]]


def test_bad_requests_get_4xx_and_change_nothing(lab):
    before = count_msms(lab)
    ping = {"kind": "ping", "af": 4, "target": "198.18.1.2", "description": "x"}
    # through cousteau: a target outside the lab ranges, too many probes, an unknown type
    out = lab.cousteau("create", key=lab.key, definitions=[dict(ping, target="192.0.2.1")],
                       sources=[{"type": "area", "value": "WW", "requested": 1}])
    assert not out["ok"] and "192.0.2.0/24, Documentation (TEST-NET-1)" in \
        out["data"]["error"]["detail"]
    out = lab.cousteau("create", key=lab.key, definitions=[dict(ping, bogus_field=1)],
                       sources=[{"type": "area", "value": "WW", "requested": 1}])
    assert not out["ok"] and "definitions[0].bogus_field: unknown field" in \
        out["data"]["error"]["detail"]
    out = lab.cousteau("create", key=lab.key, definitions=[
        ping, {"kind": "dns", "af": 4, "target": "198.18.1.2", "description": "d",
                   "query_class": "IN", "query_type": "A", "query_argument": "lab.example"}],
        sources=[{"type": "area", "value": "WW", "requested": 1}])
    assert not out["ok"] and "definitions[1].type" in out["data"]["error"]["detail"]
    out = lab.cousteau("create", key=lab.key, definitions=[ping],
                       sources=[{"type": "probes", "value": "1,99999", "requested": 1}])
    assert not out["ok"] and "probe 99999 does not exist" in out["data"]["error"]["detail"]
    # by hand: malformed JSON, an oversized body, a bad query value
    path = "/api/v2/measurements/"
    r = lab.http("POST", path, key=lab.key, raw='{"definitions": [')
    assert r["status"] == 400 and "not JSON" in error_of(r)
    r = lab.http("POST", path, key=lab.key, raw=json.dumps({"definitions": [
        dict(ping, description="x" * 200)] * 400, "probes": []}))
    assert r["status"] == 413
    r = lab.http("GET", path + "?page_size=501", key=lab.key)
    assert r["status"] == 400 and "page_size" in error_of(r)
    r = lab.http("GET", path + "?sttaus=2", key=lab.key)
    assert r["status"] == 400 and "sttaus: unknown filter" in error_of(r)
    r = lab.http("GET", "/api/v2/measurements/abc/", key=lab.key)
    assert r["status"] == 404
    r = lab.http("POST", path, key=lab.key, big=2 << 20)
    # evhttp answers 413 from the Content-Length and closes without reading the
    # body, so the client sees the 413 or the connection closed while it sends
    assert r["status"] in (413, 0), r
    assert count_msms(lab) == before
    assert lab.http("GET", "/api/v2/probes/")["status"] == 200


def test_slow_client_does_not_hold_the_controller(lab):
    code = (
        "import socket,time,json,requests\n"
        "s=socket.create_connection(('127.0.0.1',8443))\n"
        "s.sendall(b'\\x16\\x03\\x01')\n"          # a TLS record header, then nothing
        "t0=time.monotonic()\n"
        "r=requests.get('https://%s/api/v2/probes/',verify='%s',timeout=5)\n"
        "served=time.monotonic()-t0\n"
        "s.settimeout(30)\n"
        "try:\n  gone=s.recv(1)==b''\nexcept OSError:\n  gone=True\n"
        "print(json.dumps({'status':r.status_code,'served':served,'gone':gone,"
        "'held':time.monotonic()-t0}))\n"
    ) % (API, lab.cert())
    p = lab.in_ns([PY, "-c", code], timeout=60)
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)
    assert r["status"] == 200 and r["served"] < 3
    assert r["gone"] and r["held"] < 25, r


def test_rate_limit_answers_429_with_retry_after(lab):
    key = lab.new_key("hasty", rate=5)
    # six requests from one client in a row: each through its own python
    # took ~2 s beside a CPU hog, and at 5 a minute a token came back
    code = (
        "import json,sys,requests\n"
        "s=requests.Session();s.trust_env=False;s.verify=sys.argv[2]\n"
        "s.headers['Authorization']='Key '+sys.argv[1]\n"
        "import time\n"
        "t0=time.monotonic();rs=[]\n"
        "while len(rs)<12 and (not rs or rs[-1].status_code!=429):\n"
        "    rs.append(s.get('https://%s/api/v2/measurements/',timeout=30))\n"
        "print(json.dumps({'codes':[r.status_code for r in rs],'status':rs[-1].status_code,"
        "'headers':dict(rs[-1].headers),'text':rs[-1].text,'secs':time.monotonic()-t0}))\n"
    ) % API
    p = lab.in_ns([PY, "-c", code, key, lab.cert()], timeout=120)
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)
    codes = r["codes"]
    # five at once, then one token every 12 s (a slow host earns some back)
    assert codes[-1] == 429 and codes[:5] == [200] * 5, r
    assert len(codes) - 1 <= 5 + int(r["secs"] / 12), r
    assert int(r["headers"]["Retry-After"]) >= 1 and "throttled" in error_of(r)


def test_cli_measure_and_results(lab):
    common = ["--api", API, "--key", lab.key, "--ca", lab.cert()]
    p = lab.in_ns([str(VANTAGE), "measure", "ping", "--target", "198.18.1.2", "--probes", "2",
                   "--packets", "3", "--wait", "60", *common], timeout=90)
    assert p.returncode == 0, p.stderr
    assert "2 of 2 probes answered" in p.stderr
    printed = [json.loads(x) for x in p.stdout.splitlines()]
    assert len(printed) == 2
    msm = printed[0]["msm_id"]
    assert printed == lab.stored_results(msm)
    r = lab.in_ns([str(VANTAGE), "results", str(msm), *common])
    assert r.returncode == 0, r.stderr
    assert [json.loads(x) for x in r.stdout.splitlines()] == lab.stored_results(msm)
    one = lab.in_ns([str(VANTAGE), "results", str(msm), "--probe-ids", str(printed[0]["prb_id"]),
                     *common])
    assert [json.loads(x)["prb_id"] for x in one.stdout.splitlines()] == [printed[0]["prb_id"]]
    # errors are one clear line naming the problem
    bad = lab.in_ns([str(VANTAGE), "measure", "ping", "--target", "192.0.2.1", *common])
    assert bad.returncode != 0 and "Documentation (TEST-NET-1)" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    other = lab.in_ns([str(VANTAGE), "results", "999999", *common])
    assert other.returncode == 1 and "HTTP 404" in other.stderr
    wrong_ca = lab.in_ns([str(VANTAGE), "results", str(msm), "--api", API, "--key", lab.key,
                          "--ca", str(lab.dir / "controller" / "controller.crt")])
    assert wrong_ca.returncode == 1 and "certificate" in wrong_ca.stderr


def admin_call(sock, req):
    s = socket.socket(socket.AF_UNIX)
    s.connect(str(sock))
    s.sendall(json.dumps(req).encode() + b"\n")
    out = json.loads(s.recv(65536))
    s.close()
    return out


class OwnController:
    """A controller of its own on d (loopback of the lab's namespace, API on 127.0.0.1:8445)
    with the given configuration arguments, one approved agent and one API key."""

    def __init__(self, lab, d, *args):
        from platform_lab import RUN_USER, Proc
        self.lab, self.d = lab, d
        self.ctl = Proc([CONTROLLER_BIN, *args, "--dir", d, "--port", "4445",
                         "--api", "127.0.0.1:8445", "--user", RUN_USER],
                        d.parent / f"{d.name}.log", lab.ns)
        try:
            wait_for(lambda: "API on https://" in self.ctl.text(), 20, "the controller")
            self.agent = self.admin({"cmd": "agents.add", "fp": "cd" * 32,
                                     "approve": True})["data"]["id"]
            self.key = subprocess.run([str(VANTAGE), "keys", "add", "own", "--dir", str(d)],
                                      capture_output=True, text=True,
                                      check=True).stdout.split()[-1]
        except BaseException:
            self.stop()
            raise

    def admin(self, req):
        return admin_call(self.d / "admin.sock", req)

    def create(self, target, af=4):
        """POST one ping towards target; (HTTP status, reply)."""
        body = {"definitions": [{"type": "ping", "af": af, "target": target,
                                 "description": "own"}], "is_oneoff": True,
                "probes": [{"type": "probes", "value": str(self.agent), "requested": 1}]}
        code = ("import json,requests\n"
                "r=requests.post('https://127.0.0.1:8445/api/v2/measurements/',json=%r,"
                "headers={'Authorization':'Key %s'},verify='%s',timeout=30)\n"
                "print(json.dumps([r.status_code,r.json()]))\n") % (body, self.key,
                                                                     self.d / "api.crt")
        p = self.lab.in_ns([PY, "-c", code])
        assert p.returncode == 0, p.stderr
        return tuple(json.loads(p.stdout))

    def stored_targets(self):
        con = sqlite3.connect(f"file:{self.d / 'controller.db'}?mode=ro", uri=True)
        try:
            return [json.loads(d)["target"] for (d,) in con.execute("SELECT def FROM measurements")]
        finally:
            con.close()

    def stop(self):
        assert self.ctl.stop() == 0, self.ctl.text()[-2000:]


def test_lab_ranges_are_open_only_by_the_lab_configuration(lab):
    """The lab's targets are special-purpose (RFC 2544 benchmarking): with the lines of
    etc/vantage/controller-lab.conf a create towards them is accepted, without them the same
    create is refused naming the registry entry, through the API and the admin socket."""
    reason = ("198.18.1.9 is in 198.18.0.0/15, Benchmarking (IANA IPv4 Special-Purpose"
              " Address Registry, RFC 2544)")
    ping = {"cmd": "msm.create", "def": {"type": "ping", "af": 4, "target": "198.18.1.9"}}
    own = OwnController(lab, lab.dir / "policy-lab", "--config", LAB_CONFIG)
    try:
        status, reply = own.create("198.18.1.9")
        assert status == 201 and reply["measurements"], reply
        assert own.admin(dict(ping, agents=[own.agent]))["ok"]
    finally:
        own.stop()
    own = OwnController(lab, lab.dir / "policy-default")
    try:
        status, reply = own.create("198.18.1.9")
        assert status == 400 and reason in reply["error"]["detail"], reply
        out = own.admin(dict(ping, agents=[own.agent]))
        assert not out["ok"] and reason in out["error"], out
        assert own.stored_targets() == []
    finally:
        own.stop()


def test_host_name_targets_resolve_through_the_policy(lab):
    """Host-name targets resolve on the controller (here from a hosts file only: no lookup
    leaves the machine) and the address goes through the same target policy."""
    hosts = lab.dir / "hosts"
    hosts.write_text("198.18.1.9 lab-target.example\n2001:db8::9 lab-target.example\n"
                     "10.1.2.3 private.example\n")
    own = OwnController(lab, lab.dir / "policy-names", "--config", LAB_CONFIG,
                        "--resolv-conf", "none", "--hosts", hosts)
    try:
        status, reply = own.create("lab-target.example")
        assert status == 201, reply
        status, reply = own.create("lab-target.example", af=6)
        assert status == 201, reply
        assert own.stored_targets() == ["198.18.1.9", "2001:db8::9"]
        status, reply = own.create("private.example")
        assert status == 400, reply
        assert ("definitions[0].target: private.example resolved: 10.1.2.3 is in 10.0.0.0/8,"
                " Private-Use (IANA IPv4 Special-Purpose Address Registry, RFC 1918)"
                in reply["error"]["detail"]), reply
        status, reply = own.create("nowhere.example")
        assert status == 400 and ("cannot resolve nowhere.example: not in the hosts file, and no"
                                  " name server is configured") in reply["error"]["detail"], reply
        status, reply = own.create("bad..name")
        assert status == 400 and "neither an IP address nor a host name" in \
            reply["error"]["detail"], reply
        assert own.stored_targets() == ["198.18.1.9", "2001:db8::9"]
    finally:
        own.stop()


def rss_kb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def test_results_are_streamed_not_built_in_memory(lab):
    """30 MB of results read by a slow client: the controller's memory stays flat,
    and every stored result comes back once, in order. Memory is measured on the
    release build (ASan's quarantine holds freed memory, which would hide it), on a
    second controller of its own in the same namespace."""
    from platform_lab import RUN_USER, Proc
    release = Path(os.environ.get("VANTAGE_RELEASE_BUILD", HERE.parents[1] / "build"))
    d = lab.dir / "bulk"
    ctl = Proc([release / "src" / "cmd" / "vantage-controller", "--config", LAB_CONFIG,
                "--dir", d, "--port", "4444",
                "--api", "127.0.0.1:8444", "--user", RUN_USER], lab.dir / "bulk.log", lab.ns)
    try:
        wait_for(lambda: "API on https://" in ctl.text(), 20, "the bulk controller")
        s = socket.socket(socket.AF_UNIX)
        s.connect(str(d / "admin.sock"))
        s.sendall(json.dumps({"cmd": "agents.add", "fp": "ab" * 32, "approve": True}).encode()
                  + b"\n")
        agent = json.loads(s.recv(65536))["data"]["id"]
        s.close()
        key = subprocess.run([str(VANTAGE), "keys", "add", "bulk", "--dir", str(d)],
                             capture_output=True, text=True, check=True).stdout.split()[-1]
        body = {"definitions": [{"type": "ping", "af": 4, "target": "198.18.1.9",
                                 "description": "bulk"}], "is_oneoff": True,
                "probes": [{"type": "probes", "value": str(agent), "requested": 1}]}
        code = ("import json,sys,requests\n"
                "r=requests.post('https://127.0.0.1:8444/api/v2/measurements/',json=%r,"
                "headers={'Authorization':'Key %s'},verify='%s')\n"
                "print(r.json()['measurements'][0])\n") % (body, key, d / "api.crt")
        p = lab.in_ns([PY, "-c", code])
        assert p.returncode == 0, p.stderr
        msm = int(p.stdout)
        stream_and_watch(lab, ctl, d, key, msm, agent)
    finally:
        assert ctl.stop() == 0, ctl.text()[-2000:]


def stream_and_watch(lab, ctl, d, key, msm, agent):
    n, pad = 20000, "x" * 1400
    con = sqlite3.connect(str(d / "controller.db"), timeout=30)
    with con:
        con.executemany("INSERT INTO results(agent_id, seq, msm_id, body) VALUES (?, ?, ?, ?)",
                        ((agent, i + 1, msm, json.dumps({"timestamp": 1000 + i, "pad": pad,
                                                         "i": i})) for i in range(n)))
    con.close()
    code = (
        "import json,sys,time,requests\n"
        "r=requests.get('https://127.0.0.1:8444/api/v2/measurements/%d/results/',"
        "headers={'Authorization':'Key %s'},verify='%s',stream=True,timeout=60)\n"
        "t0=time.monotonic();buf=bytearray()\n"
        "for chunk in r.iter_content(65536):\n"
        "    buf+=chunk;time.sleep(0.004)\n"
        "rows=json.loads(bytes(buf))\n"
        "print(json.dumps({'status':r.status_code,'n':len(rows),'bytes':len(buf),"
        "'ok':[x['i'] for x in rows]==list(range(len(rows))),'secs':time.monotonic()-t0,"
        "'chunked':r.headers.get('Transfer-Encoding')}))\n"
    ) % (msm, key, d / "api.crt")
    pid = ctl.p.pid
    base = rss_kb(pid)
    client = subprocess.Popen(["ip", "netns", "exec", lab.ns, PY, "-c", code],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = base
    while client.poll() is None:
        peak = max(peak, rss_kb(pid))
        time.sleep(0.02)
    out, errs = client.communicate()
    assert client.returncode == 0, errs
    got = json.loads(out)
    print(f"streamed {got['n']} results ({got['bytes'] / 1e6:.1f} MB) in {got['secs']:.1f}s"
          f" to a slow reader; controller RSS {base} kB before, {peak} kB at peak")
    assert got["status"] == 200 and got["chunked"] == "chunked"
    assert got["n"] == n and got["ok"]
    # built in memory it would take more than the 30 MB it sends; streamed, a few batches
    assert peak - base < got["bytes"] / 1024 / 4, (base, peak)
