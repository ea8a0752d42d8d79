"""Names in the reverse DNS (issue 17): the controller names every vantage
point by the naming convention, `vantage agents names --zone` prints the
forward (A, AAAA) and reverse (PTR) records, Debian's nsd serves them inside
the lab (labdns.py) and a resolver on another lab host finds every vantage
point's address from its name and its name from each address; the API's
probe object carries the same name as "fqdn". Collisions (one address or
one name for two vantage points) fail the command with the reason, no zone.
The vantage points are registered with their lab addresses; they need not
run for their names, so the test takes seconds."""
import json
import subprocess

import pytest

from labdns import LabDNS, split_zones
from platform_lab import CONTROLLER, LAB_CONFIG, RUN_USER, VANTAGE, reachable_tempdir, wait_for

ZONE = "vp.example.net"
AGENT_BIN = VANTAGE.parent / "vantage-agent"
SITES = [("vp1", "probe", "NL", 64500), ("vp2", "probe", "DE", 64500),
         ("anc1", "anchor", "NL", 64500), ("anc2", "anchor", "FR", 64502)]

pytestmark = pytest.mark.skipif(not subprocess.run(["which", "dig"], capture_output=True).stdout,
                                reason="dig (bind9-dnsutils) is not installed: ./run deps")


class Names:
    """A controller on the lab's ops host, its API there, names in ZONE."""

    def __init__(self, lab):
        self.lab, self.dir, self.proc = lab, reachable_tempdir("vti-names-"), None
        self.ops = lab.addr("ops")
        self.log = self.dir / "ctl.log"
        argv = [CONTROLLER, "--config", LAB_CONFIG, "--dir", self.dir / "ctl", "--listen",
                self.ops, "--api", "%s:8443" % self.ops, "--dns-zone", ZONE, "--user", RUN_USER]
        self.proc = lab.popen("ops", [str(a) for a in argv], stdout=open(self.log, "w"),
                              stderr=subprocess.STDOUT)
        wait_for(lambda: "API on" in self.log.read_text(), 30, "the controller's API")
        self.fp = self.log.read_text().split("fingerprint ")[1].split()[0]

    def admin(self, *args):
        return subprocess.run([str(VANTAGE), *map(str, args), "--admin", self.dir / "ctl" / "admin.sock"],
                              capture_output=True, text=True, timeout=60)

    def register(self, host, role, country, asn, address=None, address6=None):
        d = self.dir / ("a-%s-%d" % (host, len(list(self.dir.iterdir()))))
        d.mkdir()
        (d / "agent.conf").write_text("controller %s:4443\ncontroller_fingerprint %s\nkey %s\n"
                                      "spool %s\nrole %s\n"
                                      % (self.ops, self.fp, d / "agent.key", d / "spool", role))
        fp = subprocess.run([str(AGENT_BIN), "--config", str(d / "agent.conf"), "--fingerprint"],
                            capture_output=True, text=True, check=True).stdout.strip()
        p = self.admin("agents", "add", fp, "--role", role, "--org", "lab " + host, "--approve",
                       "--country", country, "--asn", asn, "--asn6", asn,
                       "--address", address or self.lab.addr(host),
                       "--address6", address6 or self.lab.addr(host, 6))
        assert p.returncode == 0, p.stderr
        return int(p.stdout.strip())

    def probes(self):
        code = ("import json,ssl,urllib.request as u\n"
                "c=ssl.create_default_context(cafile=%r)\n"
                "print(u.urlopen('https://%s:8443/api/v2/probes/?page_size=100',context=c,"
                "timeout=20).read().decode())\n") % (str(self.dir / "ctl" / "api.crt"), self.ops)
        p = self.lab.exec("ops", ["/usr/bin/python3", "-c", code])
        return json.loads(p.stdout)["results"]

    def close(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        subprocess.run(["rm", "-rf", str(self.dir)])


@pytest.fixture
def names(small_lab):
    """A fresh controller on the module's one lab."""
    n = Names(small_lab)
    yield n
    n.close()


def test_every_vantage_point_resolves_back_and_forth(names):
    ids = {host: names.register(host, role, cc, asn) for host, role, cc, asn in SITES}
    p = names.admin("agents", "names", "--zone", ZONE, "--ttl", 300)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    want = {host: "p%d.%s.%s" % (ids[host], role, ZONE) for host, role, _, _ in SITES}
    # the API's probe object says the same name
    fqdn = {o["id"]: o["fqdn"] for o in names.probes()}
    assert fqdn == {ids[h]: want[h] for h in ids}
    with LabDNS(names.lab, "ops", split_zones(lines, [ZONE])) as dns:
        for host, name in want.items():
            v4, v6 = names.lab.addr(host), names.lab.addr(host, 6)
            assert dns.query("vp1", name, "A") == [v4]
            assert dns.query("vp1", name, "AAAA") == [v6]
            assert dns.query("vp1", v4, "PTR") == [name + "."]
            assert dns.query("vp1", v6, "PTR") == [name + "."]
    assert len([l for l in lines if " IN PTR " in l]) == 2 * len(SITES)


def test_conventions_and_collisions(names):
    for host, role, cc, asn in SITES:
        names.register(host, role, cc, asn)
    p = names.admin("agents", "names", "--zone", ZONE, "--convention", "{country}.{asn}.{id}")
    assert p.returncode == 0, p.stderr
    assert "nl.as64500.1.%s. 3600 IN A %s" % (ZONE, names.lab.addr("vp1")) in p.stdout
    # one name for two vantage points: refused, nothing printed
    p = names.admin("agents", "names", "--zone", ZONE, "--convention", "{country}")
    assert p.returncode == 1 and p.stdout == ""
    assert "collision: name nl.%s is probe 1's and probe 3's" % ZONE in p.stderr
    # one address claimed by two: its PTR would be ambiguous
    names.register("vp1b", "probe", "NL", 64500, address=names.lab.addr("vp1"),
                   address6="2001:db8:ffff::1")
    p = names.admin("agents", "names", "--zone", ZONE)
    assert p.returncode == 1
    assert "collision: address %s is probe 1's and probe 5's" % names.lab.addr("vp1") in p.stderr
    # a convention or zone that cannot make names
    p = names.admin("agents", "names", "--zone", "Bad_Zone")
    assert p.returncode == 1 and "not allowed" in p.stderr
    p = names.admin("agents", "names", "--zone", ZONE, "--convention", "{city}")
    assert p.returncode == 1 and "unknown field" in p.stderr
