"""The lab's link emulator carries a burst of 10,000 probes/s: on inet.conf
(three emulated links of 2, 8 and 15 ms each way between vp and target),
8,000 pings at --pps 10000 each cross all three links both ways, and no
emulated link drops one: the TUN devices' TX dropped counters (the kernel
drops there when the keeper reads too late, as it did at its old ring of
500) stay still, the keeper's queues never fill, every ping is answered and
no answer came back faster than the links' delay (50 ms there and back).
Safe on a loaded machine: the sizes hold 0.8 s of the keeper waiting for a
CPU (src/lab/keeper.c); a slower sender only makes the burst gentler."""
import json
import re
import subprocess

from conftest import BUILD, RELEASE_BUILD

PINGS = 8000
DELAY_RTT_MS = 2 * (2 + 8 + 15)


def prober():
    """The release vantage-probe when built (it keeps 10k/s best), else this build's vantage."""
    probe = RELEASE_BUILD / "src" / "cmd" / "vantage-probe"
    return [probe] if probe.exists() else [BUILD / "src" / "cmd" / "vantage"]


def tun_counters(lab):
    """{node/device: (TX packets, TX dropped, txqueuelen)} of every TUN device of the lab."""
    out = {}
    for node in lab.status()["nodes"]:
        show = subprocess.run(["ip", "-n", lab.ns(node["name"]), "-s", "-j", "link", "show"],
                              capture_output=True, text=True, check=True, timeout=30).stdout
        for l in json.loads(show):
            if l.get("link_type") == "none":
                tx = l["stats64"]["tx"]
                out["%s/%s" % (node["name"], l["ifname"])] = (tx["packets"], tx["dropped"],
                                                              l.get("txqlen"))
    return out


def test_emulated_links_carry_a_10k_burst(lab_factory, tmp_path):
    lab = lab_factory("inet")
    targets = tmp_path / "targets"
    targets.write_text("".join("198.19.%d.%d\n" % (i // 250, 1 + i % 250) for i in range(PINGS)))
    before = tun_counters(lab)
    assert len(before) == 6 and all(c[2] >= 8192 for c in before.values()), before
    p = lab.exec("vp", [*prober(), "ping", "--count", "1", "--pps", "10000", "--timeout", "3000",
                        "--stats", "-f", targets], timeout=120)
    after = tun_counters(lab)
    stats = p.stderr.strip().splitlines()[-1]
    print(stats)
    for dev in sorted(after):
        print("%-8s TX packets %6d, TX dropped %d" % (
            dev, after[dev][0] - before[dev][0], after[dev][1] - before[dev][1]))
    dropped = {d: after[d][1] - before[d][1] for d in after if after[d][1] != before[d][1]}
    keeper_log = open("/run/vantage-lab/%s/keeper.log" % lab.name).read()
    results = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    answered = [r for r in results if r.get("rcvd")]
    assert not dropped, "emulated links dropped under a 10k/s burst: %s (%s)" % (dropped, stats)
    assert "was full" not in keeper_log, keeper_log
    assert int(re.search(r"sent (\d+)", stats).group(1)) == PINGS, stats
    assert len(answered) == PINGS, "%d of %d pings answered (%s)" % (len(answered), PINGS, stats)
    rtts = sorted(r["min"] for r in answered)
    print("RTT ms: min %.1f, median %.1f, max %.1f" % (rtts[0], rtts[len(rtts) // 2], rtts[-1]))
    fastest = rtts[0]
    assert fastest >= DELAY_RTT_MS, "an answer in %.1f ms, under the links' %d ms" % (
        fastest, DELAY_RTT_MS)
