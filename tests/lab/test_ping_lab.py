"""vantage ping on the lab: every method on IPv4 and IPv6 gets its replies
with kernel timestamps; our RTTs agree with the wire: against a capture on
the vantage point's own interface (nanosecond kernel stamps: our own ring
reader, and tcpdump itself) within 2 us
(median and p90 printed) and far closer than scamper's on the same capture;
against the far end of the wire (the router's receive stamp of each probe)
never shorter and longer by the device tap's cost (printed); late replies are kept and marked; one pps budget paces
a list of targets at 100, 1,000 and 10,000/s within 2 % and without bursts
(from a capture); without CAP_NET_RAW the message names the
capability and the setcap line; vantage-probe measures the same without
OpenSSL or SQLite mapped.
"""
import ipaddress
import json
import os
import re
import resource
import signal
import statistics
import struct
import subprocess
import time

import pytest

from conftest import RELEASE_BUILD, VANTAGE

# `vantage ping` exists once the packet codec (src/net) is in the build.
if subprocess.run([str(VANTAGE), "ping", "--help"], capture_output=True).returncode != 0:
    pytest.skip("vantage ping is not in this build", allow_module_level=True)

METHODS = ["icmp-echo", "udp", "tcp-syn", "tcp-ack"]


def ping(lab, host, *args, check=True, timeout=120):
    """Run vantage ping in host; returns (list of JSON results, process)."""
    p = lab.exec(host, [str(VANTAGE), "ping", *args], check=False, timeout=timeout)
    if check:
        assert p.returncode == 0, p.stderr
    return [json.loads(line) for line in p.stdout.splitlines() if line.strip()], p


def target(lab, af):
    return lab.truth("vp1", "dst", af=af)["dst_addr"]


@pytest.mark.parametrize("af", [4, 6])
@pytest.mark.parametrize("method", METHODS)
def test_ping_methods(small_lab, method, af):
    dst = target(small_lab, af)
    res, _ = ping(small_lab, "vp1", "--method", method, "--count", "4",
                  "--interval", "50", "-%d" % af, dst)
    r = res[0]
    assert r["sent"] == 4 and r["rcvd"] == 4 and r["dup"] == 0, r
    assert r["ts_source"] == "kernel"
    assert 1.5 < r["min"] <= r["avg"] <= r["max"] < 50  # two 1 ms links each way


def echo_times(frames, af):
    """{(type, seq): wire time ns} of ICMP(v6) echo requests and replies."""
    out = {}
    for ts, etype, ip in frames:
        if af == 4 and etype == 0x0800 and ip[9] == 1:
            icmp = ip[(ip[0] & 15) * 4:]
            kind = {8: "req", 0: "rep"}.get(icmp[0])
        elif af == 6 and etype == 0x86dd and ip[6] == 58:
            icmp = ip[40:]
            kind = {128: "req", 129: "rep"}.get(icmp[0])
        else:
            continue
        if kind:
            out.setdefault((kind, struct.unpack("!H", icmp[6:8])[0]), ts)
    return out


