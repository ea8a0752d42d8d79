"""Credits under NATS ingest (the scaled-out platform): the front-end
publishes results to JetStream and a store writer (vantage-writer) commits
and charges them on PostgreSQL, so the front-end commits nothing itself.
An account that runs dry must still have its measurement stopped, with the
reason, while another account's measurement on the same probe carries on,
and the ledger must balance against the stored results. The controller,
NATS and the writer run in this test's own namespaces (prefix vcn)."""
import json
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nats_lab import NatsCluster, nats_installed  # noqa: E402
from pg_lab import TempPostgres, pg_bin  # noqa: E402
from platform_lab import BUILD, RUN_USER, Proc, sanitizer_clean, wait_for  # noqa: E402
from test_api import API  # noqa: E402
from test_credits_lab import FIRST_DAY, PRICE, CreditsPlatform  # noqa: E402

WRITER = BUILD / "src" / "cmd" / "vantage-writer"

pytestmark = [pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces"),
              pytest.mark.skipif(pg_bin() is None, reason="PostgreSQL is not installed"),
              pytest.mark.skipif(not nats_installed(), reason="nats-server is not installed")]


def stopped(p, msm):
    # (psql prints a lone NULL as an empty line, which reads as no row: coalesce)
    return p.sql("SELECT coalesce(stopped, 0) FROM measurements WHERE id = ?", msm)[0][0] != 0


def test_running_dry_under_nats_ingest_stops_only_that_account():
    pg = TempPostgres(RUN_USER, port=20000 + (os.getpid() + 4111) % 20000)
    p = nats = writer = None
    try:
        p = CreditsPlatform(prefix="vcn", pg=pg)
        nats = NatsCluster(user=RUN_USER, netns=p.ns, base_port=14222)
        p.start_controller("--api", API, "--ingest", nats.urls)
        writer = Proc([WRITER, "--nats", nats.urls, "--store", pg.url, "--ack-wait", "3",
                       "--user", RUN_USER], p.dir / "writer.log", p.ns)
        wait_for(lambda: "API on https://" in p.controller.text(), 30, "the API to start")
        for name in ("rich", "poor"):
            assert p.admin("accounts", "add", name).returncode == 0
        agent, _ = p.register(1)
        p.start_agent(1)
        wait_for(lambda: p.admin_json("agents", "list")[0]["connected"] == 1, 30,
                 "the agent to connect")
        key_rich, key_poor = p.key_for("r", "rich"), p.key_for("p", "poor")
        p.transfer("default", "poor", FIRST_DAY)
        p.transfer("default", "rich", 10 * FIRST_DAY)
        r = p.create(key_poor, agent)
        assert r["status"] == 201, r
        poor_msm = json.loads(r["text"])["measurements"][0]
        r = p.create(key_rich, agent)
        assert r["status"] == 201, r
        rich_msm = json.loads(r["text"])["measurements"][0]
        p.transfer("poor", "default", FIRST_DAY - PRICE)   # dry at its first result
        wait_for(lambda: stopped(p, poor_msm), 90, "poor's measurement to stop")
        reason = pg.psql("vantage", f"SELECT reason FROM credit_stopped WHERE msm_id = {poor_msm}")
        assert reason and "ran out of credits" in reason[0][0], reason
        assert "ran out of credits" in p.controller.text()
        assert p.balance("poor") <= 0
        assert not stopped(p, rich_msm)
        wait_for(lambda: p.sql("SELECT COUNT(*) FROM results WHERE msm_id = ?",
                               rich_msm)[0][0] >= 2, 60, "rich's results")
        p.assert_clean_stop()
        assert writer.stop() == 0
        for msm in (poor_msm, rich_msm):
            stored = p.sql("SELECT COUNT(*) FROM results WHERE msm_id = ?", msm)[0][0]
            n, total = p.sql("SELECT COUNT(*), coalesce(SUM(amount), 0) FROM credit_ledger"
                             " WHERE reason = 'result' AND msm_id = ?", msm)[0]
            assert (n, total) == (stored, -PRICE * stored), (msm, stored, n, total)
        assert sanitizer_clean(writer.text())
    finally:
        if writer and writer.alive():
            writer.kill9()
        if p:
            p.close()
        if nats:
            nats.close()
        pg.close()
