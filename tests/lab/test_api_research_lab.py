"""The RIPE Atlas API as researchers really call it (issue 16): a research
script written against RIPE Atlas with ripe.atlas.cousteau (Debian's
python3-ripe-atlas-cousteau, unmodified, tests/lab/api_research.py) runs
unchanged against a vantage controller:

  - a host-name target, resolved by the controller from a hosts file (no
    lookup leaves the machine), echoed as RIPE does (target, target_ip,
    resolved_ips; dst_name in every result); with resolve_on_probe, each agent
    resolves it itself from its own hosts file (dst_name and its own dst_addr in
    its result; RIPE's error shape when refused or unresolvable);
  - probes chosen by area and by RIPE's automatic system-* tags, more
    requested than exist: created with what is there (probes_scheduled,
    is_all_scheduled);
  - the definition ripe-atlas-tools' `ripe-atlas measure traceroute` sends
    (its defaults: dont_fragment false, option sizes 0, timeout), accepted;
  - reads without a key of public measurements (info, search, results,
    latest); a private one is not found;
  - /probes/ and /measurements/ filters, /measurements/my/, fields=;
    an unknown filter refused by name.

Every measurement and probe object is compared field by field with the
shape RIPE documents (SHAPE_MSM, SHAPE_PROBE below). The agents run the
platform's synthetic runner (no packets), as in test_api.py."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pg_lab import TempPostgres, pg_bin  # noqa: E402
from platform_lab import RUN_USER, VANTAGE, wait_for  # noqa: E402
from test_api import API, PY, ApiPlatform  # noqa: E402

HERE = Path(__file__).resolve().parent

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces")

NUM = (int,)
OPT_NUM = (int, type(None))
OPT_STR = (str, type(None))

# A measurement object as RIPE Atlas documents it (ping and traceroute).
SHAPE_MSM = {
    "id": NUM, "type": (str,), "af": NUM, "target": (str,), "target_ip": (str,),
    "target_asn": OPT_NUM, "resolved_ips": (list,), "resolve_on_probe": (bool,),
    "description": (str,), "is_oneoff": (bool,), "is_public": (bool,), "interval": OPT_NUM,
    "spread": OPT_NUM, "creation_time": NUM, "start_time": NUM, "stop_time": OPT_NUM,
    "status": (dict,), "participant_count": OPT_NUM, "probes_requested": OPT_NUM,
    "probes_scheduled": OPT_NUM, "is_all_scheduled": (bool,), "result": (str,),
    "group_id": OPT_NUM, "tags": (list,),
}
# A probe object as RIPE Atlas documents it.
SHAPE_PROBE = {
    "id": NUM, "address_v4": OPT_STR, "address_v6": OPT_STR, "asn_v4": OPT_NUM,
    "asn_v6": OPT_NUM, "country_code": OPT_STR, "description": OPT_STR,
    "first_connected": OPT_NUM, "last_connected": OPT_NUM, "geometry": (dict, type(None)),
    "is_anchor": (bool,), "is_public": (bool,), "prefix_v4": OPT_STR, "prefix_v6": OPT_STR,
    "status": (dict,), "status_since": OPT_NUM, "tags": (list,), "total_uptime": NUM,
    "type": (str,), "firmware_version": OPT_NUM,
    "fqdn": OPT_STR,    # vantage's: the name in dns_zone (null without one)
}


def assert_shape(obj, shape, what):
    for field, types in shape.items():
        assert field in obj, f"{what}: no {field}: {obj}"
        assert isinstance(obj[field], types), f"{what}.{field}: {obj[field]!r}"


class ResearchPlatform(ApiPlatform):
    """test_api's platform under a namespace prefix of its own."""

    def __init__(self, prefix="vres", pg=None):
        super(ApiPlatform, self).__init__(heartbeat=1, prefix=prefix, pg=pg)

    def research(self, op, key=None, **args):
        """One step of the research script in the controller's namespace; its outcome."""
        c = {"op": op, "server": API, "verify": self.cert(), "key": key, **args}
        p = self.in_ns([PY, str(HERE / "api_research.py"), json.dumps(c)])
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)

    def steps(self, *steps):
        """Several anonymous steps in one process (a script's loop); their outcomes."""
        return self.research("steps", steps=list(steps))


# Where onprobe.lab.example points in each agent's own hosts file.
ON_PROBE_ADDR = {1: "198.18.1.21", 2: "198.18.1.22", 3: "198.18.7.7"}


