"""The platform on the PostgreSQL store (vantage-controller --store
postgresql://...): agents' results are stored exactly once through a
PostgreSQL restart (ingest fails, sessions close, agents keep their results
in their spools and resend), a kill -9 of the server and a kill -9 of the
controller; counted by (agent, sequence) on both ends. The cluster is a
throwaway one (pg_lab.py), removed at the end."""
import os
import time

import pytest

from pg_lab import TempPostgres, pg_bin
from platform_lab import RUN_USER, Platform, sanitizer_clean, wait_for
from test_platform import finish, periodic

pytestmark = [pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces"),
              pytest.mark.skipif(pg_bin() is None, reason="PostgreSQL is not installed")]


@pytest.fixture
def lab():
    pg = TempPostgres(RUN_USER, port=20000 + os.getpid() % 20000)
    try:
        p = Platform(prefix="vpg", pg=pg)
        yield p
        p.close()
    finally:
        pg.close()


def count(lab, aid):
    return lab.stored().get(aid, (0,))[0]


def test_exactly_once_through_postgresql_restarts(lab):
    lab.start_controller()
    a1, _ = lab.register(1)
    a2, _ = lab.register(2)
    ag1, ag2 = lab.start_agent(1), lab.start_agent(2)
    ids = periodic(lab, [a1, a2], n=4, interval=1)
    wait_for(lambda: count(lab, a1) > 8 and count(lab, a2) > 8, 40, "results of both agents")
    # The server goes away cleanly for 4 s, then is killed -9 while ingest runs.
    lab.pg.stop("fast")
    time.sleep(4)
    lab.pg.start()
    before = count(lab, a1)
    wait_for(lambda: count(lab, a1) > before + 8, 40, "ingest to resume after the restart")
    lab.pg.kill9()
    time.sleep(2)
    lab.pg.start()
    before = count(lab, a2)
    wait_for(lambda: count(lab, a2) > before + 8, 40, "ingest to resume after kill -9")
    # kill -9 of the controller changes nothing either.
    lab.controller.kill9()
    lab.start_controller()
    finish(lab, [ag1, ag2], ids, {1: a1, 2: a2}, drain=60)
    log = lab.controller.text()
    # the first operation to meet the dead server may be a commit of results
    # or any other (an agent's lookup, a periodic write): each logs "store: ..."
    assert "commit of" in log or "store: " in log, "the controller never saw the store fail"
    for i in (1, 2):
        assert sanitizer_clean(lab.agents[i].text())
    assert sanitizer_clean(log)
