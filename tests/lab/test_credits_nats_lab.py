"""Credits under NATS ingest (the scaled-out platform): the front-end
publishes results to JetStream and a store writer (vantage-writer) commits
and charges them on PostgreSQL, so the front-end commits nothing itself.
An account that runs dry must still have its measurement stopped, with the
reason, while another account's measurement on the same probe carries on,
and the ledger must balance against the stored results. The writer's
commit that dries the account is heard by the front-end at once (the
store's NOTIFY), not at its next heartbeat tick: with ticks ten minutes
apart the stop still follows the dry result within seconds. The controller,
NATS and the writer run in this test's own namespaces (prefixes vcn, vct)."""
import contextlib
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nats_lab import NatsCluster, nats_installed  # noqa: E402
from pg_lab import TempPostgres, pg_bin  # noqa: E402
from platform_lab import BUILD, RUN_USER, Proc, sanitizer_clean, wait_for  # noqa: E402
from test_api import API  # noqa: E402
from test_credits_lab import (CreditsPlatform, accounts_and_agent, assert_ledger_balances,  # noqa: E402,E501
                              fund_and_measure, pg_stopped, run_dry_on_postgresql)

WRITER = BUILD / "src" / "cmd" / "vantage-writer"

pytestmark = [pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces"),
              pytest.mark.skipif(pg_bin() is None, reason="PostgreSQL is not installed"),
              pytest.mark.skipif(not nats_installed(), reason="nats-server is not installed")]


@contextlib.contextmanager
def nats_credits_platform(prefix, port_salt, nats_port, **kw):
    """A CreditsPlatform (namespace prefix) on a PostgreSQL of its own, its controller's
    API up and its results ingested through NATS (on nats_port) by a store writer; after
    the test's body, a clean stop of each and the ledger balanced. Everything is ended
    and removed, also when the body fails."""
    pg = TempPostgres(RUN_USER, port=20000 + (os.getpid() + port_salt) % 20000)
    p = nats = writer = None
    try:
        p = CreditsPlatform(prefix=prefix, pg=pg, **kw)
        nats = NatsCluster(user=RUN_USER, netns=p.ns, base_port=nats_port)
        p.start_controller("--api", API, "--ingest", nats.urls)
        writer = Proc([WRITER, "--nats", nats.urls, "--store", pg.url, "--ack-wait", "3",
                       "--user", RUN_USER], p.dir / "writer.log", p.ns)
        wait_for(lambda: "API on https://" in p.controller.text(), 30, "the API to start")
        yield p
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


def test_running_dry_under_nats_ingest_stops_only_that_account():
    with nats_credits_platform("vcn", 4111, 14222) as p:
        run_dry_on_postgresql(p)
        assert "ran out of credits" in p.controller.text()


# The front-end's ticks are HEARTBEAT s apart, the first one HEARTBEAT s after it
# starts: a check made at a tick comes minutes after the dry result (with ticks
# 60 s apart it came 19 s after, passing by chance), the notified one within a few.
HEARTBEAT = 600
WITHIN_S = 20


def test_dry_account_is_stopped_as_the_writer_commits_not_at_a_tick():
    with nats_credits_platform("vct", 5227, 15222, heartbeat=HEARTBEAT) as p:
        agent, key_rich, key_poor = accounts_and_agent(p)
        poor_msm, rich_msm = fund_and_measure(p, agent, key_rich, key_poor)
        wait_for(lambda: pg_stopped(p, poor_msm), 120, "poor's measurement to stop")
        # the dry result's time (the ledger keeps the result's timestamp) to the stop
        (dried,) = p.sql("SELECT min(\"time\") FROM credit_ledger WHERE reason = 'result'"
                         " AND msm_id = ?", poor_msm)[0]
        (stopped,) = p.sql("SELECT \"time\" FROM credit_stopped WHERE msm_id = ?", poor_msm)[0]
        load = os.getloadavg()[0]
        print(f"dry result to stop under NATS ingest: {stopped - dried} s"
              f" (ticks {HEARTBEAT} s apart, load {load:.1f})")
        assert stopped - dried <= WITHIN_S, (dried, stopped)
        assert not pg_stopped(p, rich_msm)
