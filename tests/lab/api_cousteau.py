"""api_cousteau: run one RIPE Atlas client operation with ripe.atlas.cousteau
(Debian's python3-ripe-atlas-cousteau, unmodified) and print its outcome as
JSON. test_api.py runs it inside the controller's network namespace, where
the API listens on loopback:

    python3 api_cousteau.py '{"op": "create", "server": ..., "verify": ..., ...}'

Output: {"ok": bool, "data": ...} for request-style calls, the objects for
Measurement/ProbeRequest/MeasurementRequest, or {"error": text} when cousteau
raises."""
import json
import sys

from ripe.atlas.cousteau import (AtlasChangeRequest, AtlasChangeSource, AtlasCreateRequest, AtlasLatestRequest, AtlasResultsRequest,
                                 AtlasSource, AtlasStopRequest, Measurement, MeasurementRequest,
                                 Ping, Probe, ProbeRequest, Traceroute, Dns)

KINDS = {"ping": Ping, "traceroute": Traceroute, "dns": Dns}


def conn(c):
    return {"server": c["server"], "verify": c["verify"]}


def create(c):
    msms = [KINDS[d.pop("kind")](**d) for d in c["definitions"]]
    sources = [AtlasSource(**s) for s in c["sources"]]
    when = {"start_time": c["start_time"]} if "start_time" in c else {}
    ok, data = AtlasCreateRequest(key=c["key"], measurements=msms, sources=sources,
                                  is_oneoff=c.get("is_oneoff", False), **when, **conn(c)).create()
    return {"ok": ok, "data": data}


def meta(c):
    m = Measurement(id=c["id"], key=c["key"], **conn(c))
    return {"id": m.id, "status": m.status, "status_id": m.status_id, "target": m.target,
            "type": m.type, "description": m.description, "is_oneoff": m.is_oneoff,
            "interval": m.interval, "result_url": m.result_url,
            "participants": m.meta_data.get("participant_count"),
            "stop_time": m.meta_data.get("stop_time")}


def probes(c):
    req = ProbeRequest(**conn(c), **c.get("filters", {}))
    out = [{"id": p["id"], "asn_v4": p["asn_v4"], "country_code": p["country_code"],
            "is_anchor": p["is_anchor"], "status": p["status"]["name"],
            "prefix_v4": p["prefix_v4"]} for p in req]
    return {"probes": out, "count": req.total_count}


def probe(c):
    p = Probe(id=c["id"], **conn(c))
    return {"id": p.id, "asn_v4": p.asn_v4, "status": p.status, "is_anchor": p.is_anchor}


def measurements(c):
    req = MeasurementRequest(**conn(c), key=c["key"], **c.get("filters", {}))
    return {"ids": [m["id"] for m in req], "count": req.total_count}


def results(c):
    args = {k: c[k] for k in ("start", "stop", "probe_ids") if k in c}
    ok, data = AtlasResultsRequest(msm_id=c["id"], key=c["key"], **args, **conn(c)).create()
    return {"ok": ok, "data": data}


def latest(c):
    ok, data = AtlasLatestRequest(msm_id=c["id"], key=c["key"], **conn(c)).create()
    return {"ok": ok, "data": data}


def change(c):
    sources = [AtlasChangeSource(**s) for s in c["sources"]]
    ok, data = AtlasChangeRequest(msm_id=c["id"], key=c["key"], sources=sources,
                                  **conn(c)).create()
    return {"ok": ok, "data": data}


def stop(c):
    ok, data = AtlasStopRequest(msm_id=c["id"], key=c["key"], **conn(c)).create()
    return {"ok": ok, "data": data}


OPS = {"create": create, "meta": meta, "probes": probes, "probe": probe,
       "measurements": measurements, "results": results, "latest": latest, "stop": stop,
       "change": change}


def main():
    c = json.loads(sys.argv[1])
    try:
        out = OPS[c["op"]](c)
    except Exception as e:  # cousteau raises on API errors: report them as data
        out = {"error": "%s: %s" % (type(e).__name__, e)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
