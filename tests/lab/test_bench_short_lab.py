"""test_bench_short_lab: every benchmark in bench/ in its short version, so a
bench cannot rot unseen (a renamed flag, a log line it waits on that changed,
a result format it reads that changed). The project's rule: long soaks and
benchmarks run outside CI, CI runs a short version of each.

Each test runs one bench as `./run bench` would, against the release build
($VANTAGE_RELEASE_BUILD, as the benches expect), with the environment
variables and arguments that make it short (VANTAGE_BENCH_RUNS, _SCALE,
_RATES, _SWEEP, _CYCLES, _NAPI, part selection) but still through its real
path: labs up and down, the peer tools run (scamper, zmap), the report
printed. It asserts what can fail:
- the bench exits 0;
- its report's rows are there with numbers (not nan) for both tools, and
  the peer tool's figures are not zero;
- nothing is left: no network namespace of its labs (their names carry the
  bench's pid), no process of its session nor one naming its temporary
  folder, nothing in that folder ($TMPDIR for the bench: the benches and
  tests/pg/pgtmp make their folders there).
No speed figure is asserted: benches are not timed pass/fail tests.

Left out (the file is kept to about 4 minutes on a loaded 2-core machine):
bench/engine's part 5 (`lab`: two inet labs under perf record, about 5
minutes, not in the bench's default parts either), bench/scan's section 2
(`internet`: two scans of the synthetic Internet, 25 rounds of a 0.7 s wait
each whatever its size, about 80 s) and bench/team/agent's plain veth lab
(the --napi lab runs the same code; the veth one would add 25 s)."""
import math
import os
import pathlib
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
RELEASE = pathlib.Path(os.environ.get("VANTAGE_RELEASE_BUILD", ROOT / "build"))

# A row of the benches' side-by-side tables: NAME OURS THEIRS RATIOx (... is better)
ROW = re.compile(r"^\s+(?P<name>\S.*?)\s+(?P<ours>\S+)\s+(?P<theirs>\S+)\s+(?P<ratio>\S+)x"
                 r"\s+\((?P<better>.*) is better\)$")


@pytest.fixture(scope="module", autouse=True)
def release_build():
    if os.geteuid() != 0:
        pytest.skip("the benches need root (network namespaces)")
    if not (RELEASE / "src" / "cmd" / "vantage").exists():
        pytest.skip("no release build in %s: run ./run build first" % RELEASE)


def netns():
    """The names of the network namespaces now."""
    try:
        return set(os.listdir("/run/netns"))
    except FileNotFoundError:
        return set()


def made_by(name, pid):
    """Whether namespace name is of a lab that a bench of pid named: the
    benches name their labs letters + their pid modulo 10^3..10^5 (a lab
    allows 8 characters), their namespaces LAB-HOST."""
    m = re.match(r"[a-z]+(\d+)[a-z]?(-|$)", name)
    return bool(m) and m.group(1) in {str(pid % 10 ** k) for k in (3, 4, 5)}


def leftover_processes(sid, tmp):
    """Processes of session sid, or naming tmp on their command line."""
    left = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            stat = pathlib.Path("/proc/%s/stat" % p).read_text()
            cmd = pathlib.Path("/proc/%s/cmdline" % p).read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[3]) == sid or tmp.encode() in cmd:
            left.append("%s %s" % (p, cmd.decode(errors="replace")[:200]))
    return left


