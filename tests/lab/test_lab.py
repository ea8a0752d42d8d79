"""Tests of the lab itself: it comes up and goes down fast and clean, the
tools' view of it (traceroute, scamper, ping) matches `vantage lab truth`,
and its features (ECMP, silent and rate-limiting routers, filtering, AnyIP,
delay, loss, cut/restore, teardown after kill -9) really work."""
import ipaddress
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from conftest import ROOT, VANTAGE, Lab

HOP_RE = re.compile(r"^\s*(\d+)\s+(.*)$")
ADDR_RE = re.compile(r"(?<![\d.:])((?:\d+\.){3}\d+|[0-9a-f]*:[0-9a-f:]+)(?![\d.:])")


def lab_namespaces(name):
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    return [l.split()[0] for l in out.splitlines() if l.startswith(name + "-")]


def truth_sets(truth):
    """ttl -> (set of answering addresses, silent?, ecmp?) from a truth dict."""
    out = {}
    for hop in truth["hops"]:
        addrs = {a for r in hop["routers"] if not r["silent"] for a in r["addrs"]}
        silent = all(r["silent"] for r in hop["routers"])
        out[hop["ttl"]] = (addrs, silent, hop["ecmp"])
    return out


def traceroute(lab, src, dst, af, port):
    """Debian traceroute (classic UDP, one dport per probe): ttl -> addresses."""
    out = lab.exec(src, ["traceroute", "-%d" % af, "-n", "-q", "3", "-w", "1", "-m", "10",
                         "-p", str(port), dst]).stdout
    seen = {}
    for line in out.splitlines()[1:]:
        m = HOP_RE.match(line)
        if m:
            seen.setdefault(int(m.group(1)), set()).update(ADDR_RE.findall(m.group(2)))
    return seen


def scamper(lab, src, dst, method, dport):
    """scamper trace with all 3 attempts per hop: ttl -> list of addresses."""
    out = lab.exec(src, ["scamper", "-O", "json", "-c",
                         "trace -P %s -q 3 -Q -w 1 -d %d" % (method, dport), "-i", dst]).stdout
    seen = {}
    for line in out.splitlines():
        obj = json.loads(line)
        if obj.get("type") == "trace":
            for h in obj.get("hops", []):
                seen.setdefault(h["probe_ttl"], []).append(h["addr"])
    return seen


def check_against_truth(seen, truth, may_miss=()):
    """Every address seen is one the truth allows at that ttl; the silent hop is silent."""
    sets = truth_sets(truth)
    assert max(seen) == len(sets), (seen, truth)
    for ttl, (addrs, silent, _) in sets.items():
        got = set(seen.get(ttl, ()))
        if ttl in may_miss and not got:
            continue
        if silent:
            assert not got, "silent hop %d answered: %s" % (ttl, got)
        else:
            assert got and got <= addrs, "hop %d: saw %s, truth %s" % (ttl, got, addrs)


def ecmp_branches(truth):
    """ttl -> set of branch addresses at the first ECMP hop."""
    for hop in truth["hops"]:
        if hop["ecmp"]:
            return hop["ttl"], {a for r in hop["routers"] for a in r["addrs"]}
    raise AssertionError("no ECMP hop in %s" % truth)


def test_up_down_is_fast_and_clean(lab_factory):
    t0 = time.monotonic()
    lab = lab_factory("small")
    up = time.monotonic() - t0
    nodes = lab.status()["nodes"]
    assert len(lab_namespaces(lab.name)) == len(nodes) >= 17
    assert all(n["netns_exists"] for n in nodes)
    t0 = time.monotonic()
    lab.down()
    down = time.monotonic() - t0
    assert lab_namespaces(lab.name) == []
    assert not os.path.exists("/run/vantage-lab/" + lab.name)
    assert up < 10 and down < 10, (up, down)


def test_no_route_to_the_real_network(small_lab):
    for node in small_lab.status()["nodes"]:
        for dst in ("8.8.8.8", "2001:4860::8888", "10.0.0.1"):
            r = small_lab.exec(node["name"], ["ip", "route", "get", dst], check=False)
            assert r.returncode != 0, (node["name"], dst, r.stdout)


