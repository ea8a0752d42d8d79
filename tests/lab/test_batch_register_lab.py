"""Registering many agents at once (issue 14): agents.add with a list of
fingerprints registers and admits them all in one transaction under one
admission lock. Admission's rules stay exact inside a batch and between
batches sent to two front-ends at the same instant: an account admits at
most anchors_per_account_year (5) anchors, so of 7 anchors in one batch 5
are approved and 2 refused (SQLite), and of 6 + 6 sent at once to two
front-ends over PostgreSQL exactly 5 are approved. A fingerprint twice in
a batch fails it with an error naming it, on both stores. Fingerprints only, no
agent connects. Everything runs in this test's own namespaces (prefixes
vbr, vbp) and is removed at the end."""
import json
import os
import secrets
import socket
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from frontends_lab import FrontEnds  # noqa: E402
from pg_lab import TempPostgres, pg_bin  # noqa: E402
from platform_lab import RUN_USER, Platform, sanitizer_clean  # noqa: E402

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces")

ANCHORS_A_YEAR = 5   # anchors_per_account_year's default


def admin_at(sock, req):
    """One request on the admin socket at path sock."""
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(120)
    s.connect(str(sock))
    s.sendall((json.dumps(req) + "\n").encode())
    data = b""
    while chunk := s.recv(65536):
        data += chunk
    s.close()
    return json.loads(data)


def anchors_batch(n, account):
    return {"cmd": "agents.add", "fps": [secrets.token_hex(32) for _ in range(n)],
            "role": "anchor", "account": account, "approve": True}


def states(reply):
    assert reply["ok"], reply
    data = reply["data"]
    assert len(data["ids"]) == len(set(data["ids"])) == len(data["admission"])
    return [a["state"] for a in data["admission"]]


def test_one_batch_keeps_the_anchor_cap():
    p = Platform(heartbeat=1, prefix="vbr")
    try:
        p.start_controller()
        assert p.admin("accounts", "add", "acme").returncode == 0
        got = states(p.admin_raw(anchors_batch(7, "acme")))
        assert got == ["approved"] * ANCHORS_A_YEAR + ["refused"] * 2, got
        listed = p.admin_json("agents", "list")
        assert len(listed) == 7
        assert sum(a["approved"] for a in listed) == ANCHORS_A_YEAR
        # a bad fingerprint anywhere in a batch registers none of it
        bad = anchors_batch(3, "acme")
        bad["fps"][1] = "not-hex"
        r = p.admin_raw(bad)
        assert not r["ok"] and "not-hex" in r["error"], r
        assert len(p.admin_json("agents", "list")) == 7
        # a fingerprint twice in a batch is named, and none of it registers
        twice = anchors_batch(3, "acme")
        twice["fps"][2] = twice["fps"][0]
        r = p.admin_raw(twice)
        assert not r["ok"], r
        assert f"agent {twice['fps'][0]} is twice in the batch" in r["error"], r
        assert len(p.admin_json("agents", "list")) == 7
        assert p.controller.stop() == 0
        assert sanitizer_clean(p.controller.text()), p.controller.text()[-3000:]
    finally:
        p.close()


@pytest.mark.skipif(pg_bin() is None, reason="PostgreSQL is not installed")
def test_two_frontends_registering_at_once_keep_the_anchor_cap():
    pg = TempPostgres(RUN_USER, port=20000 + (os.getpid() + 9311) % 20000)
    try:
        p = FrontEnds(pg, prefix="vbp")
        try:
            p.start_frontend(0)
            p.start_frontend(1)
            assert p.admin("accounts", "add", "acme").returncode == 0
            replies = [None, None]
            go = threading.Barrier(2)

            def send(k):
                batch = anchors_batch(6, "acme")
                go.wait()
                replies[k] = admin_at(p.fe_dir(k) / "admin.sock", batch)
            threads = [threading.Thread(target=send, args=(k,)) for k in (0, 1)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(180)
            got = states(replies[0]) + states(replies[1])
            # a fingerprint twice in a batch is named, not PostgreSQL's words
            twice = anchors_batch(2, "acme")
            twice["fps"][1] = twice["fps"][0]
            r = admin_at(p.fe_dir(0) / "admin.sock", twice)
            assert not r["ok"], r
            assert f"agent {twice['fps'][0]} is twice in the batch" in r["error"], r
            assert got.count("approved") == ANCHORS_A_YEAR, got
            assert got.count("refused") == 12 - ANCHORS_A_YEAR, got
            approved = pg.psql("vantage", "SELECT COUNT(*) FROM agents WHERE approved = 1")
            assert int(approved[0][0]) == ANCHORS_A_YEAR, approved
            for fe in p.frontends.values():
                assert fe.stop() == 0
                assert sanitizer_clean(fe.text()), fe.text()[-3000:]
        finally:
            p.close()
    finally:
        pg.close()