# A capture on the interface that reads each frame's kernel timestamp: a
# TPACKET_V3 ring with PACKET_TIMESTAMP = software, so a frame carries the
# stamp the kernel put on it (receive: the same stamp our socket gets;
# transmit: the moment the capture tapped it, before the driver). tcpdump's
# "host" stamps on a veth are read later (when the frame reaches the packet
# socket), and veth offers no adapter_unsynced.
WIRECAP = r'''
import mmap, select, signal, socket, struct, sys
SOL_PACKET, PACKET_VERSION, TPACKET_V3, PACKET_RX_RING, PACKET_TIMESTAMP = 263, 10, 2, 5, 17
BS, BN = 1 << 14, 1024  # a block retires every 5 ms: 1024 of them hold 5 s unread
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.setsockopt(SOL_PACKET, PACKET_VERSION, TPACKET_V3)
s.setsockopt(SOL_PACKET, PACKET_TIMESTAMP, 1 << 4)  # SOF_TIMESTAMPING_SOFTWARE: use skb stamps
s.setsockopt(SOL_PACKET, PACKET_RX_RING, struct.pack("7I", BS, BN, 2048, BS * BN // 2048, 5, 0, 0))
if sys.argv[3:] == ["in"]:
    s.setsockopt(SOL_PACKET, 23, 1)  # PACKET_IGNORE_OUTGOING: no tap on transmit
s.bind((sys.argv[1], 0))
ring = mmap.mmap(s.fileno(), BS * BN, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
stop = []
signal.signal(signal.SIGINT, lambda *a: stop.append(1))
out = open(sys.argv[2], "w")
print("ready", flush=True)
blk = 0
idle = 0
while idle < 3:
    base = blk * BS
    status = struct.unpack_from("I", ring, base + 8)[0]
    if not status & 1:
        if stop:
            idle += 1
        try:
            select.select([s], [], [], 0.05)
        except InterruptedError:
            pass
        continue
    idle = 0
    n, first = struct.unpack_from("II", ring, base + 12)
    off = base + first
    for _ in range(n):
        nxt, sec, nsec, snap, _len, st, mac = struct.unpack_from("IIIIIIH", ring, off)
        out.write("%d %s\n" % (sec * 10**9 + nsec, ring[off + mac:off + mac + min(snap, 200)].hex()))
        off += nxt
    struct.pack_into("I", ring, base + 8, 0)
    blk = (blk + 1) % BN
out.close()
'''


class Capture:
    """Frames with kernel timestamps on an interface of a host (e0 by default);
    incoming frames only when inbound_only (the capture then adds no work to
    the transmit path)."""

    def __init__(self, lab, host, path, iface="e0", inbound_only=False):
        self.path = path
        argv = ["/usr/bin/python3", "-c", WIRECAP, iface, str(path)]
        self.p = lab.popen(host, argv + (["in"] if inbound_only else []),
                           stdout=subprocess.PIPE, text=True)
        assert self.p.stdout.readline().strip() == "ready"

    def stop(self):
        """Stop; returns [(ns, ethertype, ip bytes)]."""
        time.sleep(0.3)
        self.p.send_signal(signal.SIGINT)
        self.p.wait(timeout=20)
        out = []
        for line in open(self.path):
            ts, hexdata = line.split()
            frame = bytes.fromhex(hexdata)
            if len(frame) > 14:
                out.append((int(ts), struct.unpack("!H", frame[12:14])[0], frame[14:]))
        return out


class Tcpdump:
    """tcpdump itself on e0 of a host, nanosecond host stamps (the issue's
    reference), read back from its pcap file."""

    def __init__(self, lab, host, path):
        self.path = path
        # --immediate-mode: every frame is handed over as it comes; without
        # it frames wait in a ring block until it fills or times out, and
        # the last ones were lost at the SIGINT when the host was busy
        self.p = lab.popen(host, ["tcpdump", "-i", "e0", "-j", "host", "-U", "--immediate-mode",
                                  "-w", str(path), "--time-stamp-precision=nano"],
                           stderr=subprocess.PIPE, text=True)
        line = self.p.stderr.readline()
        assert "listening on" in line, line

    def stop(self):
        """Stop; returns [(ns, ethertype, ip bytes)]."""
        time.sleep(0.3)
        self.p.send_signal(signal.SIGINT)
        self.p.wait(timeout=20)
        data = open(self.path, "rb").read()
        assert struct.unpack("<I", data[:4])[0] == 0xa1b23c4d  # nanosecond pcap
        out, off = [], 24
        while off + 16 <= len(data):
            sec, nsec, incl, _ = struct.unpack("<IIII", data[off:off + 16])
            frame = data[off + 16:off + 16 + incl]
            off += 16 + incl
            if len(frame) > 14:
                out.append((sec * 10**9 + nsec, struct.unpack("!H", frame[12:14])[0],
                            frame[14:]))
        return out


CAPTURES = {"ring": Capture, "tcpdump": Tcpdump}


