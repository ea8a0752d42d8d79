"""The platform no-probe list on the scaled-out platform (issue 14): two
front-ends share a throwaway PostgreSQL cluster; a real vantage-agent,
connected to front-end 1, pings an address of the lab with a periodic
measurement. `vantage noprobe add` at front-end 0 stores the prefix (list
version 1) and PostgreSQL's NOTIFY tells front-end 1, which pushes the list
to its agent: `agents show` at front-end 1 reports version 1 enforced
within seconds (the front-ends poll only once a minute here, so NOTIFY
carries it), and tcpdump in the agent's namespace sees no echo request to
the target from then on. Removing the prefix at front-end 0 lets probes
flow again. Everything is removed at the end, also on failure."""
import json
import os
import signal
import time

import pytest

from frontends_lab import FrontEnds
from pg_lab import TempPostgres, pg_bin
from platform_lab import BUILD, RUN_USER, Proc, sanitizer_clean, wait_for
from test_noprobe_lab import requests_to

REAL_AGENT = BUILD / "src" / "cmd" / "vantage-agent"

pytestmark = [pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces"),
              pytest.mark.skipif(pg_bin() is None, reason="PostgreSQL is not installed"),
              pytest.mark.skipif(not REAL_AGENT.exists(), reason="vantage-agent is not built")]


@pytest.fixture
def lab():
    pg = TempPostgres(RUN_USER, port=20000 + (os.getpid() + 11) % 20000)
    try:
        p = FrontEnds(pg, prefix="vnpf")
        yield p
        p.close()
    finally:
        pg.close()


def noprobe_state(lab, k, aid):
    """{version, enforced, behind} of the agent as front-end k's `agents show` says."""
    lab.admin_k = k
    p = lab.admin("agents", "show", aid, "--json")
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)["noprobe"]


def admin_ok(lab, k, *args):
    lab.admin_k = k
    p = lab.admin(*args)
    assert p.returncode == 0, (p.stdout, p.stderr)
    return p.stdout


def test_noprobe_added_at_one_frontend_stops_probes_at_the_other(lab):
    slow = ("--frontend-sync-ms", "60000")
    lab.start_frontend(0, *slow)
    lab.start_frontend(1, *slow)
    # agent 2 lists front-end 1 first; a real agent, so that packets are real
    aid, _ = lab.register(2, allow="198.18.0.0/15", methods="ping")
    ns = f"{lab.tag}a2"
    agent = Proc([REAL_AGENT, "--config", lab.dir / "agent2" / "agent.conf"],
                 lab.dir / "agent2.log", ns)
    lab.agents[2] = agent     # killed by lab.close() if the test fails
    wait_for(lambda: "port 4444; " in agent.text(), 30, "the agent at front-end 1")
    target = "198.18.250.9"   # front-end side of the agent's link
    pcap = lab.dir / "agent2.pcap"
    dump = Proc(["tcpdump", "-i", "any", "-n", "-U", "-w", pcap, f"icmp and host {target}"],
                lab.dir / "tcpdump.log", ns)
    try:
        wait_for(lambda: "listening on" in dump.text(), 20, "tcpdump")
        admin_ok(lab, 0, "measurement", "create", "--type", "ping", "--target", target,
                 "--agents", aid, "--packets", 1, "--interval", 2)
        wait_for(lambda: len(requests_to(pcap, target)) >= 2, 30, "probes toward the target")

        # added at front-end 0; the agent at front-end 1 enforces it within seconds
        t0 = time.monotonic()
        assert "version 1" in admin_ok(lab, 0, "noprobe", "add", "198.18.250.8/30",
                                       "--reason", "lab complaint")
        wait_for(lambda: noprobe_state(lab, 1, aid) == {"version": 1, "enforced": 1,
                                                          "behind": False},
                 20, "the agent at front-end 1 to enforce version 1")
        took = time.monotonic() - t0
        print(f"noprobe add at fe0 to enforced at fe1's agent: {took:.2f} s"
              f" (load {os.getloadavg()[0]:.1f})")
        assert took < 10, took   # the front-ends' own poll is a minute away
        assert "changed at another front-end" in lab.frontends[1].text()
        since = time.time()
        time.sleep(7)   # three intervals of the periodic ping
        after = [t for t in requests_to(pcap, target) if t > since]
        assert after == [], after

        # removed at front-end 0: version 2 reaches the agent, probes flow again
        assert "version 2" in admin_ok(lab, 0, "noprobe", "remove", "198.18.250.8/30")
        wait_for(lambda: noprobe_state(lab, 1, aid)["enforced"] == 2, 20,
                 "the agent at front-end 1 to enforce version 2")
        again = time.time()
        wait_for(lambda: [t for t in requests_to(pcap, target) if t > again], 20,
                 "probes after the removal")
    finally:
        if dump.alive():
            dump.p.send_signal(signal.SIGINT)
        dump.stop()
    assert agent.stop() == 0
    for k in (0, 1):
        assert lab.frontends[k].stop() == 0
    for text in (agent.text(), lab.frontends[0].text(), lab.frontends[1].text()):
        assert sanitizer_clean(text)
    assert "platform no-probe list version 1" in agent.text()
