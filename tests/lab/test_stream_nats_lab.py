"""The live stream on the scaled-out platform (issue 14, "The live stream"):
a front-end with `ingest nats://...` (and an API of its own), a store writer
committing to PostgreSQL, and vantage-api serving /stream/ from the same
NATS. The writer publishes each result once its commit stored it, the
front-end its agents' connects and disconnects; every process serving
/stream/ subscribes (src/jetstream/js_live.h).

A WebSocket client (Debian's python3-websocket, stream_client.py) at
vantage-api, subscribed to a measurement before its agents start, receives
every stored result of it exactly once, the same objects as /results/
(counted per probe against the store's (agent, sequence) rows, each once by
its identity, and object for object with /results/), and the probe status events of an agent that connects, is cut
off and comes back. A second client at the front-end's API gets the same
results, and the metadata of a measurement created at vantage-api. The NATS cluster runs in the platform's namespace on loopback
(nats_lab.py), PostgreSQL in a temporary folder (pg_lab.py); everything is
stopped and removed at the end, also after a failure."""
import json
import os
import subprocess
from pathlib import Path

import pytest

from nats_lab import NatsCluster, nats_installed
from pg_lab import TempPostgres, pg_bin
from platform_lab import (BUILD, LAB_CONFIG, RUN_USER, VANTAGE, Platform, Proc, sanitizer_clean,
                          wait_for)
from test_platform import periodic, settled, stop_all

HERE = Path(__file__).resolve().parent
WRITER = BUILD / "src" / "cmd" / "vantage-writer"
API_PROGRAM = BUILD / "src" / "cmd" / "vantage-api"
FE_API, PROGRAM_API = 8443, 8453
PY = "/usr/bin/python3"

pytestmark = [pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces"),
              pytest.mark.skipif(pg_bin() is None, reason="PostgreSQL is not installed"),
              pytest.mark.skipif(not nats_installed(), reason="nats-server is not installed")]


