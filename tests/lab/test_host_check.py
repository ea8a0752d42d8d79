"""vantage check-host on this machine: what it reports must be what is true,
checked against values this test reads itself (nproc, /proc/meminfo,
/proc/cpuinfo's hypervisor flag, /sys clocksource, statvfs), and its exit
status must follow its own summary. Loopback only; nothing is left behind."""
import ctypes
import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("VANTAGE_BUILD", ROOT / "build-san"))
VANTAGE = BUILD / "src" / "cmd" / "vantage"


def run(*args):
    return subprocess.run([str(VANTAGE), *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def report():
    p = run("check-host", "--role", "anchor", "--json")
    assert p.returncode in (0, 1, 2), p.stderr
    doc = json.loads(p.stdout)
    doc["_rc"] = p.returncode
    return doc


def line(doc, name):
    return next(c for c in doc["checks"] if c["name"] == name)


def test_resources_match_independent_readings(report):
    host = report["host"]
    assert host["cpus"] == os.sysconf("SC_NPROCESSORS_ONLN")
    meminfo = Path("/proc/meminfo").read_text()
    total = next(int(l.split()[1]) for l in meminfo.splitlines() if l.startswith("MemTotal:"))
    assert host["mem_total_kb"] == total
    st = os.statvfs("/")
    assert host["storage_bytes"] == st.f_blocks * st.f_frsize
    nics = sorted(n for n in os.listdir("/sys/class/net") if os.path.exists(f"/sys/class/net/{n}/device"))
    assert host["nics"] == len(nics)


def test_virtualisation_matches_cpuinfo(report):
    flags = next(l for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("flags"))
    hyper = "hypervisor" in flags.split()
    virt = report["host"]["virt"]
    assert virt["cpuid_hypervisor"] == (1 if hyper else 0)
    assert virt["virtualised"] == (hyper or bool(virt["dmi_vendor"] and "QEMU" in virt["dmi_vendor"]))
    if hyper:
        assert "virtual machine" in line(report, "virtualisation")["value"]


def test_clocksource_matches_sysfs(report):
    cs = Path("/sys/devices/system/clocksource/clocksource0/current_clocksource").read_text().strip()
    assert report["host"]["virt"]["clocksource"] == cs
    assert line(report, "clocksource")["value"].startswith(cs)


def test_timing_is_measured(report):
    t = report["timing"]
    assert t["clock"]["res_ns"] >= 1
    assert t["kernel_ts"]["rx"] is True and t["kernel_ts"]["samples"] >= 100
    assert 0 <= t["timer"]["late_p50_us"] <= t["timer"]["late_p99_us"] <= t["timer"]["late_max_us"]
    assert t["timer"]["wakeups"] == 500
    # adjtimex as this test reads it (x86-64 struct timex: modes, pad, offset,
    # freq, maxerror, esterror, then int status at byte 40): STA_UNSYNC is 0x40,
    # TIME_ERROR is 5
    buf = (ctypes.c_long * 64)()
    state = ctypes.CDLL(None).adjtimex(ctypes.byref(buf))
    status = ctypes.cast(buf, ctypes.POINTER(ctypes.c_int))[10]
    synced = state != 5 and not (status & 0x40)
    assert t["sync"]["synced"] == synced


def test_exit_status_follows_summary(report):
    s = report["summary"]
    want = 2 if s["fail"] else 1 if s["warn"] else 0
    assert report["_rc"] == want == report["exit"]
    assert s["pass"] + s["warn"] + s["fail"] == len(report["checks"])


def test_text_output_one_line_per_requirement():
    p = run("check-host", "--quick")
    lines = p.stdout.strip().splitlines()
    body = [l for l in lines[1:-1]]
    assert len(body) >= 17
    assert all(l.split()[0] in ("pass", "warn", "fail") for l in body)
    counts = {k: sum(1 for l in body if l.startswith(k)) for k in ("pass", "warn", "fail")}
    assert lines[-1] == f"{counts['pass']} pass, {counts['warn']} warn, {counts['fail']} fail"
    assert p.returncode == (2 if counts["fail"] else 1 if counts["warn"] else 0)


def test_requirements_file_errors_name_file_and_line():
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as f:
        f.write("role anchor\n# fine\ncpus many\n")
    try:
        p = run("check-host", "--requirements", f.name)
        assert p.returncode == 3
        assert p.stderr.strip() == f"check-host: {f.name}:3: cpus: 'many' is not a number"
    finally:
        os.unlink(f.name)


def test_requirements_file_changes_the_verdict():
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as f:
        f.write(f"cpus {os.cpu_count() + 1}\n")
    try:
        p = run("check-host", "--quick", "--json", "--requirements", f.name)
        doc = json.loads(p.stdout)
        assert line(doc, "cpus")["status"] == "fail"
        assert p.returncode == 2
    finally:
        os.unlink(f.name)


def test_shipped_files_load():
    for role in ("probe", "anchor"):
        p = run("check-host", "--quick", "--json", "--requirements",
                str(ROOT / "etc" / "vantage" / f"host-{role}.conf"))
        assert p.returncode in (0, 1, 2), p.stderr
        assert json.loads(p.stdout)["role"] == role