@pytest.mark.parametrize("af", [4, 6])
def test_traceroute_reproduces_truth_and_both_ecmp_branches(small_lab, af):
    dst = str(ipaddress.ip_network(small_lab.anyip("dst", af))[777])
    truth = small_lab.truth("vp1", dst, af=af)
    assert any(h["ecmp"] for h in truth["hops"])
    assert any(r["silent"] for h in truth["hops"] for r in h["routers"])
    ttl, branches = ecmp_branches(truth)
    union = set()
    for port in range(33434, 33434 + 20 * 100, 100):
        seen = traceroute(small_lab, "vp1", dst, af, port)
        check_against_truth(seen, truth)
        union |= seen.get(ttl, set())
        if union == branches:
            break
    assert union == branches


@pytest.mark.parametrize("af", [4, 6])
def test_scamper_classic_sees_both_branches_paris_one(small_lab, af):
    dst = small_lab.addr("anc2", af)
    truth = small_lab.truth("vp1", "anc2", af=af)
    ttl, branches = ecmp_branches(truth)
    classic, paris_branches = set(), set()
    for dport in range(40000, 40000 + 12 * 97, 97):
        seen = scamper(small_lab, "vp1", dst, "udp", dport)
        check_against_truth(seen, truth)
        classic |= set(seen[ttl])
        paris = scamper(small_lab, "vp1", dst, "udp-paris", dport)
        # scamper 20211212's udp-paris over IPv6 never matches the hop-1 reply
        # (tcpdump shows r1 sending the Time Exceeded within 40 us)
        check_against_truth(paris, truth, may_miss={1} if af == 6 else ())
        assert len(set(paris[ttl])) == 1, "Paris trace switched branch: %s" % paris[ttl]
        paris_branches |= set(paris[ttl])
        if classic == branches:
            break
    assert classic == branches
    assert paris_branches <= branches


def ping_rtts(lab, src, dst, count=5, interval=0.05, check=True):
    out = lab.exec(src, ["ping", "-n", "-c", str(count), "-i", str(interval), "-W", "1", dst],
                   check=check).stdout
    return [float(x) for x in re.findall(r"time=([\d.]+) ms", out)]


def test_delay_shows_in_ping_rtt(lab_factory):
    lab = lab_factory("small")
    anc1 = lab.addr("anc1")
    near = ping_rtts(lab, "vp1", lab.addr("vp2"))
    base = ping_rtts(lab, "vp1", anc1)
    assert max(near) < 5 and min(base) >= 10   # anc1-r2 has delay=5 each way
    lab.link("set", "anc1", "r2", "delay=40")     # returns once the keeper applied it
    slow = ping_rtts(lab, "vp1", anc1)
    assert 80 <= min(slow) and max(slow) < 200, slow
    slow6 = ping_rtts(lab, "vp1", lab.addr("anc1", 6))
    assert 80 <= min(slow6), slow6


def test_loss_drops_some_packets(lab_factory):
    lab = lab_factory("small")
    lab.link("set", "anc1", "r2", "delay=0", "loss=50")
    got = ping_rtts(lab, "vp1", lab.addr("anc1"), count=60, interval=0.01, check=False)
    assert 3 <= len(got) <= 45, len(got)   # each way loses half: ~25% come back


def test_cut_stops_traffic_and_restore_brings_it_back(lab_factory):
    lab = lab_factory("small")
    for af in (4, 6):
        assert ping_rtts(lab, "vp1", lab.addr("dst", af), count=2)
    lab.link("cut", "r7", "r8")
    for af in (4, 6):
        assert ping_rtts(lab, "vp1", lab.addr("dst", af), count=3, check=False) == []
    assert lab.status(refresh=True)["links"][12]["cut"]
    lab.link("restore", "r7", "r8")
    for af in (4, 6):
        assert ping_rtts(lab, "vp1", lab.addr("dst", af), count=2)
    # an emulated link too
    lab.link("cut", "r1", "r3")
    assert ping_rtts(lab, "vp1", lab.addr("far"), count=2, check=False) == []
    lab.link("restore", "r1", "r3")
    assert ping_rtts(lab, "vp1", lab.addr("far"), count=2)


