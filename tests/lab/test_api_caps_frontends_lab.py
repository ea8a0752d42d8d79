"""The API's create caps across several vantage-api programs (issue 14): two
API programs share a throwaway PostgreSQL cluster, and the same key sends
creates to both at the same instant. A key may run key_max_running (here 1)
measurements at once; each program serializes its own requests, so only two
programs can race, and before the check and the insert were one step both
could count none running and both create. Now the create's transaction
locks the key (and its account) before counting: of every burst exactly one
create is answered 201 and stored, the others get the cap's 400. Several
keys, a burst each, so that a lucky interleaving does not pass for a fix.
Everything runs in this test's own namespaces (prefix vcap) and is removed
at the end, also on failure."""
import json
import os
import subprocess

import pytest

from frontends_lab import PY, FrontEnds
from pg_lab import TempPostgres, pg_bin
from platform_lab import RUN_USER, sanitizer_clean

pytestmark = [pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces"),
              pytest.mark.skipif(pg_bin() is None, reason="PostgreSQL is not installed")]

CAP = 1          # --key-max-running of both API programs
KEYS = 3         # bursts, one key each
PER_API = 3      # creates of a burst sent to each API program

# POST every request of argv[1] at once (a thread each, released together); the statuses.
BURST = (
    "import json,sys,threading,requests\n"
    "reqs=json.loads(sys.argv[1]); out=[None]*len(reqs); go=threading.Barrier(len(reqs))\n"
    "def send(i,a):\n"
    "  s=requests.Session(); go.wait()\n"
    "  r=s.post('https://127.0.0.1:%d/api/v2/measurements/'%a['port'],"
    "headers={'Authorization':'Key '+a['key']},json=a['body'],verify=a['cert'],timeout=60)\n"
    "  out[i]={'status':r.status_code,'text':r.text}\n"
    "ts=[threading.Thread(target=send,args=(i,a)) for i,a in enumerate(reqs)]\n"
    "[t.start() for t in ts]; [t.join() for t in ts]\n"
    "print(json.dumps(out))\n")


@pytest.fixture
def lab():
    pg = TempPostgres(RUN_USER, port=20000 + (os.getpid() + 13) % 20000)
    try:
        p = FrontEnds(pg, n=1, prefix="vcap")
        yield p
        p.close()
    finally:
        pg.close()


def burst(lab, key, agent):
    """PER_API creates of key to each API program at once; their answers."""
    body = {"definitions": [{"type": "ping", "af": 4, "target": "198.18.1.9", "interval": 60,
                             "description": "cap race", "is_public": False}],
            "probes": [{"type": "probes", "value": str(agent), "requested": 1}],
            "is_oneoff": False}
    reqs = []
    for _ in range(PER_API):
        for name in ("api", "api2"):
            port, cert = lab.api_of_program(name)
            reqs.append({"port": port, "cert": str(cert), "key": key, "body": body})
    p = subprocess.run(["ip", "netns", "exec", lab.ns, PY, "-c", BURST, json.dumps(reqs)],
                       capture_output=True, text=True, timeout=180)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_two_api_programs_never_pass_a_key_cap_together(lab):
    lab.start_frontend(0)
    cap = ("--key-max-running", CAP)
    lab.start_api("api", 8453, *cap)
    lab.start_api("api2", 8454, *cap)
    agent, _ = lab.register(1)
    over = []
    for k in range(KEYS):
        key = lab.new_key(f"racer{k}")
        got = burst(lab, key, agent)
        created = [g for g in got if g["status"] == 201]
        refused = [g for g in got if g["status"] == 400 and "at most 1 measurements" in g["text"]]
        assert len(created) + len(refused) == len(got), got
        stored = lab.pg.psql("vantage", "SELECT COUNT(*) FROM api_msm a JOIN api_keys k"
                                        f" ON k.id = a.key_id WHERE k.owner = 'racer{k}'")
        over.append((len(created), int(stored[0][0])))
    assert over == [(CAP, CAP)] * KEYS, f"(created, stored) per key: {over}"
    for name in ("api", "api2"):
        proc = lab.apis[name][0]
        proc.stop()
        assert sanitizer_clean(proc.text()), proc.text()[-3000:]
