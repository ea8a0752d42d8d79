"""labpin: on a --napi lab (src/lab/napi.c), the tool measured runs on CPU 0
and the lab's NAPI threads on the other CPUs. A host's next router is
another machine; a NAPI thread at the lab's nice -10 woken on the tool's
CPU preempts the tool inside its send call (sendmmsg -> cond_resched ->
schedule: 13 % of the agent's samples at 100 probes/s), a cost of the lab,
not of the tool. $VANTAGE_BENCH_PIN=0 leaves both unpinned. Used by
bench/team/agent and bench/engine/run."""
import os
import pathlib


def napi_threads():
    """The pids of the kernel's napi/e* threads (src/lab/napi.c)."""
    pids = set()
    for d in pathlib.Path("/proc").iterdir():
        try:
            if d.name.isdigit() and (d / "comm").read_text().startswith("napi/e"):
                pids.add(int(d.name))
        except OSError:
            pass
    return pids


def pin_lab(threads):
    """Move threads (a lab's NAPI threads) off CPU 0. The CPU the tool gets
    (0), or None when there is no other CPU, no thread, or
    $VANTAGE_BENCH_PIN=0."""
    others = set(range(1, os.cpu_count() or 1))
    if not others or not threads or os.environ.get("VANTAGE_BENCH_PIN") == "0":
        return None
    for pid in threads:
        try:
            os.sched_setaffinity(pid, others)
        except OSError:
            pass
    return 0


def taskset(cpu):
    """The argv prefix that runs a command on cpu only ([] for None)."""
    return ["taskset", "-c", str(cpu)] if cpu is not None else []
