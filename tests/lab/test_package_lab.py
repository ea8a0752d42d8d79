"""The Debian packages on a host (issue 17): `./run package` builds them into
build-deb/; this test installs them on this machine, checks what they put
where, scores their systemd units with `systemd-analyze security --offline`
(this machine has no systemd as init), starts the installed controller and
agent (the agent the way its unit starts it: user vantage with CAP_NET_RAW as
its one ambient capability), lets the agent measure and upload, stops both,
purges the packages and checks that nothing is left behind."""
import json
import os
import sqlite3
import time
from pathlib import Path

import pytest

import debpkg
from debpkg import Installed, exposure, installed, sh, wait_for

pytestmark = pytest.mark.skipif(
    not debpkg.debs(), reason=f"no packages in {debpkg.DEB_DIR}: run `./run package` first")

UNITS = Path("/lib/systemd/system")
# the agent as its systemd unit starts it (User=, AmbientCapabilities=,
# CapabilityBoundingSet=, NoNewPrivileges=), for a machine without systemd
AS_UNIT = ["setpriv", "--reuid", "vantage", "--regid", "vantage", "--init-groups",
           "--inh-caps", "-all,+net_raw", "--ambient-caps", "-all,+net_raw",
           "--bounding-set", "-all,+net_raw", "--no-new-privs"]
LEFT_BEHIND = ["/etc/vantage", "/var/lib/vantage-agent", "/var/lib/vantage-controller",
               "/usr/bin/vantage", "/usr/bin/vantage-agent", "/usr/bin/vantage-probe",
               "/usr/bin/vantage-controller", UNITS / "vantage-agent.service",
               UNITS / "vantage-controller.service", "/usr/share/doc/vantage-agent"]


def status_field(pid, key):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return line.split(":", 1)[1].strip()
    return None


def check_files():
    """What the packages install, and the state directories of their users."""
    for f in ["/usr/bin/vantage", "/usr/bin/vantage-agent", "/usr/bin/vantage-probe",
              "/usr/bin/vantage-controller", "/etc/vantage/controller.conf",
              "/etc/vantage/host-probe.conf", UNITS / "vantage-agent.service",
              UNITS / "vantage-controller.service", "/usr/share/man/man8/vantage-agent.8.gz"]:
        assert Path(f).exists(), f
    for d, user, mode in [("/var/lib/vantage-agent", "vantage", 0o700),
                          ("/var/lib/vantage-controller", "vantage-controller", 0o750)]:
        st = os.stat(d)
        assert debpkg.pwd.getpwuid(st.st_uid).pw_name == user, d
        assert st.st_mode & 0o777 == mode, (d, oct(st.st_mode))
    assert not Path("/etc/vantage/agent.conf").exists(), "the agent comes unconfigured"


def check_units():
    """Score both units; print the scores; the agent's must be better than 2.0."""
    scores = {}
    for u in ("vantage-agent", "vantage-controller"):
        score, table = exposure(UNITS / f"{u}.service")
        scores[u] = score
        print(f"systemd-analyze security --offline=true {u}.service: {score}")
        print("\n".join(line for line in table.splitlines() if line.startswith("✗")))
    assert scores["vantage-agent"] < 2.0, scores
    assert scores["vantage-controller"] < 2.0, scores
    agent = (UNITS / "vantage-agent.service").read_text()
    for line in ["User=vantage", "AmbientCapabilities=CAP_NET_RAW",
                 "CapabilityBoundingSet=CAP_NET_RAW", "NoNewPrivileges=yes",
                 "ProtectSystem=strict", "StateDirectory=vantage-agent", "PrivateTmp=yes",
                 "ProtectHome=yes", "SystemCallFilter=@system-service"]:
        assert line + "\n" in agent, line
    ctl = (UNITS / "vantage-controller.service").read_text()
    assert "CapabilityBoundingSet=\n" in ctl and "AmbientCapabilities=\n" in ctl
    assert "User=vantage-controller\n" in ctl


def start_controller(h, log="controller"):
    """The installed controller with the shipped configuration (root: it
    becomes vantage-controller), the lab's benchmarking range opened."""
    ctl = h.start(log, "vantage-controller", "--config", "/etc/vantage/controller.conf",
                  "--targets", "allow 198.18.0.0/15", "--no-reach-check", "--heartbeat", "1")
    wait_for(lambda: "listening on" in ctl.text() or not ctl.alive(), 30, "the controller")
    assert ctl.alive(), ctl.text()
    fp = ctl.text().split("fingerprint ")[1].split()[0]
    return ctl, fp


def enrol_agent(h, fp):
    """`vantage-agent --enrol` as a host's admin runs it (root): it checks the
    host, writes /etc/vantage/agent.conf and the key (given to user vantage),
    and prints the fingerprint. The test then shortens the agent's timers."""
    conf = Path("/etc/vantage/agent.conf")
    # a namespace has no network card: the check fails and nothing is written
    p = h.run_in_ns("vantage-agent", "--enrol", "127.0.0.1:4443", fp)
    assert "vantage check-host: role probe" in p.stdout, p.stdout
    assert p.returncode == 2 and "fail  nics" in p.stdout, p.stdout + p.stderr
    assert "fails the check of a probe" in p.stderr, p.stderr
    assert not conf.exists() and not Path("/var/lib/vantage-agent/agent.key").exists()
    p = h.run_in_ns("vantage-agent", "--enrol", "127.0.0.1:4443", fp, "--no-check-host")
    assert p.returncode == 0, p.stdout + p.stderr
    afp = p.stdout.split("fingerprint\n")[1].split()[0]
    assert f"controller_fingerprint {fp}\n" in conf.read_text()
    with conf.open("a") as f:
        f.write("heartbeat 1\nbackoff_max 2\ntiming_interval 0\n")
    again = h.run_in_ns("vantage-agent", "--enrol", "127.0.0.1:4443", fp)
    assert again.returncode == 2 and "enrolled already" in again.stderr, again.stderr
    return afp


