"""Privilege separation of the measuring programs, read from the kernel's own
account of running processes (/proc/PID/status of every thread): started as
root, vantage-probe (both builds) and vantage-agent run as the unprivileged
user of src/privsep/privsep.h, the probe with no capability left and the
agent with CAP_NET_RAW alone (effective, permitted and bounding sets), both
with no_new_privs and under a seccomp filter (Seccomp: 2); they still measure
under it; and the agent's open() of a root-owned file for writing fails."""
import json
import os
import pwd
import shutil
import subprocess
from pathlib import Path

import pytest

from agents_lab import AGENT, AgentsLab
from platform_lab import RUN_USER, reachable_tempdir, wait_for

HERE = Path(__file__).resolve().parent
BUILD = Path(os.environ.get("VANTAGE_BUILD", HERE.parents[1] / "build-san"))
RELEASE = Path(os.environ.get("VANTAGE_RELEASE_BUILD", HERE.parents[1] / "build"))
CAP_NET_RAW = 1 << 13


def status(pid):
    """{thread id: {field: value}} from /proc/PID/task/*/status."""
    out = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        fields = {}
        for line in (task / "status").read_text().splitlines():
            k, _, v = line.partition(":")
            fields[k] = v.strip()
        out[int(task.name)] = fields
    return out


def assert_confined(pid, caps):
    """Every thread of pid runs as RUN_USER with exactly caps, no_new_privs
    and a seccomp filter."""
    uid = pwd.getpwnam(RUN_USER).pw_uid
    threads = status(pid)
    assert threads
    for tid, f in threads.items():
        assert f["Uid"].split() == [str(uid)] * 4, (tid, f["Uid"])
        assert f["Gid"].split() == [str(pwd.getpwnam(RUN_USER).pw_gid)] * 4, (tid, f["Gid"])
        for k in ("CapEff", "CapPrm", "CapBnd"):
            assert int(f[k], 16) == caps, (tid, k, f[k])
        assert int(f["CapInh"], 16) == 0 and int(f["CapAmb"], 16) == 0, (tid, f)
        assert f["NoNewPrivs"] == "1", (tid, f["NoNewPrivs"])
        assert f["Seccomp"] == "2", (tid, f["Seccomp"])


def filtered(pid):
    try:
        return status(pid)[pid]["Seccomp"] == "2"
    except (FileNotFoundError, KeyError):
        return False


