"""labdns: an authoritative DNS server (Debian's nsd) inside a lab host,
serving zones a test gives as record lines, and a resolver helper (dig from
bind9-dnsutils) that asks it from another lab host. Reusable by any lab test:

    with LabDNS(lab, "ops", split_zones(lines, ["vp.example.net"])) as dns:
        dns.query("vp1", "p1.probe.vp.example.net", "A")

Record lines are zone-file lines with absolute owner names ("name. TTL IN
TYPE data"). split_zones puts each line in the zone it belongs to: the
forward zones given, else the reverse zone it falls in (the /16 of
in-addr.arpa, the /32 of ip6.arpa: the lab's 198.18.0.0/15 and 2001:db8::/32).
Every zone gets an SOA and an NS record. nsd runs in the foreground as a
child of the test, with its files in a temporary directory; close() (or
leaving the with block, also on an exception) ends it by its pid and removes
the files."""
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

NSD = "/usr/sbin/nsd"
DIG = "/usr/bin/dig"


def _zone_of(owner, forward):
    """The zone an absolute owner name falls in."""
    name = owner.rstrip(".")
    for z in sorted(forward, key=len, reverse=True):
        if name == z or name.endswith("." + z):
            return z
    labels = name.split(".")
    if name.endswith(".in-addr.arpa"):
        return ".".join(labels[-4:])          # e.g. 18.198.in-addr.arpa
    if name.endswith(".ip6.arpa"):
        return ".".join(labels[-10:])         # the /32: 8.b.d.0.1.0.0.2.ip6.arpa
    raise ValueError("no zone for %s" % owner)


def split_zones(lines, forward):
    """{zone: [record lines]} of the record lines (comments and blanks dropped)."""
    zones = {z: [] for z in forward}
    for line in lines:
        line = line.strip()
        if not line or line.startswith(";"):
            continue
        zones.setdefault(_zone_of(line.split()[0], forward), []).append(line)
    return zones


class LabDNS:
    def __init__(self, lab, host, zones, port=53):
        self.lab, self.host, self.port = lab, host, port
        self.addr = lab.addr(host)
        self.dir = Path(tempfile.mkdtemp(prefix="vti-dns-"))
        self.proc = None
        try:
            self._write(zones)
            self._start()
        except BaseException:
            self.close()
            raise

    def _write(self, zones):
        conf = ["server:", "  ip-address: %s" % self.addr, "  port: %d" % self.port,
                '  username: ""', '  chroot: ""', "  zonesdir: %s" % self.dir,
                "  pidfile: %s/nsd.pid" % self.dir, '  database: ""',
                "  xfrdfile: %s/xfrd.state" % self.dir,
                "  zonelistfile: %s/zone.list" % self.dir, "  logfile: %s/nsd.log" % self.dir,
                "  server-count: 1", "  verbosity: 1",
                "remote-control:", "  control-enable: no"]
        for i, (zone, records) in enumerate(sorted(zones.items())):
            head = ["$TTL 60",
                    "%s. IN SOA ns.%s. hostmaster.%s. 1 3600 600 86400 60" % (zone, zone, zone),
                    "%s. IN NS ns.%s." % (zone, zone)]
            (self.dir / ("z%d.zone" % i)).write_text("\n".join(head + records) + "\n")
            conf += ["zone:", "  name: %s" % zone, "  zonefile: z%d.zone" % i]
        (self.dir / "nsd.conf").write_text("\n".join(conf) + "\n")
        check = subprocess.run(["nsd-checkconf", str(self.dir / "nsd.conf")],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stderr

    def _start(self):
        self.log = open(self.dir / "nsd.out", "w")
        self.proc = self.lab.popen(self.host, [NSD, "-d", "-c", self.dir / "nsd.conf"],
                                   stdout=self.log, stderr=subprocess.STDOUT)
        end = time.monotonic() + 20
        while time.monotonic() < end:
            assert self.proc.poll() is None, (self.dir / "nsd.out").read_text()
            soa = self.lab.exec(self.host, [DIG, "+short", "+time=1", "+tries=1", "-p",
                                            self.port, "@" + self.addr, "SOA",
                                            next(iter(self.zones_served()))], check=False)
            if soa.returncode == 0 and soa.stdout.strip():
                return
            time.sleep(0.2)
        raise AssertionError("nsd did not answer: " + (self.dir / "nsd.out").read_text())

    def zones_served(self):
        text = (self.dir / "nsd.conf").read_text()
        return [l.split(":", 1)[1].strip() for l in text.splitlines()
                if l.strip().startswith("name:")]

    def query(self, host, name, rtype):
        """The answers (dig +short lines) to name rtype asked from lab host host."""
        args = [DIG, "+short", "+time=2", "+tries=2", "-p", self.port, "@" + self.addr]
        args += ["-x", name] if rtype == "PTR" else [name, rtype]
        p = self.lab.exec(host, args, check=False)
        assert p.returncode == 0, p.stdout + p.stderr
        return sorted(l for l in p.stdout.splitlines() if l.strip())

    def close(self):
        """End nsd (by its pid) and remove its files; safe to call twice."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