def test_anyip_host_answers_the_whole_prefix(small_lab):
    for dst in ("198.18.128.1", "198.18.130.200", "198.18.131.254", "2001:db8:d0::1",
                "2001:db8:d0:ffff::abcd"):
        assert ping_rtts(small_lab, "vp2", dst, count=1), dst


def test_filtered_destination_drops_udp_tcp_icmp(small_lab):
    truth = small_lab.truth("vp1", "fw", proto="udp")
    assert truth["filtered"] == ["udp", "tcp", "icmp"] and truth["reached"] is False
    fw = small_lab.addr("fw")
    assert ping_rtts(small_lab, "vp1", fw, count=2, check=False) == []
    seen = traceroute(small_lab, "vp1", fw, 4, 33434)
    assert fw not in set().union(*seen.values())
    last_router = truth["hops"][-2]["routers"][0]["addrs"][0]
    assert last_router in set().union(*seen.values())


def test_rate_limiting_router_drops_icmp_beyond_its_burst(small_lab):
    truth = small_lab.truth("vp1", "far")
    r9 = [h for h in truth["hops"] if h["routers"][0]["name"] == "r9"][0]
    r6 = [h for h in truth["hops"] if h["routers"][0]["name"] == "r6"][0]
    assert r9["routers"][0]["ratelimit_ms"] == 1000
    far = small_lab.addr("far")

    def answers(ttl):
        out = small_lab.exec("vp1", ["traceroute", "-n", "-f", str(ttl), "-m", str(ttl), "-q", "10",
                                     "-N", "10", "-w", "1", far]).stdout
        return len(re.findall(r" ms", out))

    assert answers(r6["ttl"]) == 10
    assert 1 <= answers(r9["ttl"]) < 10


