"""Ingest through NATS JetStream (vantage-controller --ingest nats://...,
vantage-writer): the front-end acks an agent only once JetStream holds its
results, two store writers share the stream and commit to PostgreSQL. A
kill -9 of a writer mid-stream (the other catches up, the killed one's
unacked messages are redelivered), a kill -9 of one of the three NATS nodes
(the cluster carries on) and a PostgreSQL restart (the writers wait, then
resume) lose and duplicate nothing, with at most 2 results in flight (the
bound holds the agents' frames already read, too): every result is stored once by
(agent, sequence), counted on the agents' side (their spools) and the
store's. The NATS cluster runs in the controller's namespace on loopback
(nats_lab.py), PostgreSQL in a temporary folder (pg_lab.py); both are
removed at the end, also after a failure."""
import os
import time

import pytest

from nats_lab import NatsCluster, nats_installed
from pg_lab import TempPostgres, pg_bin
from platform_lab import BUILD, RUN_USER, Platform, Proc, sanitizer_clean, wait_for
from test_platform import check_exactly_once, periodic, settled, stop_all

WRITER = BUILD / "src" / "cmd" / "vantage-writer"

pytestmark = [pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces"),
              pytest.mark.skipif(pg_bin() is None, reason="PostgreSQL is not installed"),
              pytest.mark.skipif(not nats_installed(), reason="nats-server is not installed")]


class Lab:
    def __init__(self):
        self.pg = TempPostgres(RUN_USER, port=20000 + os.getpid() % 20000)
        self.nats = None
        self.writers = []
        try:
            self.p = Platform(prefix="vjs", pg=self.pg)
            self.nats = NatsCluster(user=RUN_USER, netns=self.p.ns, base_port=14222)
        except BaseException:
            self.close()
            raise

    def start_writer(self, i):
        w = Proc([WRITER, "--nats", self.nats.urls, "--store", self.pg.url, "--ack-wait", "3",
                  "--batch", "200"], self.p.dir / f"writer{i}.log", self.p.ns)
        if i < len(self.writers):
            self.writers[i] = w
        else:
            self.writers.append(w)
        return w

    def dump(self):
        """The logs' tails, shown by pytest when the test failed."""
        logs = [self.p.dir / "controller.log", *[w.log for w in self.writers]]
        for f in logs:
            if os.path.exists(f):
                print(f"--- {f}\n" + open(f, errors="replace").read()[-3000:])
        if self.nats:
            for i in range(len(self.nats.procs)):
                print(f"--- nats n{i}\n" + self.nats.text(i)[-1500:])

    def close(self):
        if getattr(self, "p", None):
            self.dump()
        for w in self.writers:
            if w.alive():
                w.kill9()
        if getattr(self, "p", None):
            self.p.close()
        if self.nats:
            self.nats.close()
        self.pg.close()


@pytest.fixture
def lab():
    lab = Lab()
    yield lab
    lab.close()


def count(lab, aid):
    return lab.p.stored().get(aid, (0,))[0]


def grows(lab, aid, by, what, timeout=40):
    before = count(lab, aid)
    wait_for(lambda: count(lab, aid) >= before + by, timeout, what)


def test_exactly_once_through_writer_nats_and_postgresql_failures(lab):
    p = lab.p
    # While JetStream elects a new leader for the stream (the killed node may
    # have led it), publishes go unacked and the controller closes the agents'
    # sessions. With the default 10 HELLOs a minute: refused HELLOs do not
    # count, so an agent that used its 10 is let in again within 6 s.
    # At most 2 results in flight: reading from the agents pauses and resumes
    # all through the test, through every failure below (the bound and the
    # publishes sent again must lose and duplicate nothing).
    p.start_controller("--ingest", lab.nats.urls, "--ingest-in-flight", "2")
    lab.start_writer(0)
    lab.start_writer(1)
    a1, _ = p.register(1)
    a2, _ = p.register(2)
    ag1, ag2 = p.start_agent(1), p.start_agent(2)
    ids = periodic(p, [a1, a2], n=4, interval=1)
    grows(lab, a1, 5, "results of agent 1 through JetStream")
    grows(lab, a2, 5, "results of agent 2 through JetStream")
    stats = p.admin_raw({"cmd": "stats"})
    assert stats.get("data", stats)["ingest_holds"] > 0, stats
    # kill -9 of a writer mid-stream: the other goes on, and takes the
    # messages the killed one had not acked once their ack wait passes
    lab.writers[0].kill9()
    grows(lab, a1, 5, "the other writer to carry on")
    lab.start_writer(0)
    # kill -9 of one NATS node: the cluster (2 of 3) carries on
    lab.nats.kill9(2)
    grows(lab, a2, 5, "ingest with one NATS node down")
    lab.nats.start(2)
    # PostgreSQL away for 3 s: the writers wait and resume; agents keep being acked
    p.pg.stop("fast")
    time.sleep(3)
    p.pg.start()
    grows(lab, a1, 5, "ingest to resume after the PostgreSQL restart")
    stop_all(p, ids)
    time.sleep(1.5)
    wait_for(settled(p, (1, 2)), 60, "the agents' spools to drain and stay drained")
    expect = {1: a1, 2: a2}
    produced = {aid: p.spool_next_seq(i) - 1 for i, aid in expect.items()}
    wait_for(lambda: all(count(lab, aid) >= n for aid, n in produced.items()), 60,
             "the writers to store everything JetStream acked")
    # the bound is hard: never more than 2 results taken and not yet acked,
    # also counting the frames already read from the agents' sockets
    stats = p.admin_raw({"cmd": "stats"})
    assert 0 < stats.get("data", stats)["ingest_in_flight_peak"] <= 2, stats
    for a in (ag1, ag2):
        assert a.stop() == 0
    assert p.controller.stop() == 0
    for w in lab.writers:
        assert w.stop() == 0
    check_exactly_once(p, expect)
    log = p.controller.text()
    assert "ingest through JetStream" in log
    writers = "".join(w.text() for w in lab.writers)
    assert "failed commits" in writers
    assert sanitizer_clean(log) and sanitizer_clean(writers)
    for i in (1, 2):
        assert sanitizer_clean(p.agents[i].text())