@pytest.fixture(scope="module")
def lab():
    p = ResearchPlatform()
    try:
        hosts = p.dir / "hosts"
        hosts.write_text("198.18.1.9 target.lab.example\n")
        p.start_controller("--api", API, "--resolv-conf", "none", "--hosts", hosts)
        wait_for(lambda: "API on https://" in p.controller.text(), 10, "the API to start")
        p.ids = {1: p.register_with(1, "probe", 64500, "NL"),
                 2: p.register_with(2, "probe", 64500, "NL"),
                 3: p.register_with(3, "anchor", 64502, "DE")}
        # each agent's own resolver: a hosts file of its own and no name server, so a
        # resolve_on_probe name resolves differently on each (no lookup leaves the lab);
        # agent 3's site policy forbids where its name points
        for i, role in ((1, "probe"), (2, "probe"), (3, "anchor")):
            (p.dir / f"hosts{i}").write_text(f"{ON_PROBE_ADDR[i]} onprobe.lab.example\n")
            p.config(i, role=role, resolv_conf="none", hosts=p.dir / f"hosts{i}",
                     **({"forbid": "198.18.7.0/24"} if i == 3 else {}))
        for i in p.ids:
            p.start_agent(i)
        wait_for(lambda: p.research("probes", filters={"status": 1}).get("count") == 3, 30,
                 "the agents to connect")
        p.key = p.new_key("researcher")
        yield p
        p.assert_clean_stop()
    finally:
        p.close()


def ids_of(objs):
    return sorted(o["id"] for o in objs)


def test_probes_have_ripes_shape_and_filters(lab):
    got = lab.research("probes")
    assert got["count"] == 3
    for probe in got["probes"]:
        assert_shape(probe, SHAPE_PROBE, f"probe {probe['id']}")
        assert probe["status"]["name"] == "Connected" and probe["status"]["since"].endswith("Z")
        slugs = {t["slug"] for t in probe["tags"]}
        assert {"system-ipv4-works", "system-ipv4-capable"} <= slugs, slugs
        assert ("system-anchor" in slugs) == probe["is_anchor"]
    one, two, anchor = lab.ids[1], lab.ids[2], lab.ids[3]
    cases = [({"country_code": "NL"}, [one, two]), ({"country_code__in": "DE,NL"}, [one, two, anchor]),
             ({"asn_v4": 64502}, [anchor]), ({"asn": 64500}, [one, two]),
             ({"tags": "system-anchor"}, [anchor]), ({"status": 1}, [one, two, anchor]),
             ({"status__in": "2,3"}, []), ({"is_anchor": "false"}, [one, two]),
             ({"prefix_v4": "198.18.0.0/15"}, [one, two, anchor]), ({"id__gt": one}, [two, anchor]),
             ({"id__in": f"{one},{anchor}"}, [one, anchor]),
             # location filters: these probes have no location, so none is in any circle
             ({"radius": "0,0:20038"}, []), ({"latitude__gte": "-90"}, [])]
    outs = lab.steps(*({"op": "probes", "filters": f} for f, _ in cases))
    for (filters, want), out in zip(cases, outs):
        assert ids_of(out["probes"]) == sorted(want), filters
    bad = (({"contry_code": "NL"}, "contry_code: unknown filter"),
           ({"radius": "52.3,4.9"}, "radius: '52.3,4.9' is not LAT,LON:KM"),
           ({"type": "ping"}, "type: not a filter of this endpoint"))
    desc, slim, *refused = lab.steps(
        {"op": "probes", "filters": {"sort": "-id"}},
        {"op": "get", "path": "/api/v2/probes/", "params": {"fields": "asn_v4"}},
        *({"op": "probes", "filters": f} for f, _ in bad))
    assert [p["id"] for p in desc["probes"]] == sorted([one, two, anchor], reverse=True)
    assert slim["ok"] and all(set(p) == {"id", "asn_v4"} for p in slim["data"]["results"])
    # a typo or a filter we do not have is refused by name, never ignored
    for (_, named), out in zip(bad, refused):
        assert "error" in out and named in out["error"], out


# An anchor object as RIPE Atlas documents it.
SHAPE_ANCHOR = {
    "id": NUM, "type": (str,), "probe": NUM, "fqdn": OPT_STR, "is_ipv4_only": (bool,),
    "ip_v4": OPT_STR, "as_v4": OPT_NUM, "ip_v6": OPT_STR, "as_v6": OPT_NUM,
    "ip_v6_prefix": OPT_STR, "country": OPT_STR, "city": OPT_STR, "company": OPT_STR,
    "geometry": (dict, type(None)), "is_disabled": (bool,), "tlsa_record": (str,),
}


