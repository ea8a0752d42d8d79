"""Synthetic but realistic RIPE Atlas results for testing `vantage compare`.

Two probes in the same place measure the same targets every `step` seconds:
each ping result carries `packets` RTTs made of the target's base RTT, a
per-round queueing term both probes share (they sit on the same path), and
per-packet jitter of their own; a few packets are lost. Traceroutes carry a
per-target path (the first responder per hop). Options change side B: added
delay, RTTs rounded to a step (as a coarse clock would), extra loss, or a
share of rounds on another path. Output is RIPE Atlas's own JSON, one object
per line. Nothing here sends a packet."""
import json
import math
import random

TARGETS = [("198.18.1.1", 4.2), ("198.18.2.1", 18.7), ("198.18.3.1", 37.1),
           ("198.18.4.1", 81.9), ("198.18.5.1", 148.3)]


def _round(x, step):
    return round(x / step) * step if step else x


def ping_line(prb_id, src, dst, ts, rtts):
    got = [r for r in rtts if r is not None]
    res = [{"rtt": round(r, 3)} if r is not None else {"x": "*"} for r in rtts]
    return {"af": 4, "avg": round(sum(got) / len(got), 3) if got else -1,
            "dst_addr": dst, "dst_name": dst, "dup": 0, "from": src, "fw": 5080,
            "group_id": 1001, "lts": 17, "max": round(max(got), 3) if got else -1,
            "min": round(min(got), 3) if got else -1, "msm_id": 1001, "msm_name": "Ping",
            "mver": "2.6.2", "prb_id": prb_id, "proto": "ICMP", "rcvd": len(got),
            "result": res, "sent": len(rtts), "size": 48, "src_addr": src, "step": 240,
            "stored_timestamp": ts + 30, "timestamp": ts, "ttl": 55, "type": "ping"}


def trace_line(prb_id, src, dst, ts, hops, rtt):
    result = []
    for i, hop in enumerate(hops):
        last = i == len(hops) - 1
        replies = [{"from": hop, "rtt": round(rtt if last else rtt * (i + 1) / len(hops), 3), "size": 76,
                    "ttl": 64 - i} for _ in range(3)]
        result.append({"hop": i + 1, "result": replies})
    return {"af": 4, "dst_addr": dst, "dst_name": dst, "endtime": ts + 5, "from": src,
            "fw": 5080, "lts": 17, "msm_id": 5001, "msm_name": "Traceroute",
            "paris_id": 1, "prb_id": prb_id, "proto": "ICMP", "result": result, "size": 48,
            "src_addr": src, "timestamp": ts, "type": "traceroute"}


def generate(seed=1, rounds=300, step=240, packets=3, start=1700000000,
             delay_b=0.0, round_b=0.0, loss_b=0.0, path_change_b=0.0, traces=True):
    """Return (lines_a, lines_b): lists of JSON texts for probes 6001 and 6002."""
    shared = random.Random(seed)          # the path: both probes see it
    rng = {"a": random.Random(seed * 7 + 1), "b": random.Random(seed * 7 + 2)}
    out = {"a": [], "b": []}
    for k in range(rounds):
        t0 = start + k * step
        for ti, (dst, base) in enumerate(TARGETS):
            queue = shared.expovariate(1 / 0.4)
            for side, prb, src in (("a", 6001, "198.19.0.1"), ("b", 6002, "198.19.0.2")):
                r = rng[side]
                rtts = []
                for _ in range(packets):
                    lost = r.random() < 0.005 + (loss_b if side == "b" else 0)
                    v = base + queue + r.expovariate(1 / 0.15)
                    if side == "b":
                        v = _round(v + delay_b, round_b)
                    rtts.append(None if lost else v)
                ts = t0 + ti * 3 + r.randint(0, 20)
                out[side].append(json.dumps(ping_line(prb, src, dst, ts, rtts)))
                if traces and k % 4 == 0:
                    hops = [f"198.19.{ti}.{h}" for h in range(1, 6)] + [dst]
                    if side == "b" and r.random() < path_change_b:
                        hops[2] = f"198.19.99.{ti}"
                    rtt = base + queue + r.expovariate(1 / 0.15)
                    if side == "b":
                        rtt = _round(rtt + delay_b, round_b)
                    out[side].append(json.dumps(trace_line(prb, src, dst, ts + 60, hops, rtt)))
    return out["a"], out["b"]


def write(path, lines):
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    import sys
    a, b = generate(**{k: float(v) if "." in v else int(v)
                       for k, v in (x.split("=") for x in sys.argv[3:])})
    write(sys.argv[1], a)
    write(sys.argv[2], b)