class Lab:
    def __init__(self):
        self.pg = TempPostgres(RUN_USER, port=20000 + (os.getpid() + 13) % 20000)
        self.nats = None
        self.procs = []         # writer, vantage-api: Proc
        self.clients = []       # (Popen, output file)
        try:
            self.p = Platform(prefix="vsn", pg=self.pg)
            self.nats = NatsCluster(user=RUN_USER, netns=self.p.ns, base_port=14222)
        except BaseException:
            self.close()
            raise

    def start(self, argv, name):
        proc = Proc(argv, self.p.dir / f"{name}.log", self.p.ns)
        self.procs.append(proc)
        return proc

    def start_api(self):
        d = self.p.dir / "api"
        proc = self.start([API_PROGRAM, "--config", LAB_CONFIG, "--dir", d, "--user", RUN_USER,
                           "--store", self.pg.url, "--api", f"127.0.0.1:{PROGRAM_API}",
                           "--ingest", self.nats.urls], "api")
        wait_for(lambda: "live stream from nats://" in proc.text(), 60,
                 "vantage-api to serve the live stream")
        return proc

    def client(self, port, cafile, key, send):
        """A stream client in the platform's namespace, printing into a file we poll."""
        out = self.p.dir / f"client{len(self.clients)}.out"
        cfg = {"url": f"wss://127.0.0.1:{port}/stream/", "cafile": str(cafile), "key": key,
               "send": send, "seconds": 300}
        f = open(out, "w")
        c = subprocess.Popen(["ip", "netns", "exec", self.p.ns, PY, str(HERE / "stream_client.py"),
                              json.dumps(cfg)], stdout=f, stderr=subprocess.STDOUT, text=True)
        f.close()
        self.clients.append((c, out))
        wait_for(lambda: out.read_text().startswith("ready"), 30, "the stream client to connect")
        wait_for(lambda: out.read_text().count("atlas_subscribed") == len(send), 30,
                 "the stream client's subscriptions")
        return out

    def http(self, port, cafile, key, path, body=None):
        """GET path (POST body when given) at the API on port; its JSON answer."""
        code = ("import json,sys,requests\n"
                "b=json.loads(sys.argv[4])\n"
                "r=requests.request('POST' if b else 'GET',sys.argv[1],verify=sys.argv[2],"
                "json=b,timeout=30,headers={'Authorization':'Key '+sys.argv[3]})\n"
                "print(r.status_code);print(r.text)\n")
        p = subprocess.run(["ip", "netns", "exec", self.p.ns, PY, "-c", code,
                            f"https://127.0.0.1:{port}{path}", str(cafile), key,
                            json.dumps(body)], capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        status, text = p.stdout.split("\n", 1)
        assert status in ("200", "201"), p.stdout
        return json.loads(text)

    def close(self):
        for c, _ in self.clients:
            if c.poll() is None:
                c.kill()
            c.wait(timeout=10)
        p = getattr(self, "p", None)
        if p:
            for f in [p.dir / "controller.log", *[x.log for x in self.procs]]:
                if os.path.exists(f):
                    print(f"--- {f}\n" + open(f, errors="replace").read()[-3000:])
        for proc in self.procs:
            if proc.alive():
                proc.kill9()
        if p:
            p.close()
        if self.nats:
            self.nats.close()
        self.pg.close()


@pytest.fixture
def lab():
    lab = Lab()
    yield lab
    lab.close()


def new_key(lab, owner):
    p = subprocess.run([str(VANTAGE), "keys", "add", owner, "--db", lab.pg.url],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    return p.stdout.split()[-1]


def received(out):
    """The messages a stream client printed so far (a line being written is left out)."""
    msgs = []
    for line in out.read_text().splitlines()[1:]:
        try:
            msgs.append(json.loads(line))
        except ValueError:
            break
    return msgs


def of_type(msgs, t):
    return [m[1] for m in msgs if m[0] == t]


def events_of(out, prb):
    return [e["event"] for e in of_type(received(out), "atlas_probestatus") if e["prb_id"] == prb]


def test_vantage_api_streams_every_result_once_through_nats(lab):
    p = lab.p
    # the lab's agents come back within 2 s: raise the HELLO limit (test_ingest_nats_lab)
    p.start_controller("--ingest", lab.nats.urls, "--hello-per-min", "600",
                       "--api", f"127.0.0.1:{FE_API}")
    writer = lab.start([WRITER, "--nats", lab.nats.urls, "--store", lab.pg.url, "--ack-wait", "3",
                        "--batch", "200"], "writer")
    api = lab.start_api()
    a1, _ = p.register(1)
    a2, _ = p.register(2)
    msm = periodic(p, [a1, a2], n=1, interval=1)[0]
    # The admin socket makes measurements no API key owns, which no key may
    # stream; give this one to a researcher's key as an API create would (an
    # API create's shortest interval, 10 s, would make this test far longer).
    key = new_key(lab, "researcher")
    lab.pg.psql("vantage", "INSERT INTO api_msm(msm_id, key_id, is_oneoff, requested, created)"
                f" SELECT {msm}, id, 0, 2, 0 FROM api_keys WHERE owner = 'researcher'")
    api_cert = p.dir / "api" / "api.crt"
    fe_cert = p.dir / "controller" / "api.crt"
    # subscribed before the agents start: every result of msm comes live
    at_api = lab.client(PROGRAM_API, api_cert, key, [
        ["atlas_subscribe", {"streamType": "result", "msm": msm}],
        ["atlas_subscribe", {"streamType": "probestatus", "prb": a1}]])
    at_fe = lab.client(FE_API, fe_cert, key, [
        ["atlas_subscribe", {"streamType": "result", "msm": msm}],
        ["atlas_subscribe", {"streamType": "metadata"}]])
    p.start_agent(1)
    p.start_agent(2)
    wait_for(lambda: events_of(at_api, a1) == ["connect"], 30, "agent 1's connect at vantage-api")
    wait_for(lambda: len(of_type(received(at_api), "atlas_result")) >= 4, 30, "live results")
    # agent 1's link cut and restored: a disconnect, then a connect
    p.cut(1)
    wait_for(lambda: events_of(at_api, a1) == ["connect", "disconnect"], 30,
             "agent 1's disconnect at vantage-api")
    p.restore(1)
    wait_for(lambda: events_of(at_api, a1) == ["connect", "disconnect", "connect"], 30,
             "agent 1's reconnect at vantage-api")
    mark = p.stored()[a1][0]
    wait_for(lambda: p.stored()[a1][0] > mark + 1, 30, "agent 1's results after it came back")
    stop_all(p, [msm])
    # agent 1 came back after its cut: it may learn of the stop after a momentary drain
    wait_for(settled(p, (1, 2)), 40, "the agents' spools to drain and stay drained")
    rows = lab.pg.psql("vantage", f"SELECT agent_id, seq FROM results WHERE msm_id = {msm}")
    stored = sorted((int(a), int(s)) for a, s in rows)
    assert len(stored) == len(set(stored)) > 6
    per_agent = {a: sum(1 for x, _ in stored if x == a) for a in (a1, a2)}
    # a result's identity in its object: (probe, agent process, its counter)
    ident = lambda r: (r["prb_id"], r["fake_pid"], r["fake_n"])  # noqa: E731

    def got(out):
        return of_type(received(out), "atlas_result")
    # every stored result once, at vantage-api and at the front-end
    wait_for(lambda: len(got(at_api)) >= len(stored) and len(got(at_fe)) >= len(stored), 30,
             "every stored result on both streams")
    for out in (at_api, at_fe):
        keys = [ident(r) for r in got(out)]
        assert len(keys) == len(set(keys)) == len(stored), (len(keys), len(stored))
        assert {a: sum(1 for k in keys if k[0] == a) for a in (a1, a2)} == per_agent
    # the same objects as /results/
    results = lab.http(PROGRAM_API, api_cert, key, f"/api/v2/measurements/{msm}/results/")
    assert sorted(got(at_api), key=ident) == sorted(results, key=ident)
    assert sorted(got(at_fe), key=ident) == sorted(results, key=ident)
    assert not of_type(received(at_api), "atlas_error")
    assert events_of(at_api, a1) == ["connect", "disconnect", "connect"]
    # a measurement created at vantage-api is announced at the front-end's stream
    made = lab.http(PROGRAM_API, api_cert, key, "/api/v2/measurements/", body={
        "definitions": [{"type": "ping", "af": 4, "target": "198.18.1.9",
                         "description": "announced through NATS"}],
        "probes": [{"type": "probes", "value": str(a2), "requested": 1}],
        "is_oneoff": True})["measurements"][0]
    wait_for(lambda: [m["id"] for m in of_type(received(at_fe), "atlas_metadata")] == [made], 30,
             "the new measurement's metadata at the front-end")
    for a in p.agents.values():
        assert a.stop() == 0
    assert p.controller.stop() == 0 and api.stop() == 0 and writer.stop() == 0
    live = int(writer.text().split(", live ")[1].split()[0])
    assert live >= len(stored), writer.text()[-500:]   # and the one-off's, if stored by then
    for text in (p.controller.text(), api.text(), writer.text()):
        assert sanitizer_clean(text)
        assert "live event dropped" not in text


def test_front_end_stopped_cleanly_publishes_every_disconnect(lab):
    """A front-end stopped with SIGTERM closes its agents' sessions after its
    loop ended: their disconnects sat in libnats's buffer, which only the loop
    writes, and were lost with the connection. Now every one reaches
    vantage-api's stream, and the store records each session's end."""
    p = lab.p
    p.start_controller("--ingest", lab.nats.urls)
    api = lab.start_api()
    agents = {i: p.register(i)[0] for i in (1, 2, 3)}
    key = new_key(lab, "watcher")
    at_api = lab.client(PROGRAM_API, p.dir / "api" / "api.crt", key,
                        [["atlas_subscribe", {"streamType": "probestatus"}]])
    for i in agents:
        p.start_agent(i)

    def events():
        return {a: events_of(at_api, a) for a in agents.values()}

    def each_ended(last):
        # every connect has its disconnect (an agent may have been let in twice under load)
        return all(e and e[-1] == last and e.count("disconnect") == e.count("connect") -
                   (last == "connect") for e in events().values())
    wait_for(lambda: each_ended("connect"), 60, "every agent's connect at vantage-api")
    assert p.controller.stop() == 0
    try:
        wait_for(lambda: each_ended("disconnect"), 30,
                 "every agent's disconnect at vantage-api after the front-end's clean stop")
    finally:
        print("probestatus events at vantage-api:", events())
    for a in p.agents.values():
        assert a.stop() == 0
    rows = lab.pg.psql("vantage", "SELECT agent_id, disconnected IS NOT NULL FROM sessions")
    ended = {}
    for aid, done in rows:
        ended.setdefault(int(aid), []).append(done)
    assert set(ended) == set(agents.values()), rows
    assert all(x == "t" for done in ended.values() for x in done), rows
    assert api.stop() == 0
    text = p.controller.text()
    assert sanitizer_clean(text) and sanitizer_clean(api.text())
    assert "may be lost" not in text