def test_anchors_have_ripes_shape(lab):
    got, one, nl, probe = lab.steps(
        {"op": "get", "path": "/api/v2/anchors/"},
        {"op": "get", "path": f"/api/v2/anchors/{lab.ids[3]}/"},
        {"op": "get", "path": "/api/v2/anchors/", "params": {"country": "NL"}},
        {"op": "get", "path": f"/api/v2/anchors/{lab.ids[1]}/"})
    assert got["ok"] and got["data"]["count"] == 1, got
    anchor = got["data"]["results"][0]
    assert_shape(anchor, SHAPE_ANCHOR, "anchor")
    assert (anchor["probe"], anchor["country"], anchor["as_v4"]) == (lab.ids[3], "DE", 64502)
    assert one["ok"] and one["data"] == anchor
    assert nl["ok"] and nl["data"]["count"] == 0
    assert not probe["ok"]   # a probe that is no anchor


def test_a_research_script_runs_unchanged(lab):
    # a host name, area WW, RIPE's system tags, more probes than exist
    made = lab.research("create", key=lab.key, definitions=[
        {"kind": "ping", "af": 4, "target": "target.lab.example", "description": "research run",
         "packets": 3, "tags": ["research", "lab"], "response_timeout": 2000,
         "skip_dns_check": True}],
        sources=[{"type": "area", "value": "WW", "requested": 10,
                  "tags": {"include": ["system-ipv4-works"], "exclude": []}}])
    assert made["ok"], made
    msm = made["data"]["measurements"][0]
    info = lab.research("meta", key=lab.key, id=msm)
    m = info["meta"]
    assert_shape(m, SHAPE_MSM, f"measurement {msm}")
    assert (m["target"], m["target_ip"], m["resolved_ips"]) == \
        ("target.lab.example", "198.18.1.9", ["198.18.1.9"])
    assert (m["probes_requested"], m["probes_scheduled"], m["is_all_scheduled"]) == (10, 3, False)
    assert m["is_public"] is True and m["tags"] == ["research", "lab"]
    assert m["skip_dns_check"] is True and m["timeout"] == 2000
    # anonymous: info, search, results and latest of a public measurement
    anon = lab.research("meta", key="", id=msm)
    assert anon["meta"]["id"] == msm and anon["target"] == "target.lab.example"
    found = lab.research("measurements", filters={"search": "research run", "type": "ping",
                                                  "af": 4, "tags": "research",
                                                  "status__in": "1,2,4"})
    assert [x["id"] for x in found["measurements"]] == [msm], found
    wait_for(lambda: len(lab.research("results", id=msm)["data"]) >= 3, 40, "the results")
    res = lab.research("results", id=msm)
    assert res["ok"] and {r["prb_id"] for r in res["data"]} == set(lab.ids.values())
    assert all(r["dst_name"] == "target.lab.example" for r in res["data"]), res["data"][:1]
    latest = lab.research("latest", id=msm)
    assert latest["ok"] and {r["prb_id"] for r in latest["data"]} == set(lab.ids.values())
    # the owner's own listing; anonymous listings show public ones only
    # the probe sources it was made with, as RIPE lists participation requests
    reqs = lab.research("get", path=f"/api/v2/measurements/{msm}/participation-requests/")
    assert reqs["ok"] and reqs["data"]["count"] == 1, reqs
    req = reqs["data"]["results"][0]
    assert (req["action"], req["type"], req["value"], req["requested"]) == ("add", "area", "WW", 10)
    assert req["tags_include"] == ["system-ipv4-works"] and req["tags_exclude"] == []
    mine = lab.research("get", key=lab.key, path="/api/v2/measurements/my/")
    assert mine["ok"] and msm in [x["id"] for x in mine["data"]["results"]]
    assert not lab.research("get", path="/api/v2/measurements/my/")["ok"]