def scamper_wire_diff(lab, tmp_path, af, dst, kind):
    """Median |scamper's RTT - wire RTT| of 40 pings, on the same kind of capture."""
    cap = CAPTURES[kind](lab, "vp1", tmp_path / "cap-scamper.txt")
    try:
        p = lab.exec("vp1", ["scamper", "-O", "json", "-c", "ping -c 40 -i 0.02", "-i", dst],
                     timeout=60)
    finally:
        frames = cap.stop()
    wire = echo_times(frames, af)
    ping = [json.loads(line) for line in p.stdout.splitlines() if '"ping"' in line][0]
    diffs = [abs(r["rtt"] * 1e6 - (wire[("rep", r["seq"])] - wire[("req", r["seq"])]))
             for r in ping["responses"] if ("rep", r["seq"]) in wire]
    assert len(diffs) >= 30
    return statistics.median(diffs)


@pytest.mark.parametrize("kind", ["ring", "tcpdump"])
@pytest.mark.parametrize("af", [4, 6])
def test_rtt_matches_wire(small_lab, tmp_path, af, kind):
    dst = target(small_lab, af)
    cap = CAPTURES[kind](small_lab, "vp1", tmp_path / "cap.txt")
    try:
        res, _ = ping(small_lab, "vp1", "--count", "40", "--interval", "20",
                      "-%d" % af, dst)
    finally:
        frames = cap.stop()
    wire = echo_times(frames, af)
    r = res[0]
    assert r["rcvd"] == 40 and r["ts_source"] == "kernel"
    signed = [e["rtt"] * 1e6 - (wire[("rep", seq)] - wire[("req", seq)])
              for seq, e in enumerate(r["result"])]
    diffs = sorted(abs(d) for d in signed)
    med = statistics.median(diffs)
    peer = scamper_wire_diff(small_lab, tmp_path, af, dst, kind)
    print("|RTT - wire RTT (%s capture)| over 40 probes: vantage median %.0f ns, p90 %.0f ns, "
          "signed median %+.0f ns; scamper median %.0f ns"
          % (kind, med, diffs[35], statistics.median(signed), peer))
    assert med < peer
    # Our transmit stamp is the device tap's (engine/txtap.h), the instant a
    # capture stamps the probe; receive stamps are the same skb stamp too.
    assert med <= 2000, diffs


def facing(lab, router, host, af):
    """The interface of router on the link to host."""
    addr = ipaddress.ip_address(lab.addr(host, af))
    out = lab.exec(router, ["ip", "-o", "-%d" % af, "addr", "show"]).stdout
    for line in out.splitlines():
        f = line.split()
        if ipaddress.ip_interface(f[3]).network.__contains__(addr) and f[1] != "lo":
            return f[1]
    raise AssertionError("no link from %s to %s" % (router, host))


@pytest.mark.parametrize("af", [4, 6])
def test_rtt_matches_far_end_wire(small_lab, tmp_path, af):
    # The wire of a veth pair ends where the peer takes the frame in: the
    # probe's wire time is when r1 receives it, the reply's when vp1 does
    # (both kernel receive stamps on one clock; the capture on vp1 takes
    # incoming frames only, so it adds nothing to the transmit path). Our
    # transmit stamp is taken at the device tap, before the tap's own copy
    # and the driver: our RTT reads longer than this wire by what the tap
    # costs (1-2 us warm, 9-15 us when probes are 20 ms apart on the lab
    # VM, measured), never shorter.
    dst = target(small_lab, af)
    near = Capture(small_lab, "vp1", tmp_path / "vp1.txt", inbound_only=True)
    far = Capture(small_lab, "r1", tmp_path / "r1.txt", facing(small_lab, "r1", "vp1", af))
    try:
        res, _ = ping(small_lab, "vp1", "--count", "40", "--interval", "20", "-%d" % af, dst)
    finally:
        replies, probes = echo_times(near.stop(), af), echo_times(far.stop(), af)
    r = res[0]
    assert r["rcvd"] == 40 and r["ts_source"] == "kernel"
    diffs = sorted(e["rtt"] * 1e6 - (replies[("rep", seq)] - probes[("req", seq)])
                   for seq, e in enumerate(r["result"]))
    med = statistics.median(diffs)
    print("our RTT - wire RTT (far-end arrival): median %+.0f ns, min %+.0f, max %+.0f"
          % (med, diffs[0], diffs[-1]))
    # Longer by the tap's cost (9-15 us median here when probes are 20 ms
    # apart, under load), never shorter; user-space stamps read 40-50 us
    # long (scamper's, on the near-end test).
    assert diffs[0] >= 0 and med <= 30000, diffs


