#!/usr/bin/python3
"""lab/demo_summary.py: the readable end of the platform demo (lab/demo-platform).

Reads the controller's results export (RIPE Atlas JSON) on stdin and prints
an RTT matrix (latest ping average from each agent to each target), the paths
the traceroutes saw with the lab's node names, each checked against the lab's
ground truth (`vantage lab truth`), and how many results were stored. With
--api it reads ping results one per line (`vantage measure ping`) and prints
one line per probe.

    vantage results export | lab/demo_summary.py VANTAGE AGENT_ID=NODE...
    vantage measure ping ... | lab/demo_summary.py --api VANTAGE AGENT_ID=NODE...
"""
import json
import subprocess
import sys


def lab_nodes(vantage):
    """Map every lab address to its node name, and each node to its first IPv4."""
    st = json.loads(subprocess.run([vantage, "lab", "status", "--json"], check=True,
                                   capture_output=True, text=True).stdout)
    names, first = {}, {}
    for n in st["nodes"]:
        for a in n.get("ipv4", []) + n.get("ipv6", []):
            names[a] = n["name"]
        if n.get("ipv4"):
            first[n["name"]] = n["ipv4"][0]
    return names, first


def truth(vantage, src, dst):
    """`vantage lab truth SRC DST --proto icmp` as a dict, or None."""
    p = subprocess.run([vantage, "lab", "truth", src, dst, "--proto", "icmp"],
                       capture_output=True, text=True)
    return json.loads(p.stdout) if p.returncode == 0 else None


def truth_hops(t):
    """The truth's hops as (set of answering addresses, all silent) pairs, or None."""
    if t is None:
        return None
    return [(set(a for r in h["routers"] for a in r["addrs"]),
             all(r["silent"] for r in h["routers"])) for h in t["hops"]]


def name_anyip(vantage, results, names):
    """Name the measured addresses no interface holds (AnyIP) after the host
    answering them; returns the "name = address" notes to print."""
    notes = []
    for r in results:
        a = r.get("dst_addr")
        if a and a not in names:
            t = truth(vantage, "ops", a)
            names[a] = t["dst"] if t else a
            notes.append("%s = %s" % (names[a], a))
    return notes


def seen_hops(result):
    """The addresses that answered at each hop of a RIPE Atlas traceroute result."""
    return [sorted({x["from"] for x in h.get("result", []) if "from" in x})
            for h in result.get("result", [])]


def verdict(seen, truth):
    """'matches the lab's truth' or what differs, hop by hop."""
    if truth is None:
        return "no ground truth"
    if len(seen) != len(truth):
        return "%d hops, the truth has %d" % (len(seen), len(truth))
    for ttl, (got, (want, silent)) in enumerate(zip(seen, truth), 1):
        if (not got and not silent) or any(a not in want for a in got):
            return "hop %d differs from the truth" % ttl
    return "matches the lab's truth"


def rtt_matrix(pings, agent_name, addr_name):
    """Print the latest average RTT from each agent to each ping target."""
    rows = {}
    for r in sorted(pings, key=lambda r: r.get("timestamp", 0)):
        rows[(agent_name(r), addr_name.get(r["dst_addr"], r["dst_addr"]))] = r.get("avg")
    targets = sorted({t for _, t in rows})
    print("RTT matrix (ms, average of the latest ping; '-' not measured):")
    print("  %-6s" % "from" + "".join("%10s" % t for t in targets))
    for frm in sorted({f for f, _ in rows}):
        cells = [rows.get((frm, t)) for t in targets]
        print("  %-6s" % frm + "".join("%10s" % ("-" if c in (None, -1) else "%.2f" % c)
                                       for c in cells))


def paths(vantage, traces, agent_name, addr_name):
    """Print each traceroute's path by node names beside the truth's verdict."""
    print("paths seen (node names from the lab; * no answer):")
    latest = {}
    for r in sorted(traces, key=lambda r: r.get("timestamp", 0)):
        latest[(agent_name(r), r["dst_addr"])] = r
    for (frm, dst), r in sorted(latest.items()):
        seen = seen_hops(r)
        names = ["/".join(addr_name.get(a, a) for a in h) if h else "*" for h in seen]
        print("  %-5s -> %-5s %-26s %s" % (frm, addr_name.get(dst, dst), " ".join(names),
                                            verdict(seen, truth_hops(truth(vantage, frm, dst)))))


def api_pings(lines, ids):
    """Print one line per probe of RIPE Atlas ping results given one a line."""
    for line in lines:
        r = json.loads(line)
        avg = r.get("avg", -1)
        print("  measurement %s, probe %s (%s): %s sent, %s received, avg %s ms" % (
            r["msm_id"], r["prb_id"], ids.get(str(r["prb_id"]), "?"), r["sent"], r["rcvd"],
            "-" if avg in (None, -1) else "%.2f" % avg))


def main():
    api = sys.argv[1] == "--api"
    vantage = sys.argv[1 + api]
    ids = dict(a.split("=") for a in sys.argv[2 + api:])
    if api:
        api_pings(sys.stdin, ids)
        return
    addr_name, _ = lab_nodes(vantage)
    results = json.load(sys.stdin)
    notes = name_anyip(vantage, results, addr_name)

    def agent_name(r):
        return ids.get(str(r.get("vantage_agent", r.get("prb_id"))), str(r.get("prb_id")))

    rtt_matrix([r for r in results if r.get("type") == "ping"], agent_name, addr_name)
    if notes:
        print("  (%s, an AnyIP address)" % "; ".join(notes))
    print()
    paths(vantage, [r for r in results if r.get("type") == "traceroute"], agent_name, addr_name)
    print()
    print("%d results stored" % len(results))
    if not results:
        sys.exit("demo: no result was stored: the agents did not measure (see their logs)")


if __name__ == "__main__":
    main()