def bench(argv, env=(), timeout=240, labs=False):
    """Run a bench (argv under ROOT) in a session of its own with a fresh
    $TMPDIR; assert it exits 0 and leaves nothing; its output."""
    tmp = tempfile.mkdtemp(prefix="vbshort-")
    os.chmod(tmp, 0o711)  # the daemons give up root and must still reach it
    environ = dict(os.environ, VANTAGE_RELEASE_BUILD=str(RELEASE), TMPDIR=tmp, **dict(env))
    before, seen = netns(), set()
    t0 = time.monotonic()
    p = subprocess.Popen([str(ROOT / argv[0]), *argv[1:]], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, env=environ, cwd=ROOT,
                         start_new_session=True)

    def watch():  # the namespaces that appear while it runs
        while p.poll() is None:
            seen.update(netns())
            time.sleep(0.2)
    w = threading.Thread(target=watch, daemon=True)
    w.start()
    killed = False
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:  # it, or what it left holding its output
        killed = True
        os.killpg(p.pid, signal.SIGTERM)
        out, _ = p.communicate(timeout=60)
        out += "\n(killed after %d s)" % timeout
    w.join()
    print("%s: %.1f s\n%s" % (" ".join(argv), time.monotonic() - t0, out))
    left = []
    for _ in range(50):  # what a bench stopped may take a moment to end
        left = leftover_processes(p.pid, tmp)
        if not left:
            break
        time.sleep(0.1)
    files = sorted(str(f) for f in pathlib.Path(tmp).rglob("*"))
    ns_made = {n for n in seen - before if made_by(n, p.pid)}
    ns_left = {n for n in netns() - before if made_by(n, p.pid)}
    for pid in (int(x.split()[0]) for x in left):  # removed, also when it fails
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    for n in ns_left:
        subprocess.run(["ip", "netns", "del", n], capture_output=True)
    shutil.rmtree(tmp, ignore_errors=True)
    wrong = [w for w, bad in (
        ("%s exited %s" % (argv[0], p.returncode), p.returncode != 0),
        ("killed after %d s" % timeout, killed),
        ("processes left: %s" % left, left),
        ("files left in its temporary folder: %s" % files[:10], files),
        ("namespaces left: %s" % sorted(ns_left), ns_left)) if bad]
    assert not wrong, "; ".join(wrong)
    if labs:
        assert ns_made, "no lab namespace of pid %d seen while it ran" % p.pid
    return out


def num(text):
    """A figure as printed (1,234 or 1.5 or nan); raises on anything else."""
    v = float(text.replace(",", ""))
    assert not math.isnan(v), "nan"
    return v


def rows(out):
    """{name: (ours, theirs, ratio)} of the side-by-side rows; each a number,
    the peer's not zero (a peer's figure of zero makes the ratio nan)."""
    got = {}
    for line in out.splitlines():
        m = ROW.match(line)
        if not m:
            continue
        name = m.group("name")
        ours, theirs, ratio = (num(m.group(k)) for k in ("ours", "theirs", "ratio"))
        assert theirs != 0, "the peer's figure is 0: %r" % line
        got.setdefault(name, []).append((ours, theirs, ratio))
    return got


def figure(out, pattern, n=1):
    """The numbers pattern's groups capture, in each of n lines or more."""
    found = [m.groups() for m in re.finditer(pattern, out, re.M)]
    assert len(found) >= n, "%d lines of %r, want %d" % (len(found), pattern, n)
    return [tuple(num(x) for x in f) for f in found]


def test_api():
    out = bench(["bench/api/run", "20000"], {"VANTAGE_BENCH_RUNS": "2"})
    got = re.findall(r"^((?:GET|POST) .*?)\s+([\d.]+) ms\s+([\d.]+)\s+([\d.]+) ms"
                     r"\s+\(HTTP (\S+), (\d+) bytes\)$", out, re.M)
    assert len(got) == 7, out
    for name, *figs, status, size in got:
        assert status in ("200", "201"), name
        assert int(size) > 0, name
        [num(x) for x in figs]
    figure(out, r"^idle, no request: the longest wait ([\d.]+) ms")


def test_controller():
    out = bench(["bench/controller/run", "50", "2"])
    assert "not run" not in out and "not every connection" not in out
    for store in ("sqlite", "postgresql", "nats"):
        (ctl, srv, per, stored), = figure(
            out, r"^%s: whole run \(connect \+ upload\): controller CPU ([\d.]+) s, store server"
                 r" CPU ([\d.]+) s, ([\d.]+) CPU-s per 1000 results stored \((\d+)\)" % store)
        assert stored > 0 and ctl > 0, store
        figure(out, r"^%s: stored bytes per result .*: (\d+)$" % store)
    assert len(figure(out, r"^stored: (\d+) results in ([\d.]+) s", 3)) == 3
    assert len(figure(out, r"^nats: writer \d: exit status 0; memory error reports in its"
                           r" log: 0$", 2)) == 2


def test_dashboard():
    out = bench(["bench/dashboard/run", "200"], {"VANTAGE_BENCH_SECONDS": "3",
                                                 "VANTAGE_BENCH_RUNS": "2"})
    (connected,), = figure(out, r"\((\d+) of them connected during the upload run\)")
    assert connected > 0
    runs = figure(out, r"^run \d: first 500 rows drawn after (\d+) ms, the whole list after"
                       r" (\d+) ms \((\d+) of (\d+) vantage points\)", 2)
    assert all(r[2] == r[3] == 200 for r in runs), runs
    figure(out, r'^\{"first_rows_ms_median": (\d+), "whole_list_ms_median": (\d+)')