def test_private_measurements_stay_private(lab):
    made = lab.research("create", key=lab.key, definitions=[
        {"kind": "ping", "af": 4, "target": "198.18.1.2", "description": "private run",
         "is_public": False}],
        sources=[{"type": "probes", "value": str(lab.ids[1]), "requested": 1}])
    assert made["ok"], made
    msm = made["data"]["measurements"][0]
    assert lab.research("meta", key=lab.key, id=msm)["meta"]["is_public"] is False
    assert "error" in lab.research("meta", key="", id=msm)
    assert "error" in lab.research("meta", key=lab.new_key("someone else"), id=msm)
    assert not lab.research("results", id=msm)["ok"]
    anon = lab.research("measurements", filters={"search": "private run"})
    assert anon["count"] == 0
    own = lab.research("measurements", key=lab.key, filters={"search": "private run"})
    assert [x["id"] for x in own["measurements"]] == [msm]


def test_ripe_atlas_tools_definitions_are_accepted(lab):
    """The definition and source `ripe-atlas measure traceroute --target ...` sends
    (ripe-atlas-tools is not packaged in Debian 12: these are its defaults as its
    sources write them), and what we cannot honour refused with the reason."""
    tools = {"kind": "traceroute", "af": 4, "description": "Traceroute measurement to"
             " target.lab.example", "target": "target.lab.example", "resolve_on_probe": False,
             "destination_option_size": 0, "dont_fragment": False, "first_hop": 1,
             "hop_by_hop_option_size": 0, "max_hops": 32, "packets": 3, "paris": 16,
             "port": 80, "protocol": "ICMP", "size": 48, "timeout": 4000}
    source = {"type": "area", "value": "WW", "requested": 2,
              "tags": {"include": ["system-ipv4-works"], "exclude": []}}
    made = lab.research("create", key=lab.key, definitions=[dict(tools)], sources=[source])
    assert made["ok"], made
    m = lab.research("meta", id=made["data"]["measurements"][0])["meta"]
    assert m["dont_fragment"] is False and m["paris"] == 16 and m["probes_scheduled"] == 2
    for field, value, why in (("dont_fragment", True, "dont_fragment: only false"),
                              ("hop_by_hop_option_size", 8, "hop_by_hop_option_size: only 0"),
                              ("duplicate_timeout", 10, "duplicate_timeout: not supported")):
        out = lab.research("create", key=lab.key, definitions=[dict(tools, **{field: value})],
                           sources=[source])
        assert not out["ok"] and why in out["data"]["error"]["detail"], out
    # a regional area: probes here have no location, so none match; RIPE still creates it
    out = lab.research("create", key=lab.key, definitions=[dict(tools)],
                       sources=[dict(source, value="West")])
    assert out["ok"], out
    m = lab.research("meta", id=out["data"]["measurements"][0])["meta"]
    assert (m["probes_scheduled"], m["status"]["name"]) == (0, "No suitable probes")


def test_measurement_tags_through_cousteau(lab):
    made = lab.research("create", key=lab.key, definitions=[
        {"kind": "ping", "af": 4, "target": "198.18.1.2", "description": "tagged",
         "tags": ["first"]}],
        sources=[{"type": "probes", "value": str(lab.ids[2]), "requested": 1}])
    assert made["ok"], made
    msm = made["data"]["measurements"][0]
    assert lab.research("tag", key=lab.key, id=msm, tag="second")["ok"]
    assert lab.research("meta", id=msm)["meta"]["tags"] == ["first", "second"]
    found = lab.research("measurements", filters={"tags": "second"})
    assert [m["id"] for m in found["measurements"]] == [msm]
    assert lab.research("tag", key=lab.key, id=msm, tag="first", remove=True)["ok"]
    assert lab.research("meta", id=msm)["meta"]["tags"] == ["second"]
    # only the key that made it tags it; a bad tag is refused
    assert not lab.research("tag", key=lab.new_key("tagger"), id=msm, tag="mine")["ok"]
    assert not lab.research("tag", key=lab.key, id=msm, tag="no spaces")["ok"]
    assert lab.research("meta", id=msm)["meta"]["tags"] == ["second"]


