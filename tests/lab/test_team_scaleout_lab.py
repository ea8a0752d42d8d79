"""Team probing on the scaled-out platform (issues 13 and 14): a throwaway
PostgreSQL cluster (pg_lab.py), a 3-node NATS JetStream cluster (nats_lab.py)
and two store writers on the lab's ops host, two vantage-controller front-ends
there (ports 4443 and 4444) with results going through JetStream, and four
real vantage-agents behind r1, spread over the front-ends (each lists both,
with their pinned keys). One team cycle over the synthetic Internet's /24s:
the cycle is opened once in the shared store, each front-end hands chunks
only to its own agents, and front-end 1 is killed -9 mid-cycle: its agents
fail over to front-end 0, which sends them their unfinished chunks (as
repeats; an agent still working one keeps it). Members are gone after 5 s
here, yet neither front-end hands on the chunks of the agents connected to
the other (the store's open sessions say they are there), nor those of the
agents that moved. The cycle completes with every
/24 traced, no /24 traced twice except as a marked repeat, every result
stored once, counted by (agent, epoch, seq) against the agents' spools, and
the per-cycle export (team.results, by the results' cycle column) holds each
(chunk, target) once. Everything is removed at the end, also on failure."""
import ipaddress
import json
import os
import subprocess
import time

import pytest

from nats_lab import NatsCluster, nats_installed
from pg_lab import TempPostgres, pg_bin
from platform_lab import (BUILD, CONTROLLER, LAB_CONFIG, RUN_USER, VANTAGE, reachable_tempdir,
                          sanitizer_clean, wait_for)
from test_team_lab import AGENT, TOPOLOGY as _TOPOLOGY, slash24_of, slash24s

WRITER = BUILD / "src" / "cmd" / "vantage-writer"
MEMBERS = ("vp1", "vp2", "vp3", "vp4")
PORT = 4443

pytestmark = [pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces"),
              pytest.mark.skipif(pg_bin() is None, reason="PostgreSQL is not installed"),
              pytest.mark.skipif(not nats_installed(), reason="nats-server is not installed"),
              pytest.mark.skipif(not AGENT.exists(), reason="vantage-agent is not built")]

TOPOLOGY = _TOPOLOGY.replace("host vp3 role=probe\n", "host vp3 role=probe\nhost vp4 role=probe\n") \
    .replace("link vp3 r1\n", "link vp3 r1\nlink vp4 r1\n")


