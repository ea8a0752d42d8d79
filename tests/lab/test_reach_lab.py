"""The remote half of check-host on the lab, with real agents and the real
engine: an agent admitted while no other agent is connected waits; when a
second one connects, each is probed by the other (an anchor first) with a
ping, a traceroute, a TCP and a UDP probe at its registered (else its
connection's) address, and `vantage agents show ID` reports the outcome:
reachable with every probe answered and the hop count of the lab's real
path; an agent registered at the lab's filtering host's address is
unreachable with every probe filtered; an agent registered at an address
outside the lab is never probed."""
import os

import pytest

from agents_lab import AGENT, AgentsLab
from platform_lab import wait_for

pytestmark = pytest.mark.skipif(not AGENT.exists(), reason="vantage-agent is not built")


def reach(al, aid, complete=True):
    r = al.admin_json("agents", "show", aid)["reach"]
    return r if r and (r["complete"] or not complete) else None


def test_reach_check(lab_factory):
    lab = lab_factory("small", name="vti%04d" % (os.getpid() % 10000))
    al = AgentsLab(lab)
    try:
        anchor, _ = al.add_agent("anc1", role="anchor", timing_interval=0)
        assert al.admin_json("agents", "show", anchor)["reach"] is None
        probe, _ = al.add_agent("vp1", timing_interval=0)
        r = wait_for(lambda: reach(al, probe), 60, "the reach check of the probe")
        assert r["prober"] == anchor and r["address"] == lab.addr("vp1"), r
        assert r["reachable"] is True and r["filtered"] == [], r
        for k in ("icmp", "tcp", "udp"):
            assert r[k]["state"] == "answered" and r[k]["rcvd"] == r[k]["sent"] == 3, r
        # anc1 - r2 - r1 - vp1 (lab/topologies/small.conf): three hops, the last vp1
        assert r["traceroute"]["state"] == "reached" and r["hops"] == 3, r
        # The anchor waited for a second agent; the probe checked it.
        r = wait_for(lambda: reach(al, anchor), 60, "the reach check of the anchor")
        assert r["prober"] == probe and r["reachable"] is True and r["hops"] == 3, r
        # An agent registered at the filtering host's address: nothing answers.
        fw = lab.addr("fw")
        filtered, _ = al.add_agent("vp2", timing_interval=0, _address=fw)
        r = wait_for(lambda: reach(al, filtered), 90, "the reach check of the filtered agent")
        assert r["address"] == fw and r["prober"] == anchor, r
        assert r["reachable"] is False and r["filtered"] == ["icmp", "tcp", "udp"], r
        assert r["traceroute"]["state"] == "not reached", r
        text = al.admin("agents", "show", filtered).stdout
        assert f"reach check of {fw} from agent {anchor}: unreachable" in text, text
        assert "tcp         no answer (0 of 3 answered)" in text, text
        # Outside what the lab's target policy allows: never probed.
        outside, _ = al.add_agent("anc2", role="anchor", timing_interval=0,
                                  _address="192.0.2.7")
        wait_for(lambda: "reach check skipped: 192.0.2.7 is in 192.0.2.0/24, Documentation" in
                 (al.dir / "ctl.log").read_text(), 20, "the skipped reach check")
        assert al.admin_json("agents", "show", outside)["reach"] is None
        msms = al.admin_json("measurement", "list")
        assert not [m for m in msms if "192.0.2.7" in m["def"]], msms
        assert len(msms) == 12, msms      # four measurements for each of three agents
        al.stop_all_clean()
    finally:
        al.close()