def test_latest_versions_and_status_check(lab):
    """latest?versions=N gives each probe's N newest results (newest first), and
    RIPE's status-check of a ping is what its rules make of those results."""
    made = lab.research("create", key=lab.key, is_oneoff=False, definitions=[
        {"kind": "ping", "af": 4, "target": "198.18.1.2", "description": "monitored",
         "interval": 10, "packets": 3}],
        sources=[{"type": "probes", "value": f"{lab.ids[1]},{lab.ids[2]}", "requested": 2}])
    assert made.get("ok"), made
    msm = made["data"]["measurements"][0]
    trace = lab.research("create", key=lab.key, definitions=[
        {"kind": "traceroute", "af": 4, "target": "198.18.1.2", "description": "no check",
         "protocol": "ICMP"}],
        sources=[{"type": "probes", "value": str(lab.ids[1]), "requested": 1}])
    assert trace.get("ok"), trace
    two = {lab.ids[1], lab.ids[2]}

    def per_probe():
        res = lab.research("results", id=msm)["data"]
        by = {}
        for r in sorted(res, key=lambda r: r["timestamp"], reverse=True):
            by.setdefault(r["prb_id"], []).append(r)
        return by
    def two_each():   # one read: all() of no probes yet is true
        by = per_probe()
        return set(by) == two and all(len(v) >= 2 for v in by.values())
    wait_for(two_each, 45, "two results of each probe")
    by = per_probe()
    latest, check, loose, bad, trace = lab.steps(
        {"op": "get", "path": f"/api/v2/measurements/{msm}/latest/", "params": {"versions": 2}},
        {"op": "get", "path": f"/api/v2/measurements/{msm}/status-check/"},
        {"op": "get", "path": f"/api/v2/measurements/{msm}/status-check/",
         "params": {"max_packet_loss": 100, "show_all": "true", "lookback": 2}},
        {"op": "get", "path": f"/api/v2/measurements/{msm}/status-check/",
         "params": {"lookback": 99}},
        {"op": "get", "path": f"/api/v2/measurements/{trace['data']['measurements'][0]}"
                             "/status-check/"})
    assert latest["ok"], latest
    got, replies = {}, {}
    for r in latest["data"]:
        got.setdefault(r["prb_id"], []).append(r["timestamp"])
        replies.setdefault(r["prb_id"], len([x for x in r["result"] if "dup" not in x]))
    assert set(got) == two
    for prb, stamps in got.items():
        # the two newest stored when it was read (a newer one may have come in between)
        assert len(stamps) == 2 and stamps[0] > stamps[1], (
            prb, stamps, [(r["prb_id"], r["timestamp"], r.get("lts")) for r in latest["data"]],
            {p: [r["timestamp"] for r in v] for p, v in by.items()})
        assert stamps[1] >= by[prb][1]["timestamp"], (prb, stamps)
    assert check["ok"], check
    answer = check["data"]
    assert set(answer) >= {"global_alert", "total_alerts", "probes"}
    assert {int(k) for k in answer["probes"]} == two
    alerts = 0
    for entry in answer["probes"].values():
        assert set(entry) >= {"alert", "last", "last_packet_loss", "source"}, entry
        assert entry["alert"] == (entry["last_packet_loss"] > 75)
        assert ("all" in entry) == entry["alert"]
        alerts += entry["alert"]
    assert answer["total_alerts"] == alerts and answer["global_alert"] == (alerts > 0)
    assert loose["ok"] and not loose["data"]["global_alert"]
    for prb, entry in loose["data"]["probes"].items():
        # every reply of the latest result (this runner's results all have as many)
        assert len(entry["all"]) == replies[int(prb)] and entry["median"] is not None, entry
    assert not bad["ok"] and "lookback" in json.dumps(bad["data"]), bad
    assert not trace["ok"] and "only available for ping" in json.dumps(trace["data"]), trace
    assert lab.http("DELETE", f"/api/v2/measurements/{msm}/", key=lab.key)["status"] == 204