@pytest.mark.parametrize("build", [BUILD, RELEASE], ids=["sanitized", "release"])
def test_probe_measures_unprivileged_under_seccomp(small_lab, build):
    """The probe holds its sockets, no capability, and a filter while it waits
    for its target on stdin; given one, it measures and exits cleanly."""
    probe = build / "src" / "cmd" / "vantage-probe"
    if not probe.exists():
        pytest.skip(f"no {probe}")
    p = small_lab.popen("vp1", [probe, "ping", "--count", 2, "--interval", 100, "-f", "-"],
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: filtered(p.pid) or p.poll() is not None, 20, "the probe's filter")
        assert p.poll() is None, p.communicate()
        assert_confined(p.pid, 0)
        out, err = p.communicate(input=(small_lab.addr("dst") + "\n").encode(), timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert p.returncode == 0, err.decode()
    r = json.loads(out.decode().splitlines()[0])
    assert r["rcvd"] == 2, r


@pytest.mark.parametrize("build", ["sanitized", "release"])
def test_agent_runs_as_user_with_net_raw_only(lab_factory, build):
    """A real agent: its every thread (the event loop and the timing thread)
    confined; an open() of a root-owned file for writing in its own spool
    fails; its measurements still run and arrive; it stops cleanly. Both
    builds: the sanitized one's filter allows more (src/privsep/sanitized.h),
    so only the release build shows a call the filter forgot."""
    agent = AGENT if build == "sanitized" else RELEASE / "src" / "cmd" / "vantage-agent"
    if not agent.exists():
        pytest.skip("vantage-agent is not built")
    lab = lab_factory("small", name="vps%04d" % (os.getpid() % 10000))
    al = AgentsLab(lab)
    try:
        aid, p = al.add_agent("vp1", agent=agent)
        wait_for(lambda: len(status(p.pid)) >= 2, 20, "the agent's timing thread")
        assert_confined(p.pid, CAP_NET_RAW)
        spool = al.dir / "vp1" / "spool"
        assert spool.stat().st_uid == pwd.getpwnam(RUN_USER).pw_uid
        # root's file where the agent saves its schedule (schedule.json.tmp, opened
        # O_WRONLY|O_CREAT|O_TRUNC): as root the agent would truncate it
        trap = spool / "schedule.json.tmp"
        trap.write_text("root's\n")
        trap.chmod(0o644)
        msm = al.admin_json("measurement", "create", "--type", "ping", "--target",
                            lab.addr("dst"), "--agents", str(aid), "--packets", 2,
                            "--interval", 1)["id"]
        log = al.logs[p.pid]
        wait_for(lambda: "cannot save the schedule: Permission denied" in log.read_text(), 20,
                 "the agent's refused open")
        # never written (the agent then unlinks it: the directory is its own)
        assert not trap.exists() or (trap.read_text() == "root's\n" and trap.stat().st_uid == 0)
        wait_for(lambda: len(al.admin_json("results", "export", "--msm", msm)) >= 2, 60,
                 "two rounds measured under the filter")
        assert "seccomp: forbidden" not in log.read_text()
        al.stop_all_clean()
    finally:
        al.close()


def pubkey(*args):
    return subprocess.run(["openssl", *args], capture_output=True, text=True,
                          check=True).stdout


def test_controller_refuses_root_unless_told(small_lab, tmp_path):
    """The controller never needs root: as root it refuses to start without
    --user or --allow-root; with --user it runs as that user with no
    capability, in a state directory it was given; its API's TLS key is its
    own (DIR/api.key, not the identity agents pin), and requests accepts the
    API with verify=DIR/api.crt."""
    ctl = BUILD / "src" / "cmd" / "vantage-controller"
    p = subprocess.run([ctl, "--dir", tmp_path / "c", "--port", "4449"], capture_output=True,
                       text=True, timeout=30)
    assert p.returncode == 2 and "refusing to run as root" in p.stderr, p.stderr
    assert not (tmp_path / "c" / "controller.db").exists()
    d = reachable_tempdir("vps-ctl-")
    log, c = d / "ctl.log", None
    try:
        c = small_lab.popen("ops", [ctl, "--dir", d / "c", "--port", "4449", "--api",
                                    "127.0.0.1:8449", "--user", RUN_USER],
                            stdout=open(log, "w"), stderr=subprocess.STDOUT)
        wait_for(lambda: "API on https://" in log.read_text() or c.poll() is not None, 20,
                 "the controller's API")
        assert c.poll() is None, log.read_text()
        f = status(c.pid)[c.pid]
        uid = pwd.getpwnam(RUN_USER).pw_uid
        assert f["Uid"].split() == [str(uid)] * 4, f["Uid"]
        assert int(f["CapEff"], 16) == 0 and int(f["CapPrm"], 16) == 0, f
        cdir = d / "c"
        assert (cdir / "controller.db").stat().st_uid == uid
        key = cdir / "api.key"
        assert key.stat().st_uid == uid and key.stat().st_mode & 0o777 == 0o600
        api_pub = pubkey("x509", "-noout", "-pubkey", "-in", cdir / "api.crt")
        assert api_pub == pubkey("pkey", "-pubout", "-in", key)
        assert api_pub != pubkey("x509", "-noout", "-pubkey", "-in", cdir / "controller.crt")
        code = ("import requests\nprint(requests.get('https://127.0.0.1:8449/api/v2/probes/',"
                "verify='%s', timeout=10).status_code)" % (cdir / "api.crt"))
        got = small_lab.exec("ops", ["/usr/bin/python3", "-c", code], check=False)
        assert got.stdout.strip() == "200", got.stdout + got.stderr
    finally:
        rc = None
        if c is not None:
            c.terminate()
            rc = c.wait(timeout=30)
        text = log.read_text()
        shutil.rmtree(d, ignore_errors=True)
    assert rc == 0, text


def test_writer_becomes_its_user_before_it_connects(small_lab):
    """vantage-writer --user NAME, started as root, is NAME with no
    capability before it reaches for NATS (here nothing listens: it then
    fails, as that user); an unknown user is refused by name."""
    writer = BUILD / "src" / "cmd" / "vantage-writer"
    args = [writer, "--nats", "nats://127.0.0.1:1", "--store", "/nonexistent/w.db"]
    p = small_lab.exec("ops", args + ["--user", RUN_USER], check=False, timeout=60)
    uid = pwd.getpwnam(RUN_USER).pw_uid
    lines = p.stdout.splitlines()
    assert lines and lines[0].startswith(f"vantage-writer: running as user {RUN_USER} (uid {uid},"), p
    assert lines[0].endswith("no capability"), p
    assert p.returncode == 1, p
    p = small_lab.exec("ops", args + ["--user", "vps-nosuch"], check=False, timeout=60)
    assert p.returncode == 1 and "vps-nosuch: not in /etc/passwd" in p.stderr, p


@pytest.mark.parametrize("build", [BUILD, RELEASE], ids=["sanitized", "release"])
def test_scan_runs_unprivileged_under_seccomp(small_lab, build, tmp_path):
    """vantage scan opens its sockets, output and both checkpoint slots in a
    root-only directory, then runs as the user with no capability under its
    filter, writes its checkpoint through the descriptors it holds, and
    finishes with every target written."""
    vantage = build / "src" / "cmd" / "vantage"
    os.chmod(tmp_path, 0o700)
    (tmp_path / "pfx").write_text("198.18.128.0/22\n")
    out, ckpt = tmp_path / "out.json", tmp_path / "ckpt"
    p = small_lab.popen("vp1", [vantage, "scan", "--prefixes", tmp_path / "pfx", "--pps", 10,
                                "--wait", 300, "--quiet", "-o", out, "--resume", ckpt],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: filtered(p.pid) or p.poll() is not None, 20, "the scan's filter")
        assert p.poll() is None, p.communicate()
        assert_confined(p.pid, 0)
        _, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert p.returncode == 0, err.decode()
    res = [json.loads(x) for x in out.read_text().splitlines() if x.strip()]
    assert len(res) == 4 and all(r["stop_reason"] == "completed" for r in res), res
    assert ckpt.stat().st_size > 0 or Path(str(ckpt) + ".b").stat().st_size > 0