def agent_pid(h):
    """The vantage-agent process inside the namespace (ip netns exec execs it)."""
    return h.procs[-1].p.pid


def spool_last_seq():
    """The sequence number of the agent's newest result, read from its spool:
    segments are DIR/<first sequence>.seg of records (magic, length,
    sequence, CRC: 20 bytes, then the result; src/agent/spool_record.c)."""
    last = None
    for seg in sorted(Path("/var/lib/vantage-agent/spool").glob("*.seg"),
                      key=lambda p: int(p.stem)):
        last = int(seg.stem) - 1
        data, off = seg.read_bytes(), 0
        while off + 20 <= len(data):
            n = int.from_bytes(data[off + 4:off + 8], "little")
            if off + 20 + n > len(data):
                break
            last = int.from_bytes(data[off + 8:off + 16], "little")
            off += 20 + n
    return last


def stored_seqs(aid):
    """(count, min seq, max seq) of the agent's results in the controller's database."""
    con = sqlite3.connect("file:/var/lib/vantage-controller/controller.db?mode=ro", uri=True,
                          timeout=10)
    try:
        return con.execute("SELECT COUNT(*), MIN(seq), MAX(seq) FROM results"
                           " WHERE agent_id = ?", (int(aid),)).fetchone()
    finally:
        con.close()


def start_measuring(h):
    """Controller, enrolled and admitted agent (as its unit runs it), a ping a second."""
    ctl, cfp = start_controller(h)
    afp = enrol_agent(h, cfp)
    p = h.vantage("agents", "add", afp, "--org", "pkg", "--role", "probe", "--approve")
    assert p.returncode == 0, p.stderr
    aid = p.stdout.strip()
    agent = h.start("agent", *AS_UNIT, "vantage-agent", "--config", "/etc/vantage/agent.conf")
    p = h.vantage("measurement", "create", "--type", "ping", "--target", h.TARGET4,
                  "--agents", aid, "--interval", "1")
    assert p.returncode == 0, p.stderr
    return ctl, agent, aid, afp, p.stdout.strip()


def stored(h, msm):
    p = h.vantage("results", "export", "--msm", msm, "--json")
    return json.loads(p.stdout) if p.returncode == 0 else []


def test_install_run_purge(tmp_path):
    h = Installed(tmp_path)
    try:
        check_files()
        check_units()
        ctl, agent, aid, afp, msm = start_measuring(h)
        rows = wait_for(lambda: (r := stored(h, msm)) and len(r) >= 3 and r, 60,
                        "three results stored")
        assert all(r["dst_addr"] == h.TARGET4 and r["rcvd"] >= 1 for r in rows), rows[:3]
        pid = agent_pid(h)
        assert status_field(pid, "CapEff") == "0000000000002000"  # CAP_NET_RAW alone
        assert status_field(pid, "NoNewPrivs") == "1"
        assert status_field(pid, "Seccomp") == "2"
        assert agent.stop() == 0, agent.text()
        assert ctl.stop() == 0, ctl.text()
        keyfile = Path("/var/lib/vantage-agent/agent.key")
        assert debpkg.pwd.getpwuid(keyfile.stat().st_uid).pw_name == "vantage"
    finally:
        h.close()
    for n in debpkg.NAMES:
        assert not installed(n)
        assert sh("dpkg-query", "-W", n, check=False).returncode != 0, f"{n} left in dpkg"
    left = [str(f) for f in LEFT_BEHIND if Path(f).exists()]
    assert not left, f"left behind after purge: {left}"


def test_upgrade_loses_no_result(tmp_path):
    """Upgrade vantage-agent while it measures, its controller away: the
    spool, the key and the schedule survive, and once the controller is back
    every result is stored once (counted by sequence)."""
    h = Installed(tmp_path)
    try:
        ctl, agent, aid, afp, msm = start_measuring(h)
        wait_for(lambda: stored_seqs(aid)[0] >= 3, 60, "three results stored")
        assert ctl.stop() == 0, ctl.text()
        seq_before = wait_for(spool_last_seq, 10, "the spool")
        newer = debpkg.repack(debpkg.debs()["vantage-agent"], "0.1.0+upgrade1", tmp_path)
        debpkg.apt_install([newer])
        assert sh("dpkg-query", "-W", "-f=${Version}", "vantage-agent").stdout == "0.1.0+upgrade1"
        # what systemd does after the upgrade (dh_installsystemd --restart-after-upgrade)
        assert agent.stop() == 0, agent.text()
        assert h.run_in_ns(*AS_UNIT, "vantage-agent", "--config", "/etc/vantage/agent.conf",
                           "--fingerprint").stdout.strip() == afp, "the key changed"
        agent = h.start("agent-upgraded", *AS_UNIT, "vantage-agent", "--config",
                        "/etc/vantage/agent.conf")
        # no controller to tell it: the schedule on disk keeps it measuring
        wait_for(lambda: spool_last_seq() >= seq_before + 3, 30,
                 "results of the kept schedule while the controller is away")
        start_controller(h, "controller-again")
        assert h.vantage("measurement", "stop", msm).returncode == 0
        time.sleep(2)

        def all_stored():
            n = spool_last_seq()
            return stored_seqs(aid) == (n, 1, n)
        wait_for(all_stored, 60, "every spooled result stored once")
        produced = spool_last_seq()
        print(f"upgrade mid-measurement: {produced} results produced, {seq_before} before "
              f"the upgrade; stored (count, min seq, max seq): {stored_seqs(aid)}")
        assert agent.stop() == 0, agent.text()
    finally:
        h.close()