# rate: (targets, probes per target, interval ms): a second of probes, five
# at 100/s: a turn of four probes at each end of a run shifts its
# first-to-last rate by (4 - 1) / probes, 3 % of 100 probes, 0.6 % of 500
SMOOTH = {100: (500, 1, 1000), 1000: (1000, 1, 1000), 3000: (1000, 3, 200),
          10000: (1000, 5, 50)}
SMOOTH_TURN = {100: 4, 1000: 8, 3000: 8, 10000: 10}  # probes a turn (pacer.h)


def most_in_window(times, width):
    """The most send times (ns, sorted) any window of `width` ns holds."""
    most, j = 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - width:
            j += 1
        most = max(most, i - j + 1)
    return most


@pytest.mark.parametrize("pps", sorted(SMOOTH))
def test_pps_budget_is_smooth(small_lab, tmp_path, pps):
    """One budget over many targets, measured from a capture: the rate is
    met within 2 % and it comes without bursts. The engine sends in turns
    (four probes at 100/s, eight at 1,000/s, ten at 10,000/s when it wakes
    on time); a turn that wakes late (a loaded machine) sends what the budget
    earned meanwhile, never more than its bucket (20 ms, at least ten
    probes), and the next turn
    waits half as long as those probes took to earn: so no stretch of
    W = max(20 ms, 10 probe gaps) on the wire holds more than twice its
    share plus the bucket, however late the wake-ups (on time: its share). Budget the engine could not use
    because it was kept off the CPU it counts (--stats, pacer_lost in
    engine/pacer.h): longer than its bucket, a last turn that woke or sent
    late (no turn after it catches up), a ping's timer run late (its probe
    was ready when the timer was due): the rate is met within 2 % together
    with that count. While probes wait for their turn, replies are read at
    the turns, not as they come (engine_int.h): their RTTs are still
    kernel receive minus kernel transmit stamps, equal to the wire's (a
    stamp taken when the turn reads the reply would be late by up to a
    turn, 1 to 40 ms). At 100/s each turn wakes the loop once (voluntary
    context switches of the run, from the kernel's rusage: no tracer
    attached), not a second time a millisecond or two early."""
    ntargets, count, interval = SMOOTH[pps]
    prefix = small_lab.anyip("dst")           # e.g. 198.18.128.0/22
    net = ipaddress.ip_network(prefix)
    targets = [str(net.network_address + i) for i in range(1, ntargets + 1)]
    lst = tmp_path / "targets"
    lst.write_text("\n".join(targets) + "\n")
    # resolve the next hop first: a probe held for ARP leaves late, right
    # before the next one, and that is the neighbour table, not our pacing
    small_lab.exec("vp1", ["ping", "-c1", "-W2", targets[0]], check=False)
    cap = Capture(small_lab, "vp1", tmp_path / "cap.txt")
    try:
        # the release build: pacing is timing, and the sanitizers' cost is not ours
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_nvcsw
        p = small_lab.exec("vp1", [str(RELEASE_BUILD / "src" / "cmd" / "vantage"), "ping",
                                   "--count", str(count), "--interval", str(interval),
                                   "--pps", str(pps), "--stats", "-f", str(lst)], timeout=120)
        woken = resource.getrusage(resource.RUSAGE_CHILDREN).ru_nvcsw - before
        res = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    finally:
        frames = cap.stop()
    assert len(res) == ntargets  # replies: the lab's routers are not under test
    sends = sorted(ts for ts, etype, ip in frames
                   if etype == 0x0800 and ip[9] == 1 and ip[(ip[0] & 15) * 4] == 8)
    n = ntargets * count
    assert len(sends) == n
    span = (sends[-1] - sends[0]) / 1e9
    gap = 1e9 / pps
    width = max(20e6, 10 * gap)
    most = most_in_window(sends, width)
    lost = int(re.search(r"(\d+) probes of budget lost to late wake-ups", p.stderr).group(1))
    print(p.stderr.strip().splitlines()[-1])
    gaps = sorted(b - a for a, b in zip(sends, sends[1:]))
    print("%d/s: %.0f probes/s on the wire, %d of budget lost to late wake-ups, at most %d "
          "in %.0f ms, median gap %.0f us" % (pps, (n - 1) / span, lost, most, width / 1e6,
                                              gaps[len(gaps) // 2] / 1e3))
    assert abs((n - 1 + lost) / span - pps) <= 0.02 * pps, ((n - 1) / span, lost)
    # each turn wakes the loop once (a late turn takes more probes: fewer),
    # plus a few at the start and end. A turn's wait on libevent's timer,
    # which libevent measures on the kernel's coarse clock (engine_send.c),
    # woke it a second time before about one turn in two: 153-216 for these
    # 500 probes at load 3-6 (5 runs); with every turn on the pump's timerfd
    # 127-135 in 27 runs, 20 of them beside a CPU hog at load 8-11, 133-146 on
    # the merged main (146 at load 3-4 beside lab tests: the first bound,
    # turns + 15, failed it). Beside the hog the old way's late turns took
    # more probes and it stayed under 1.3 a turn twice in 3 runs (104, 146):
    # the bound is a ceiling, not a proof
    turns = n / SMOOTH_TURN[pps]
    print("%d/s: %d voluntary context switches for %d probes, %.2f a turn of %d"
          % (pps, woken, n, woken / turns, SMOOTH_TURN[pps]))
    if pps == 100:  # the faster runs are a second long: too few turns to tell
        assert woken <= 1.3 * turns, woken
    bucket = max(10, pps // 50)
    assert most <= 1.05 * 2 * pps * width / 1e9 + bucket, most  # 5 %: the wire's jitter
    at_turns = int(re.search(r"read at pump turns (\d+)", p.stderr).group(1))
    diffs = wire_rtt_diffs(frames, res)
    print("%d/s: %d of %d packets read at pump turns; |RTT - wire RTT| of %d replies: "
          "median %.0f ns, p90 %.0f ns" % (pps, at_turns, n, len(diffs),
                                           statistics.median(diffs), diffs[len(diffs) * 9 // 10]))
    # at 10,000/s the queue runs empty now and then (2,651 of 5,000 read at
    # turns once beside a CPU hog): the rest were read as they came. A stamp
    # taken at the read would be off by 0.1 to 40 ms for each reply read at
    # a turn (measured with it forced: median 2.9 ms at 1,000/s)
    # replies: the lab's routers are not under test (2,686 of 5,000 came
    # back once at 10,000/s beside a CPU hog: its emulated link's queue)
    assert at_turns >= n // 5 and len(diffs) >= n // 5
    off = sum(1 for d in diffs if d > 100000)
    assert statistics.median(diffs) <= 2000 and off <= at_turns // 10, (off, diffs)


def wire_rtt_diffs(frames, res):
    """Sorted |our RTT - wire RTT| (ns) of each IPv4 echo reply of res (the
    JSON results of a ping of many targets) found in the capture frames."""
    req, rep = {}, {}
    for ts, etype, ip in frames:
        if etype != 0x0800 or ip[9] != 1:
            continue
        icmp = ip[(ip[0] & 15) * 4:]
        seq = struct.unpack("!H", icmp[6:8])[0]
        if icmp[0] == 8:
            req.setdefault((ipaddress.ip_address(ip[16:20]), seq), ts)
        elif icmp[0] == 0:
            rep.setdefault((ipaddress.ip_address(ip[12:16]), seq), ts)
    diffs = []
    for r in res:
        dst = ipaddress.ip_address(r["dst_addr"])
        for seq, e in enumerate(r["result"]):
            key = (dst, seq)
            if "rtt" in e and key in req and key in rep:
                diffs.append(abs(e["rtt"] * 1e6 - (rep[key] - req[key])))
    return sorted(diffs)


def test_without_cap_net_raw(small_lab):
    p = subprocess.run(["capsh", "--drop=cap_net_raw", "--", "-c",
                        "%s ping 127.0.0.1" % VANTAGE],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 2
    assert "CAP_NET_RAW" in p.stderr
    assert "setcap cap_net_raw+ep " in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1


def test_bad_options_named():
    for opt, val in (("--count", "0"), ("--ttl", "256"), ("--interval", "soon"),
                     ("--method", "smoke"), ("--port", "70000")):
        p = subprocess.run([str(VANTAGE), "ping", opt, val, "127.0.0.1"],
                           capture_output=True, text=True, timeout=30)
        assert p.returncode == 2
        assert p.stderr.startswith("vantage ping: %s" % opt), p.stderr


def test_late_replies_recorded(small_lab):
    # anc1 sits behind a 5 ms link: with a 2 ms timeout every reply is late.
    # Late replies are kept and marked late, never lost or given to another
    # probe; the last probe's reply comes after the ping's last timeout, in
    # the grace period the ping listens for late replies (1 s, ping_do.c),
    # so it is recorded too and nothing is left unmatched.
    anc1 = small_lab.addr("anc1")
    res, p = ping(small_lab, "vp1", "--count", "4", "--interval", "50", "--timeout", "2",
                  "--stats", anc1)
    r = res[0]
    late = [x for x in r["result"] if "late" in x]
    assert len(late) == 4, r["result"]
    assert all(x["rtt"] > 9.0 for x in late)
    assert "0 dup, 4 late), unmatched 0" in p.stderr, p.stderr


def test_capabilities_dropped_while_measuring(small_lab):
    # The raw sockets are opened first, then every capability goes. The status
    # is read while the ping still runs, as soon as the drop shows (a sanitized
    # build on a loaded host took 0.6 s to get there): a process that kept a
    # capability while it measures fails after the ping ends.
    p = small_lab.popen("vp1", [str(VANTAGE), "ping", "--count", "8", "--interval", "400",
                                "127.0.0.1"], stdout=subprocess.PIPE, text=True)
    dropped = lambda st: "NoNewPrivs:\t1" in st and "CapEff:\t0000000000000000" in st  # noqa: E731
    status = ""
    try:
        while p.poll() is None and not dropped(status):
            time.sleep(0.05)
            try:
                status = open("/proc/%d/status" % p.pid).read()
            except FileNotFoundError:
                break
    finally:
        out, _ = p.communicate(timeout=30)
    caps = dict(line.split(":\t") for line in status.splitlines() if line.startswith("Cap"))
    assert caps and int(caps["CapEff"], 16) == 0 and int(caps["CapPrm"], 16) == 0, caps
    assert "NoNewPrivs:\t1" in status
    assert json.loads(out)["rcvd"] == 8


def test_probe_program_maps_no_tls_or_sql(small_lab):
    # vantage-probe runs the same ping and trace without OpenSSL or SQLite
    # in its address space (the memory a vantage point spends per process).
    probe = VANTAGE.parent / "vantage-probe"
    dst = target(small_lab, 4)
    p = small_lab.popen("vp1", [str(probe), "ping", "--count", "3", "--interval", "400", dst],
                        stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(0.4)
        maps = open("/proc/%d/maps" % p.pid).read()
    finally:
        out, _ = p.communicate(timeout=30)
    assert p.returncode == 0
    assert not [lib for lib in ("libcrypto", "libssl", "libsqlite3") if lib in maps], maps
    r = json.loads(out)
    assert r["rcvd"] == 3 and r["ts_source"] == "kernel", r
    tr = small_lab.exec("vp1", [str(probe), "trace", "--method", "icmp-paris", dst]).stdout
    ref = small_lab.exec("vp1", [str(VANTAGE), "trace", "--method", "icmp-paris", dst]).stdout
    hops = lambda text: [[x.get("from") for x in h["result"]] for h in json.loads(text)["result"]]
    assert hops(tr) == hops(ref)
