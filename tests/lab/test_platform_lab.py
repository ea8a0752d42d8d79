"""The real vantage-agent (engine-backed) on the lab Internet: a measurement
its site policy forbids is refused with the reason and sends no packet (seen
by tcpdump on the vantage point), while an allowed one is measured and its
result stored. The controller runs on the lab's ops host."""
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from platform_lab import (AGENT as TEST_AGENT, CONTROLLER, LAB_CONFIG, RUN_USER, VANTAGE,
                          reachable_tempdir, sanitizer_clean, wait_for)

AGENT = TEST_AGENT.parents[2] / "src" / "cmd" / "vantage-agent"

pytestmark = pytest.mark.skipif(not AGENT.exists(), reason="vantage-agent is not built")


def admin(d, *args):
    p = subprocess.run([str(VANTAGE), *map(str, args), "--admin", str(d / "ctl" / "admin.sock")],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_forbidden_measurement_sends_no_packet(lab_factory):
    lab = lab_factory("small", name="vpl%04d" % (os.getpid() % 10000))
    d = reachable_tempdir("vpl-aup-")
    procs = []
    try:
        ops = lab.addr("ops")
        forbidden, allowed = "198.18.129.77", lab.addr("anc2")
        ctl = lab.popen("ops", [CONTROLLER, "--config", LAB_CONFIG, "--dir", d / "ctl",
                                "--listen", ops, "--port", 4443, "--user", RUN_USER],
                        stdout=open(d / "ctl.log", "w"), stderr=subprocess.STDOUT)
        procs.append(ctl)
        wait_for(lambda: "listening on" in (d / "ctl.log").read_text(), 20, "the controller")
        fp = (d / "ctl.log").read_text().split("fingerprint ")[1].split()[0]
        (d / "agent.conf").write_text(
            f"controller {ops}:4443\ncontroller_fingerprint {fp}\nkey {d}/agent.key\n"
            f"spool {d}/spool\nallow 198.18.0.0/15\nforbid 198.18.128.0/22\nheartbeat 2\n"
            "methods ping\n")
        afp = subprocess.run([str(AGENT), "--config", str(d / "agent.conf"), "--fingerprint"],
                             capture_output=True, text=True, check=True).stdout.strip()
        aid = admin(d, "agents", "add", afp, "--approve").strip()
        agent = lab.popen("vp1", [AGENT, "--config", d / "agent.conf"],
                          stdout=open(d / "agent.log", "w"), stderr=subprocess.STDOUT)
        procs.append(agent)
        wait_for(lambda: "connected to the controller" in (d / "agent.log").read_text(), 20,
                 "the agent to connect")
        # Running, the agent holds CAP_NET_RAW and nothing else.
        caps = dict(l.split(":\t") for l in Path(f"/proc/{agent.pid}/status").read_text()
                    .splitlines() if l.startswith("Cap"))
        assert int(caps["CapEff"], 16) == 1 << 13 and int(caps["CapPrm"], 16) == 1 << 13, caps
        dump = lab.popen("vp1", ["tcpdump", "-i", "any", "-n", "-U", "-w", d / "vp1.pcap",
                                 f"icmp and (host {forbidden} or host {allowed})"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(dump)
        time.sleep(1.5)
        for target in (forbidden, allowed):
            admin(d, "measurement", "create", "--type", "ping", "--target", target,
                  "--agents", aid, "--packets", 3)

        def done():
            msms = json.loads(admin(d, "measurement", "list", "--json"))
            return any(m["refused"] for m in msms) and any(m["results"] for m in msms)
        wait_for(done, 30, "a refusal and a result")
        time.sleep(1)
        dump.send_signal(signal.SIGINT)
        dump.wait(timeout=10)
        pkts = subprocess.run(["tcpdump", "-n", "-r", str(d / "vp1.pcap")], capture_output=True,
                              text=True).stdout.splitlines()
        assert not [p for p in pkts if forbidden in p], pkts
        assert len([p for p in pkts if f"> {allowed}: ICMP echo request" in p]) == 3, pkts
        msms = {m["def"]: m for m in json.loads(admin(d, "measurement", "list", "--json"))}
        refused = [m for m in msms.values() if m["refused"]][0]
        assert f"{forbidden} is in a forbidden range (198.18.128.0/22)" in refused["refused"]
        assert refused["results"] == 0
        rows = json.loads(admin(d, "results", "export"))
        assert len(rows) == 1 and rows[0]["dst_addr"] == allowed and rows[0]["rcvd"] == 3
        agent.send_signal(signal.SIGTERM)
        assert agent.wait(timeout=20) == 0
        assert sanitizer_clean((d / "agent.log").read_text())
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
        subprocess.run(["rm", "-rf", str(d)])
