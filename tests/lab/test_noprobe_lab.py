"""The platform no-probe list on the lab Internet (issue 13): a periodic ping
runs on a real vantage-agent; a prefix covering its target is added with
`vantage noprobe add` while it runs; once the agent reports the new list
version, tcpdump on the vantage point sees no echo request toward the target;
creates toward it are refused with the reason; removing the prefix lets
probes flow again. The controller runs on the lab's ops host."""
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


def vantage(d, *args, ok=True):
    p = subprocess.run([str(VANTAGE), *map(str, args), "--admin", str(d / "ctl" / "admin.sock")],
                       capture_output=True, text=True, timeout=30)
    assert (p.returncode == 0) == ok, (p.stdout, p.stderr)
    return p.stdout if ok else p.stderr


def requests_to(pcap, target):
    """Times (Unix seconds) of the echo requests toward target in the capture so far."""
    out = subprocess.run(["tcpdump", "-tt", "-n", "-r", str(pcap)], capture_output=True,
                         text=True).stdout.splitlines()
    return [float(l.split()[0]) for l in out if f"> {target}: ICMP echo request" in l]


def enforced(d, aid):
    return json.loads(vantage(d, "agents", "show", aid, "--json"))["noprobe"]


def test_noprobe_added_mid_run_stops_probes_and_removed_restarts_them(lab_factory):
    lab = lab_factory("small", name="vnp%04d" % (os.getpid() % 10000))
    d = reachable_tempdir("vpl-noprobe-")
    procs = []
    try:
        ops, target = lab.addr("ops"), lab.addr("anc2")
        ctl = lab.popen("ops", [CONTROLLER, "--config", LAB_CONFIG, "--dir", d / "ctl",
                                "--listen", ops, "--port", 4443, "--user", RUN_USER],
                        stdout=open(d / "ctl.log", "w"), stderr=subprocess.STDOUT)
        procs.append(ctl)
        wait_for(lambda: "listening on" in (d / "ctl.log").read_text(), 20, "the controller")
        fp = (d / "ctl.log").read_text().split("fingerprint ")[1].split()[0]
        (d / "agent.conf").write_text(
            f"controller {ops}:4443\ncontroller_fingerprint {fp}\nkey {d}/agent.key\n"
            f"spool {d}/spool\nallow 198.18.0.0/15\nheartbeat 2\nmethods ping\n")
        afp = subprocess.run([str(AGENT), "--config", str(d / "agent.conf"), "--fingerprint"],
                             capture_output=True, text=True, check=True).stdout.strip()
        aid = vantage(d, "agents", "add", afp, "--approve").strip()
        agent = lab.popen("vp1", [AGENT, "--config", d / "agent.conf"],
                          stdout=open(d / "agent.log", "w"), stderr=subprocess.STDOUT)
        procs.append(agent)
        wait_for(lambda: "connected to the controller" in (d / "agent.log").read_text(), 20,
                 "the agent to connect")
        pcap = d / "vp1.pcap"
        dump = lab.popen("vp1", ["tcpdump", "-i", "any", "-n", "-U", "-w", pcap,
                                 f"icmp and host {target}"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(dump)
        time.sleep(1.5)
        vantage(d, "measurement", "create", "--type", "ping", "--target", target,
                "--agents", aid, "--packets", 1, "--interval", 2)
        wait_for(lambda: len(requests_to(pcap, target)) >= 2, 20, "probes toward the target")

        # Added while it runs: the agent reports version 1, then nothing more is sent.
        prefix = target.rsplit(".", 1)[0] + ".0/24"
        assert "version 1" in vantage(d, "noprobe", "add", prefix, "--reason", "lab complaint")
        wait_for(lambda: enforced(d, aid) == {"version": 1, "enforced": 1, "behind": False}, 15,
                 "the agent to enforce version 1")
        since = time.time()
        listing = vantage(d, "noprobe", "list")
        assert prefix in listing and "lab complaint" in listing, listing
        err = vantage(d, "measurement", "create", "--type", "ping", "--target", target,
                      "--agents", aid, ok=False)
        assert f"is on the platform's no-probe list ({prefix}: lab complaint)" in err, err
        time.sleep(7)   # three intervals of the periodic ping
        after = [t for t in requests_to(pcap, target) if t > since]
        assert after == [], after

        # Removed: version 2 reaches the agent and probes flow again.
        assert "version 2" in vantage(d, "noprobe", "remove", prefix)
        wait_for(lambda: enforced(d, aid)["enforced"] == 2, 15, "the agent to enforce version 2")
        again = time.time()
        wait_for(lambda: [t for t in requests_to(pcap, target) if t > again], 15,
                 "probes after the removal")
        assert json.loads(vantage(d, "noprobe", "list", "--json"))["entries"] == []

        dump.send_signal(signal.SIGINT)
        dump.wait(timeout=10)
        agent.send_signal(signal.SIGTERM)
        assert agent.wait(timeout=20) == 0
        assert sanitizer_clean((d / "agent.log").read_text())
        assert "platform no-probe list version 1" in (d / "agent.log").read_text()
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
        subprocess.run(["rm", "-rf", str(d)])