class ScaledOut:
    """PostgreSQL, NATS, writers and front-ends on the lab's ops host; close() removes all."""

    def __init__(self, lab):
        self.lab = lab
        self.d = reachable_tempdir("vpl-teamso-")
        self.procs = {}          # name: (Popen, log path)
        self.fps = {}
        self.nats = None
        self.pg = TempPostgres(RUN_USER, port=20000 + (os.getpid() + 13) % 20000)
        try:
            self.nats = NatsCluster(user=RUN_USER, netns=lab.ns("ops"), base_port=14222)
        except BaseException:
            self.close()
            raise

    def start(self, name, argv):
        log = self.d / f"{name}.log"
        f = open(log, "ab")
        p = self.lab.popen("ops" if not name.startswith("vp") else name, argv, stdout=f,
                           stderr=subprocess.STDOUT,
                           env={**os.environ, "ASAN_OPTIONS": "detect_leaks=1"})
        f.close()
        self.procs[name] = (p, log)
        return p

    def text(self, name):
        return self.procs[name][1].read_text(errors="replace")

    def start_frontend(self, k):
        name = f"fe{k}"
        before = self.text(name).count("listening on") if name in self.procs else 0
        self.start(name, [CONTROLLER, "--config", LAB_CONFIG, "--dir", self.d / name,
                          "--listen", self.lab.addr("ops"), "--port", PORT + k,
                          "--heartbeat", 1, "--no-reach-check", "--user", RUN_USER,
                          "--store", self.pg.url, "--frontend", name,
                          "--ingest", self.nats.urls])
        wait_for(lambda: self.text(name).count("listening on") > before or
                 self.procs[name][0].poll() is not None, 60, f"front-end {k} to listen")
        assert self.procs[name][0].poll() is None, self.text(name)[-3000:]
        self.fps[k] = self.text(name).split("fingerprint ")[1].split()[0].rstrip(",")

    def start_writer(self, i):
        self.start(f"writer{i}", [WRITER, "--nats", self.nats.urls, "--store", self.pg.url,
                                  "--ack-wait", 3, "--batch", 200])

    def admin(self, k, *args, ok=True):
        p = subprocess.run([str(VANTAGE), *map(str, args), "--admin",
                            str(self.d / f"fe{k}" / "admin.sock")],
                           capture_output=True, text=True, timeout=60)
        assert (p.returncode == 0) == ok, (args, p.stdout, p.stderr)
        return p.stdout

    def agent_conf(self, i, vp):
        """Agent i's config: both front-ends with their keys, from front-end (i - 1) mod 2 on."""
        (self.d / vp).mkdir(exist_ok=True)
        ops = self.lab.addr("ops")
        ctl = "".join(f"controller {ops}:{PORT + k} {self.fps[k]}\n"
                      for k in ((i - 1) % 2, i % 2))
        conf = self.d / vp / "agent.conf"
        conf.write_text(ctl + f"key {self.d}/{vp}/agent.key\nspool {self.d}/{vp}/spool\n"
                        "allow 198.18.0.0/15\nheartbeat 1\nbackoff_max 2\n"
                        "methods traceroute\npps 100\n")
        return conf

    def start_agent(self, vp):
        log = self.d / vp / "agent.log"
        f = open(log, "ab")
        self.procs[vp] = (self.lab.popen(vp, [AGENT, "--config", self.d / vp / "agent.conf"],
                                         stdout=f, stderr=subprocess.STDOUT), log)
        f.close()

    def stop(self, name):
        p = self.procs[name][0]
        p.terminate()
        p.wait(timeout=30)

    def kill9(self, name):
        p = self.procs[name][0]
        if p.poll() is None:
            p.kill()
        p.wait(timeout=10)

    def close(self):
        for name in list(self.procs):
            try:
                self.kill9(name)
            except Exception:
                pass
        if self.nats:
            self.nats.close()
        self.pg.close()
        subprocess.run(["rm", "-rf", str(self.d)])


def spool_next_seq(so, vp):
    names = sorted((so.d / vp / "spool").glob("*.seg"))
    return int(names[-1].stem) if names and names[-1].stat().st_size == 0 else None


def drained(so, vp):
    files = sorted((so.d / vp / "spool").glob("*.seg"))
    return len(files) == 1 and files[0].stat().st_size == 0


def team_rows(so, msm):
    """[(agent, epoch, seq, body)] of the team's results in PostgreSQL."""
    rows = so.pg.psql("vantage", f"SELECT agent_id, epoch, seq, body FROM results"
                                 f" WHERE msm_id = {msm}")
    return [(int(a), int(e), int(s), json.loads(b)) for a, e, s, b in rows]


def sessions(so):
    """{agent id: front-end} of the open sessions in the store."""
    return {int(a): f for a, f in so.pg.psql("vantage", "SELECT agent_id, frontend FROM sessions"
                                                        " WHERE disconnected IS NULL")}


