"""api_research: what a research script does with ripe.atlas.cousteau (Debian's
python3-ripe-atlas-cousteau, unmodified), step by step, against a vantage
controller: one step per call, its outcome printed as JSON (or, with op
"steps", a list of steps and a list of outcomes). Anonymous steps pass no
key at all, as a script reading public data does.

    python3 api_research.py '{"op": "...", "server": ..., "verify": ..., ...}'
"""
import json
import sys

from ripe.atlas.cousteau import (AtlasCreateRequest, AtlasLatestRequest, AtlasRequest,
                                 AtlasResultsRequest, AtlasSource, Measurement,
                                 MeasurementRequest, Ping, ProbeRequest, Traceroute)
from ripe.atlas.cousteau.measurement_tagging import MeasurementTagger

KINDS = {"ping": Ping, "traceroute": Traceroute}


def conn(c):
    out = {"server": c["server"], "verify": c["verify"]}
    if c.get("key"):
        out["key"] = c["key"]
    return out


def create(c):
    """A create exactly as given: definitions (type in "kind") and sources."""
    msms = [KINDS[d.pop("kind")](**d) for d in c["definitions"]]
    sources = [AtlasSource(**s) for s in c["sources"]]
    ok, data = AtlasCreateRequest(measurements=msms, sources=sources,
                                  is_oneoff=c.get("is_oneoff", True), **conn(c)).create()
    return {"ok": ok, "data": data}


def meta(c):
    """The measurement object as Measurement fetched it (its meta_data), or the error."""
    m = Measurement(id=c["id"], **conn(c))
    return {"meta": m.meta_data, "status": m.status, "target": m.target}


def get(c):
    """A plain GET of path with query parameters, through cousteau's AtlasRequest."""
    req = AtlasRequest(url_path=c["path"], **conn(c))
    ok, data = req.get(**c.get("params", {}))
    return {"ok": ok, "data": data}


def probes(c):
    req = ProbeRequest(server=c["server"], verify=c["verify"], **c.get("filters", {}))
    return {"probes": list(req), "count": req.total_count}


def measurements(c):
    filters = dict(c.get("filters", {}))
    if c.get("key"):
        filters["key"] = c["key"]
    req = MeasurementRequest(server=c["server"], verify=c["verify"], **filters)
    return {"measurements": list(req), "count": req.total_count}


def results(c):
    args = {k: c[k] for k in ("start", "stop", "probe_ids") if k in c}
    ok, data = AtlasResultsRequest(msm_id=c["id"], **args, **conn(c)).create()
    return {"ok": ok, "data": data}


def latest(c):
    ok, data = AtlasLatestRequest(msm_id=c["id"], **conn(c)).create()
    return {"ok": ok, "data": data}


def tag(c):
    """Add (or, with remove, take away) a tag with cousteau's MeasurementTagger."""
    tagger = MeasurementTagger(**conn(c))
    if c.get("remove"):
        ok, data = tagger.remove_tag(c["id"], c["tag"])
    else:
        ok, data = tagger.add_tag(c["id"], c["tag"])
    return {"ok": ok, "data": data}


OPS = {"tag": tag, "create": create, "meta": meta, "get": get, "probes": probes,
       "measurements": measurements, "results": results, "latest": latest}


def run(c):
    try:
        return OPS[c["op"]](c)
    except Exception as e:  # cousteau raises on API errors: report them as data
        return {"error": "%s: %s" % (type(e).__name__, e)}


def main():
    c = json.loads(sys.argv[1])
    if c["op"] == "steps":  # several steps in one process: [outcome, ...]
        base = {k: v for k, v in c.items() if k not in ("op", "steps")}
        print(json.dumps([run(dict(base, **step)) for step in c["steps"]]))
    else:
        print(json.dumps(run(c)))


if __name__ == "__main__":
    main()