def test_engine():
    out = bench(["bench/engine/run"], {"VANTAGE_BENCH_RUNS": "1", "VANTAGE_BENCH_SCALE": "0.1",
                                       "VANTAGE_BENCH_RATES": "100:200,0:600",
                                       "VANTAGE_BENCH_SWEEP": "198.19.0.0/20"}, labs=True)
    got = rows(out)
    for part in (" 1. sweep of 4,096 addresses", " 2. traceroutes", " 3. the agent's",
                 " 4. extra: 1,000 two-hop traces", "  100 probes/s, 20 traces",
                 "  unlimited (scamper: 10,000), 60 traces"):
        assert part in out, part
    for name in ("probes/s while sending", "replies kept", "raw sockets only (--send-path raw)"):
        assert len(got[name]) == 1, name
    for name in ("wall s", "CPU us per probe", "system calls per probe",
                 "context switches per probe", "peak RSS MB", "probes sent"):
        assert len(got[name]) >= 2, name   # each rate of part 2 (and part 4)
    assert len(got["traces/s"]) == 1
    for what in ("probes", "% of one core", "CPU us per probe", "peak RSS MB",
                 "system calls per probe"):
        figure(out, r"^  %s\s+([\d.]+)" % re.escape(what))


def test_scan():
    out = bench(["bench/scan/run", "small", "scale"], {"VANTAGE_BENCH_SCALE": "2000"}, labs=True)
    for af in (4, 6):
        for tool in ("vantage scan", "vantage trace", "scamper"):
            (targets, probes, per, ifs, per_if), = figure(
                out, r"^IPv%d %s\s+(\d+)\s+(\d+)\s+([\d.]+)\s+(\d+)\s+([\d.]+)" % (af, tool))
            assert targets > 0 and probes > 0 and ifs > 0, (af, tool)
    (probes, per24), = figure(out, r"scan over the in-process wire: (\d+) probes, ([\d.]+)"
                                   r" probes per /24")
    assert probes > 0
    assert len(figure(out, r"^  published, \S+: ([\d.]+) million /24s", 2)) == 2


def test_stream():
    out = bench(["bench/stream/run", "5", "20", "6"])
    assert "not run" not in out
    for what in ("single", "scaled"):
        (subs, delivered), = figure(out, r"^%s: stream: (\d+) subscribers, (\d+) results"
                                         r" delivered" % what)
        assert subs == 5 and delivered > 0, what
        (stored, _), = figure(out, r"^%s: stored: (\d+) results in ([\d.]+) s" % what)
        assert stored > 0, what
    figure(out, r"^scaled: vantage-writer: stored")


def test_synth():
    # the whole sweep of 198.19.0.0/16 (2 s): a /20 of it may hold no live address
    out = bench(["bench/synth/run"], {"VANTAGE_BENCH_SCALE": "9700"}, labs=True)
    (per_cpu,), = figure(out, r"answer function: (\d+) probes per CPU second")
    assert per_cpu > 0
    for what in ("zmap sent, probes/s", "keeper read \\(probes reaching the TUN\\)",
                 "keeper answered \\(alive destinations\\)", "echo replies zmap got back"):
        (v,), = figure(out, r"^  %s\s+([\d.]+)$" % what)
        assert v > 0, what


def test_team_plan_and_export():
    out = bench(["bench/team/run", "plan", "2000", "10", "200"])
    (chunks,), = figure(out, r"^\s+cycle\s+(\d+) chunks")
    assert chunks > 0
    figure(out, r"hand-out rate\s+(\d+) chunks/s wall")
    figure(out, r"peak resident memory\s+([\d.]+) MB")
    out = bench(["bench/team/export", "200", "2000", "5"])
    assert len(figure(out, r"^\s+(\d+) results .* -O \S+\s*: +([\d.]+) s, CLI peak RSS ([\d.]+)"
                           r" MB", 4)) == 4


def test_team_agent():
    out = bench(["bench/team/agent", "15"], {"VANTAGE_BENCH_CYCLES": "1",
                                             "VANTAGE_BENCH_NAPI": "1"}, labs=True)
    got = rows(out)
    for name in ("traces", "probes (recorded in the results)", "wall s",
                 "% of one core (floor: under 0.5)", "CPU us per probe",
                 "% of one core at a full 100 probes/s", "peak RSS MB (floor: under 8)"):
        assert len(got[name]) == 1, name
    (traces, _, _), = got["traces"]
    assert traces > 0
    for what in ("system calls per probe", "context switches per probe",
                 "agent: % of one core with perf attached", "controller: % of one core"):
        figure(out, r"^  %s\s+([\d.]+)" % re.escape(what))