@pytest.mark.skipif(pg_bin() is None, reason="PostgreSQL is not installed")
def test_the_api_answers_the_same_on_postgresql():
    """The controller on the PostgreSQL store: is_public, echoed tags, the new
    measurement filters, tags, participation requests and status-check answer
    as on SQLite (no agent: what is read is what the API stored)."""
    pg = TempPostgres(RUN_USER, port=20000 + (os.getpid() + 7919) % 20000)
    p = None
    try:
        p = ResearchPlatform(prefix="vrpg", pg=pg)
        p.start_controller("--api", API)
        wait_for(lambda: "API on https://" in p.controller.text(), 10, "the API to start")
        k = subprocess.run([str(VANTAGE), "keys", "add", "pg researcher", "--db", pg.url],
                           capture_output=True, text=True, timeout=30)
        assert k.returncode == 0, k.stderr
        key = k.stdout.split()[-1]
        source = [{"type": "area", "value": "WW", "requested": 1}]
        pub = p.research("create", key=key, sources=source, definitions=[
            {"kind": "ping", "af": 4, "target": "198.18.1.2", "description": "pg public",
             "tags": ["pgtag"]}])
        priv = p.research("create", key=key, sources=source, definitions=[
            {"kind": "ping", "af": 4, "target": "198.18.1.3", "description": "pg private",
             "is_public": False}])
        assert pub.get("ok") and priv.get("ok"), (pub, priv)
        a, b = pub["data"]["measurements"][0], priv["data"]["measurements"][0]
        assert p.research("tag", key=key, id=a, tag="second")["ok"]
        anon, own, tagged, private, meta, reqs, check = p.steps(
            {"op": "measurements", "filters": {"search": "pg "}},
            {"op": "measurements", "key": key, "filters": {"search": "pg ", "sort": "id"}},
            {"op": "measurements", "filters": {"tags": "pgtag,second", "target": "198.18.1.2"}},
            {"op": "measurements", "key": key, "filters": {"is_public": "false"}},
            {"op": "meta", "id": a},
            {"op": "get", "path": f"/api/v2/measurements/{a}/participation-requests/"},
            {"op": "get", "path": f"/api/v2/measurements/{a}/status-check/"})
        assert [m["id"] for m in anon["measurements"]] == [a], anon
        assert [m["id"] for m in own["measurements"]] == [a, b], own
        assert [m["id"] for m in tagged["measurements"]] == [a], tagged
        assert [m["id"] for m in private["measurements"]] == [b], private
        assert meta["meta"]["tags"] == ["pgtag", "second"] and meta["meta"]["is_public"] is True
        assert reqs["ok"] and [(r["type"], r["value"]) for r in reqs["data"]["results"]] == \
            [("area", "WW")], reqs
        assert check["ok"] and check["data"]["probes"] == {} and \
            check["data"]["global_alert"] is False, check
        assert "error" in p.research("meta", id=b)   # private: not found anonymously
        p.assert_clean_stop()
    finally:
        if p:
            p.close()
        pg.close()


def test_resolve_on_probe_each_probe_resolves_the_name(lab):
    """resolve_on_probe with a host name: the controller resolves nothing; each agent
    looks the name up with its own resolver at every run, and its result carries the
    name (dst_name) and the address it found (dst_addr). An address the agent's site
    policy forbids, and a name that does not resolve, give results in RIPE's error
    shape ("error": {"policy"|"getaddrinfo": reason}), never nothing."""
    made = lab.research("create", key=lab.key, definitions=[
        {"kind": "ping", "af": 4, "target": "onprobe.lab.example", "description": "on probe",
         "resolve_on_probe": True},
        {"kind": "ping", "af": 4, "target": "nowhere.lab.example",
         "description": "on probe, no such name", "resolve_on_probe": True}],
        sources=[{"type": "probes", "value": ",".join(str(v) for v in lab.ids.values()),
                  "requested": 3}])
    assert made["ok"], made
    msm, nowhere = made["data"]["measurements"]
    m = lab.research("meta", key=lab.key, id=msm)["meta"]
    assert_shape(m, dict(SHAPE_MSM, target_ip=OPT_STR), f"measurement {msm}")
    assert (m["target"], m["target_ip"], m["resolved_ips"], m["resolve_on_probe"]) == \
        ("onprobe.lab.example", None, [], True)
    wait_for(lambda: len(lab.research("results", id=msm)["data"]) >= 3, 40, "the results")
    by_probe = {r["prb_id"]: r for r in lab.research("results", id=msm)["data"]}
    assert set(by_probe) == set(lab.ids.values()), by_probe
    for i in (1, 2):
        r = by_probe[lab.ids[i]]
        assert (r["dst_name"], r["dst_addr"]) == ("onprobe.lab.example", ON_PROBE_ADDR[i]), r
        assert "error" not in r, r
    refused = by_probe[lab.ids[3]]
    assert (refused["dst_name"], refused["dst_addr"]) == ("onprobe.lab.example", "198.18.7.7")
    assert "198.18.7.7" in refused["error"]["policy"], refused
    wait_for(lambda: len(lab.research("results", id=nowhere)["data"]) >= 3, 40,
             "the results of the name that does not resolve")
    for r in lab.research("results", id=nowhere)["data"]:
        assert r["dst_name"] == "nowhere.lab.example" and "dst_addr" not in r, r
        assert r["error"] == {"getaddrinfo": "not in the hosts file, and no name server is"
                              " configured"}, r
