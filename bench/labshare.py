"""bench/labshare.py: what share of a process's CPU the lab's forwarding is
(issue 19), read from a `perf record -g -e cpu-clock` of that process.

On a lab a veth transmit runs the receiving namespace's whole input path in
the sender's softirq: the routers' forwarding, their ICMP answers, their
write into a TUN (waking the keeper) and the delivery of those answers back
to the host all run inside the sender's send system call and are charged to
it. On a real host the next router is another machine. `vantage lab up
--napi` moves that work to threaded NAPI's kernel threads (src/lab/napi.c);
this module measures what is left in the sender.

share(perf_data, comm) reads `perf script` and returns the sample counts:
all samples of comm, those in a send system call (sendmmsg, sendmsg,
sendto), and those in the network's receive softirq (net_rx_action, which
on a lab's host only the lab's devices raise: under the send call for the
probes, under write or read for the agent's TLS), split by what the lab did
there (a sample counts in the first class its call chain holds, in this
order):
  tun     the router before an emulated link or a synthetic Internet
          writing into the keeper's TUN and waking it
  icmp    a router answering (time exceeded, unreachable)
  deliver a host receiving a packet (its input path, the raw socket's
          queue and the wake-up of its reader)
  forward a router's route lookup and forwarding (ip_route_input, ip_forward,
          its output into the next veth)
  other   the rest of the softirq (the backlog's loop, ARP, freeing)
The namespace of a sample is not in its call chain; these classes stand in
for it (r1 answers TTL 1 and forwards everything further, r2 answers TTL 2
and forwards into the TUN).
"""
import subprocess

SEND = ("__sys_sendmmsg", "__sys_sendto", "__sys_sendmsg", "__x64_sys_sendto",
        "__x64_sys_sendmmsg", "__x64_sys_sendmsg")
NET_RX = ("net_rx_action",)
CLASSES = (
    ("tun", ("tun_net_xmit",)),
    ("icmp", ("__icmp_send", "icmp_send", "icmp6_send", "icmpv6_send")),
    ("deliver", ("ip_local_deliver", "ip_local_deliver_finish", "ip_protocol_deliver_rcu",
                 "ip6_input", "ip6_input_finish", "raw_local_deliver", "raw_rcv", "rawv6_rcv",
                 "icmp_rcv", "icmpv6_rcv", "sock_def_readable")),
    ("forward", ("ip_forward", "ip6_forward", "ip_rcv_finish_core", "ip_route_input_noref",
                 "ip_route_input_slow", "ip6_route_input", "ip_output", "ip6_output")),
)


def _chains(text):
    """(comm, [function names, leaf first]) of each sample of perf script text."""
    comm, syms = None, []
    for line in text.splitlines():
        if not line.strip():
            if comm is not None:
                yield comm, syms
            comm, syms = None, []
        elif not line[0].isspace():
            comm, syms = line.split()[0], []
        else:
            f = line.split()
            if len(f) >= 2:
                syms.append(f[1].split("+")[0])
    if comm is not None:
        yield comm, syms


def share(perf_data, comm=None):
    """Sample counts of perf_data (comm's samples only when given): total,
    send (in a send system call), lab (in the receive softirq) and each
    class of CLASSES. perf script must be on PATH."""
    text = subprocess.run(["perf", "script", "-i", str(perf_data), "-F", "comm,ip,sym"],
                          capture_output=True, text=True, timeout=600).stdout
    out = {"total": 0, "send": 0, "lab": 0, **{c: 0 for c, _ in CLASSES}, "other": 0}
    for c, syms in _chains(text):
        if comm and not c.startswith(comm[:15]):
            continue
        out["total"] += 1
        names = set(syms)
        out["send"] += bool(names.intersection(SEND))
        if not names.intersection(NET_RX):
            continue
        out["lab"] += 1
        out[next((k for k, fns in CLASSES if names.intersection(fns)), "other")] += 1
    return out


def describe(s):
    """One line: the shares of a share() result, in % of all samples."""
    t = s["total"] or 1
    parts = ", ".join("%s %.1f" % (k, s[k] * 100 / t)
                      for k in ("tun", "icmp", "forward", "deliver", "other"))
    return ("%.1f %% of %d samples in the lab's forwarding (%s);"
            " the send call in all: %.1f %%" % (s["lab"] * 100 / t, s["total"], parts,
                                              s["send"] * 100 / t))
