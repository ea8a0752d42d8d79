"""agents_lab: the real controller and real engine-backed agents on the lab
Internet (lab/topologies/small.conf), for the tests of timing telemetry, the
remote half of check-host and compare against the controller. The controller
runs on the lab's ops host and listens on its lab address; each agent runs on
a lab host with a config of its own. close() ends every process it started
(by its Popen handle) and removes its files, also after a failure; the lab
itself is taken down by the lab_factory fixture."""
import json
import subprocess

from platform_lab import (AGENT as TEST_AGENT, CONTROLLER, LAB_CONFIG, RUN_USER, VANTAGE,
                          reachable_tempdir, sanitizer_clean, wait_for)

AGENT = TEST_AGENT.parents[2] / "src" / "cmd" / "vantage-agent"


def firewall_rules(conf, fmt, agent=AGENT):
    """`vantage-agent --config conf --firewall fmt`: the rules conf implies (nft or text)."""
    p = subprocess.run([str(agent), "--config", str(conf), "--firewall", fmt],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    return p.stdout


def firewall_load(ns, rules, path):
    """Load the nft rules (text, written to path) in network namespace ns."""
    path.write_text(rules)
    subprocess.run(["ip", "netns", "exec", ns, "nft", "-f", str(path)], check=True,
                   capture_output=True, timeout=30)


def firewall_counters(ns):
    """{rule comment: packets} of the agent's table (inet vantage_agent) loaded in ns."""
    out = subprocess.run(["ip", "netns", "exec", ns, "nft", "-j", "list", "table", "inet",
                          "vantage_agent"], capture_output=True, text=True, check=True,
                         timeout=60).stdout
    counts = {}
    for item in json.loads(out)["nftables"]:
        rule = item.get("rule")
        if rule and "comment" in rule:
            n = sum(e["counter"]["packets"] for e in rule["expr"] if "counter" in e)
            counts[rule["comment"]] = counts.get(rule["comment"], 0) + n
    return counts


class AgentsLab:
    def __init__(self, lab):
        self.lab = lab
        self.dir = reachable_tempdir("vti-agents-")
        self.procs = []
        self.logs = {}
        self.ops = lab.addr("ops")
        log = self.dir / "ctl.log"
        self.ctl = self._start("ops", [CONTROLLER, "--config", LAB_CONFIG, "--dir", self.dir / "ctl",
                                       "--listen",
                                       self.ops, "--port", 4443, "--heartbeat", 1, "--user", RUN_USER], log)
        wait_for(lambda: "listening on" in log.read_text(), 20, "the controller to listen")
        self.fp = log.read_text().split("fingerprint ")[1].split()[0]

    def _start(self, host, argv, log):
        p = self.lab.popen(host, [str(a) for a in argv], stdout=open(log, "w"),
                           stderr=subprocess.STDOUT)
        self.procs.append(p)
        self.logs[p.pid] = log
        return p

    def admin(self, *args, check=True):
        p = subprocess.run([str(VANTAGE), *map(str, args), "--admin",
                            str(self.dir / "ctl" / "admin.sock")],
                           capture_output=True, text=True, timeout=60)
        if check:
            assert p.returncode == 0, p.stderr
        return p

    def admin_json(self, *args):
        return json.loads(self.admin(*args, "--json").stdout)

    def add_agent(self, host, role="probe", _address=None, agent=None, **settings):
        """Configure, register (at _address, default the host's lab address) and
        start an agent (program: agent, default the sanitized build's) on host;
        returns (id, Popen)."""
        agent = agent or AGENT
        d = self.dir / host
        d.mkdir()
        conf = {"controller": f"{self.ops}:4443", "controller_fingerprint": self.fp,
                "key": d / "agent.key", "spool": d / "spool", "role": role,
                "allow": "198.18.0.0/15", "heartbeat": 1, "backoff_max": 2, **settings}
        (d / "agent.conf").write_text("".join(f"{k} {v}\n" for k, v in conf.items()))
        fp = subprocess.run([str(agent), "--config", str(d / "agent.conf"), "--fingerprint"],
                            capture_output=True, text=True, check=True).stdout.strip()
        aid = int(self.admin("agents", "add", fp, "--role", role, "--org", "lab",
                             "--address", _address or self.lab.addr(host), "--approve").stdout.strip())
        log = self.dir / f"{host}.log"
        p = self._start(host, [agent, "--config", d / "agent.conf"], log)
        wait_for(lambda: "connected to the controller" in log.read_text(), 30,
                 f"the agent on {host} to connect")
        return aid, p

    def stop_all_clean(self):
        """SIGTERM every process (agents first); assert each ended cleanly and sanitizer-clean."""
        for p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
                assert p.wait(timeout=30) == 0, self.logs[p.pid].read_text()[-2000:]
            assert sanitizer_clean(self.logs[p.pid].read_text()), \
                self.logs[p.pid].read_text()[-3000:]

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
        subprocess.run(["rm", "-rf", str(self.dir)], check=False)