def test_team_cycle_on_two_frontends_with_one_killed(lab_factory, tmp_path):
    conf = tmp_path / "team.conf"
    conf.write_text(TOPOLOGY)
    lab = lab_factory(str(conf), name="vts%04d" % (os.getpid() % 10000))
    so = ScaledOut(lab)
    try:
        so.start_frontend(0)
        so.start_frontend(1)
        so.start_writer(0)
        so.start_writer(1)
        agents = {}
        for i, vp in enumerate(MEMBERS, 1):
            conf = so.agent_conf(i, vp)
            afp = subprocess.run([str(AGENT), "--config", str(conf), "--fingerprint"],
                                 capture_output=True, text=True, check=True).stdout.strip()
            agents[vp] = int(so.admin(0, "agents", "add", afp, "--tags", "team", "--approve"))
            so.start_agent(vp)
        # vp1 and vp3 list front-end 0 first, vp2 and vp4 front-end 1. On a loaded
        # host a front-end can be silent for the agents' 3 s (heartbeat 1) and both
        # of its agents take the other (seen beside a CPU hog at load 20): what
        # counts is that both front-ends have agents, so those that list the empty
        # one first are restarted (an agent dials the first of its list at start)
        for attempt in range(4):
            wait_for(lambda: len(sessions(so)) == len(MEMBERS), 60, "every agent connected")
            empty = {"fe0", "fe1"} - set(sessions(so).values())
            if not empty:
                break
            assert attempt < 3, ("agents at one front-end only", sessions(so))
            print("no agent at %s (load %.1f): restarting its agents" % (empty,
                                                                         os.getloadavg()[0]))
            for i, vp in enumerate(MEMBERS, 1):
                if f"fe{(i - 1) % 2}" in empty:
                    so.stop(vp)
                    wait_for(lambda: agents[vp] not in sessions(so), 30, f"{vp}'s session to end")
                    so.start_agent(vp)
        table = lab.vantage("prefixes", "inet").stdout
        (so.d / "pfx2as.txt").write_text(table)
        os.chmod(so.d / "pfx2as.txt", 0o644)
        want = slash24s(table)
        assert "version 1" in so.admin(1, "prefixes", "load", so.d / "pfx2as.txt")
        # 25 probes/s each, so the cycle lasts long enough to kill a front-end in it;
        # members gone 5 s give their chunks back, but one connected to the other
        # front-end is not gone
        created = json.loads(so.admin(0, "team", "create", "ark", "--agents", "team", "--pps",
                                      25, "--cycle", "10s", "--chunk", 10, "--gone", "5s",
                                      "--json"))
        msm = created["msm_id"]
        # each front-end hands chunks to its own agents: results of all four arrive
        wait_for(lambda: {a for a, _, _, _ in team_rows(so, msm)} == set(agents.values()), 90,
                 "results of every member")
        # both front-ends tick the team; one opened cycle 1, the other hands out its chunks
        assert sum(so.text(f"fe{k}").count("team ark: cycle 1 started") for k in (0, 1)) == 1
        # each front-end sees the other's agents without a session of its own for
        # longer than --gone: it must not hand their chunks on (checked below)
        time.sleep(7)
        # kill -9 of front-end 1 mid-cycle: its agents move to front-end 0
        moved = {a for a, f in sessions(so).items() if f == "fe1"}
        assert moved, sessions(so)
        before = {(a, e, q) for a, e, q, _ in team_rows(so, msm)}
        st = json.loads(so.admin(0, "team", "status", "ark", "--json"))
        assert st["cycle"]["cycle"] == 1 and \
            st["total"]["done_chunks"] < st["total"]["chunks"], ("mid-cycle", st)
        so.kill9("fe1")
        wait_for(lambda: all(sessions(so).get(a) == "fe0" for a in moved), 60,
                 "the agents of front-end 1 to move to front-end 0")
        wait_for(lambda: json.loads(so.admin(0, "team", "status", "ark", "--json"))
                 ["cycle"]["cycle"] > 1, 180, "cycle 1 to complete at front-end 0")
        # the moved agents finished their chunks at front-end 0: each chunk they held
        # when front-end 1 died was sent to them again there (marked a repeat in the
        # store; an agent still working one keeps it), and none was handed on
        held = so.pg.psql("vantage", "SELECT holder, count(*), sum(repeat), sum(handed_on)"
                                     " FROM team_chunks WHERE cycle = 1 AND state = 2"
                                     " GROUP BY holder ORDER BY holder")
        print("cycle 1 chunks done (agent, chunks, sent again, handed on):", held)
        by_holder = {int(h): (int(n), int(r), int(o)) for h, n, r, o in held}
        assert set(by_holder) == set(agents.values()), by_holder
        assert all(o == 0 for _, _, o in by_holder.values()), by_holder
        for a in moved:
            assert by_holder[a][1] >= 1, (a, "its chunks sent again at fe0", by_holder)
        after_kill = {a for a, e, q, _ in team_rows(so, msm) if (a, e, q) not in before}
        assert moved <= after_kill, (moved, after_kill)
        print("results before the kill:", len(before), "members with results after it:",
              sorted(after_kill), "load %.1f" % os.getloadavg()[0])
        # stop the team; the agents finish the chunks they hold (of cycle 2), and
        # every result they made gets stored, once
        so.admin(0, "team", "stop", "ark")

        def stored_keys():
            return so.pg.psql("vantage", "SELECT agent_id, count(*), count(DISTINCT (epoch, seq)),"
                                         " min(seq), max(seq) FROM results GROUP BY agent_id")

        def all_stored():
            # no chunk is out any more (each CHUNK_DONE follows its results into the
            # spool), every spool is drained, and the store holds what they made
            out = so.pg.psql("vantage", "SELECT count(*) FROM team_chunks WHERE state = 1")
            if out != [["0"]] or not all(drained(so, vp) for vp in MEMBERS):
                return None
            made = {agents[vp]: spool_next_seq(so, vp) - 1 for vp in MEMBERS}
            rows = stored_keys()
            done = len(rows) == len(MEMBERS) and \
                all(int(r[1]) == made.get(int(r[0])) for r in rows)
            return made if done and all(drained(so, vp) for vp in MEMBERS) else None
        produced = wait_for(all_stored, 180, "the spools to drain and every result to be stored")
        for r in stored_keys():
            aid, n, distinct, lo, hi = map(int, r)
            assert (n, distinct, lo, hi) == (produced[aid],) * 2 + (1, produced[aid]), \
                ("each result of agent %d stored once" % aid, r, produced[aid])
        rows = team_rows(so, msm)
        one = [b for _, _, _, b in rows if b["cycle"] == 1]
        firsts = [slash24_of(b["dst_addr"]) for b in one if not b.get("repeat")]
        repeats = [b for b in one if b.get("repeat")]
        assert {slash24_of(b["dst_addr"]) for b in one} == want, "every /24 of cycle 1 traced"
        assert len(firsts) == len(set(firsts)), "no /24 traced twice except as a marked repeat"
        print("cycle 1: %d /24s, %d results, %d marked repeats" % (len(want), len(one),
                                                                    len(repeats)))
        st = json.loads(so.admin(0, "team", "status", "ark", "--json"))
        print("team status:", json.dumps(st))
        # the export of cycle 1 from the shared store: each (chunk, target) once
        out = so.d / "export"
        so.admin(0, "results", "export", "--team", "ark", "--cycle", 1, "-O", "json", "-o", out)
        pairs = []
        for f in sorted((out / "ark" / "cycle-000001").glob("agent-*.json.zst")):
            text = subprocess.run(["zstd", "-dc", str(f)], capture_output=True, text=True,
                                  check=True).stdout
            pairs += [(b["chunk"], b["dst_addr"]) for b in map(json.loads, text.splitlines())
                      if b["cycle"] == 1]
        assert len(pairs) == len(one) and {slash24_of(a) for _, a in pairs} == want
        assert len(pairs) == len(set(pairs)), "each (chunk, target) of the cycle once"
        for name in ("fe0", "writer0", "writer1"):
            assert sanitizer_clean(so.text(name)), name
        assert "ingest through JetStream" in so.text("fe0")
    finally:
        try:   # what each PostgreSQL connection does (a front-end waiting on a lock shows here)
            for r in so.pg.psql("vantage", "SELECT pid, application_name, state, wait_event_type,"
                                           " wait_event, left(query, 160) FROM pg_stat_activity"
                                           " WHERE datname = 'vantage'"):
                print("pg:", r)
        except Exception as e:
            print("pg_stat_activity:", e)
        for name in ("fe0", "fe1", "writer0", "writer1", *MEMBERS):
            if name in so.procs:
                print(f"--- {name}\n" + so.text(name)[-2500:])
        so.close()