def test_killed_owner_leaves_no_namespace(vantage_lab_ready):
    code = textwrap.dedent("""
        import sys, time
        sys.path.insert(0, %r)
        from conftest import Lab
        lab = Lab("small", name=sys.argv[1])
        print("up", flush=True)
        time.sleep(60)
    """ % str(ROOT / "tests" / "lab"))
    name = "k%05d" % (os.getpid() % 100000)
    child = subprocess.Popen([sys.executable, "-c", code, name], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "up"
        assert len(lab_namespaces(name)) >= 17
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        deadline = time.monotonic() + 10
        while lab_namespaces(name) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert lab_namespaces(name) == []
        assert not os.path.exists("/run/vantage-lab/" + name)
    finally:
        if child.poll() is None:
            child.kill()
        subprocess.run([str(VANTAGE), "lab", "down", "--name", name], capture_output=True)


def test_down_stale_removes_a_lab_whose_keeper_died(lab_factory):
    lab = lab_factory("small")
    keeper = lab.status()["keeper"]["pid"]
    os.kill(keeper, signal.SIGKILL)
    time.sleep(0.2)
    assert lab_namespaces(lab.name)
    out = subprocess.run([str(VANTAGE), "lab", "down", "--stale"], capture_output=True, text=True)
    assert out.returncode == 0
    assert lab_namespaces(lab.name) == []


def test_down_stale_keeps_a_lab_whose_owner_lives(lab_factory):
    """lab/demo runs `lab down --stale` on start: another run's lab, whose
    owner and keeper live, must stay."""
    lab = lab_factory("small")
    assert lab.status()["owner"]["pid"] == os.getpid()
    out = subprocess.run([str(VANTAGE), "lab", "down", "--stale"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert len(lab_namespaces(lab.name)) >= 17
    assert ping_rtts(lab, "vp1", lab.addr("dst"), count=1)


def test_bad_topology_names_line_and_builds_nothing(lab_factory, tmp_path):
    bad = tmp_path / "bad.conf"
    bad.write_text("router r1\nhost h1\nlink r1 h1\nlink r1 nosuch\n")
    name = "b%05d" % (os.getpid() % 100000)
    with pytest.raises(subprocess.CalledProcessError) as e:
        lab_factory(bad, name=name)
    assert "bad.conf:4:" in e.value.stderr and "nosuch" in e.value.stderr
    assert lab_namespaces(name) == []
    assert not os.path.exists("/run/vantage-lab/" + name)


def test_two_labs_side_by_side_and_down_removes_only_its_own(lab_factory):
    a = lab_factory("small")
    b = lab_factory("sweep")
    assert ping_rtts(a, "vp1", a.addr("dst"), count=1)
    a.down()
    assert lab_namespaces(a.name) == []
    assert len(lab_namespaces(b.name)) == 3
    assert ping_rtts(b, "vp", b.addr("target"), count=1)


def test_sweep_target_answers_its_whole_prefixes(lab_factory):
    lab = lab_factory("sweep")
    assert lab.anyip("target", 4) == "198.19.0.0/16"
    net4 = ipaddress.ip_network(lab.anyip("target", 4))
    net6 = ipaddress.ip_network(lab.anyip("target", 6))
    for dst in (net4[1], net4[40000], net4[-2], net6[1], net6[2**70 + 12345]):
        assert ping_rtts(lab, "vp", str(dst), count=1), dst
    seen = traceroute(lab, "vp", str(net4[777]), 4, 33434)
    check_against_truth(seen, lab.truth("vp", str(net4[777])))
    # a sweep of a thousand addresses gets a reply from every one
    alive = lab.exec("vp", ["fping", "-a", "-q", "-r", "0", "-i", "1", "-g", "198.19.4.0/22"],
                     check=False).stdout.split()
    assert len(alive) == 1022 and "198.19.7.254" in alive


def napi_threads():
    """{pid: nice} of the kernel's napi/e* threads (threaded NAPI)."""
    out = {}
    for d in os.listdir("/proc"):
        try:
            if d.isdigit() and open("/proc/%s/comm" % d).read().startswith("napi/e"):
                out[int(d)] = int(open("/proc/%s/stat" % d).read().rsplit(")", 1)[1].split()[16])
        except OSError:
            pass
    return out


def run_ns(pid):
    """Nanoseconds a thread has run (first field of /proc/PID/schedstat)."""
    return int(open("/proc/%d/schedstat" % pid).read().split()[0])


def test_napi_hands_host_packets_to_a_kernel_thread(lab_factory, monkeypatch):
    """`lab up --napi` (here through $VANTAGE_LAB_NAPI, as a test run would):
    the router end of each host's veth has threaded NAPI and the host end
    TSO off, a thread at the keeper's nice carries a host's packets (its run
    time grows with a ping flood), and traceroute still sees the truth."""
    before = napi_threads()
    monkeypatch.setenv("VANTAGE_LAB_NAPI", "1")
    lab = lab_factory("small")
    new = {p: n for p, n in napi_threads().items() if p not in before}
    assert lab.exec("r1", ["cat", "/sys/class/net/e0/threaded"]).stdout.strip() == "1"
    assert "tcp-segmentation-offload: off" in lab.exec("vp1", ["ethtool", "-k", "e0"]).stdout
    assert "generic-receive-offload: on" in lab.exec("r1", ["ethtool", "-k", "e0"]).stdout
    # links between routers stay as they were (r1's e2: r1-r2)
    assert lab.exec("r1", ["cat", "/sys/class/net/e2/threaded"]).stdout.strip() == "0"
    # seven veth links between a host and a router (anc1's is emulated)
    assert len(new) >= 7 and set(new.values()) == {-10}, new
    t0 = {p: run_ns(p) for p in new}
    lab.exec("vp1", ["ping", "-q", "-f", "-c", "2000", lab.addr("far")])
    assert sum(run_ns(p) - t0[p] for p in new) > 0
    dst = str(ipaddress.ip_network(lab.anyip("dst", 4))[777])
    check_against_truth(traceroute(lab, "vp1", dst, 4, 33434), lab.truth("vp1", dst, af=4))
