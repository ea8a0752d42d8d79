"""Credits under NATS ingest (the scaled-out platform): the front-end
publishes results to JetStream and a store writer (vantage-writer) commits
and charges them on PostgreSQL, so the front-end commits nothing itself.
An account that runs dry must still have its measurement stopped, with the
reason, while another account's measurement on the same probe carries on,
and the ledger must balance against the stored results. The controller,
NATS and the writer run in this test's own namespaces (prefix vcn)."""
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nats_lab import NatsCluster, nats_installed  # noqa: E402
from pg_lab import TempPostgres, pg_bin  # noqa: E402
from platform_lab import BUILD, RUN_USER, Proc, sanitizer_clean, wait_for  # noqa: E402
from test_api import API  # noqa: E402
from test_credits_lab import CreditsPlatform, assert_ledger_balances, run_dry_on_postgresql  # noqa: E402,E501

WRITER = BUILD / "src" / "cmd" / "vantage-writer"

pytestmark = [pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces"),
              pytest.mark.skipif(pg_bin() is None, reason="PostgreSQL is not installed"),
              pytest.mark.skipif(not nats_installed(), reason="nats-server is not installed")]


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
        run_dry_on_postgresql(p)
        assert "ran out of credits" in p.controller.text()
        p.assert_clean_stop()
        assert writer.stop() == 0
        assert_ledger_balances(p)
        assert sanitizer_clean(writer.text())
    finally:
        if writer and writer.alive():
            writer.kill9()
        if p:
            p.close()
        if nats:
            nats.close()
        pg.close()
