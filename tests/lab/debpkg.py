"""debpkg: the Debian packages `./run package` builds (build-deb/), installed on
this machine by a test and purged again. Installing waits for dpkg's lock
(other engineers' `./run deps` may hold it). The installed programs run in a
network namespace of the test's own (loopback and lab addresses only), so the
shipped configuration's `listen ::` and `api [::]:8443` reach nothing else.
Everything is undone by Installed.close(): processes by pid, the namespace,
the packages (purged), the system user vantage-controller if the packages
made it."""
import os
import pwd
import re
import signal
import subprocess
import time
from pathlib import Path

from netns_guard import add_netns, del_netns

ROOT = Path(__file__).resolve().parents[2]
DEB_DIR = Path(os.environ.get("VANTAGE_DEB_DIR", ROOT / "build-deb"))
NAMES = ("vantage", "vantage-agent", "vantage-controller")
LOCK_WAIT = ["-o", "DPkg::Lock::Timeout=300"]


def debs():
    """{package name: .deb path} of the built packages (no dbgsym), or {}."""
    found = {}
    for n in NAMES:
        hits = sorted(DEB_DIR.glob(f"{n}_*.deb"))
        if hits:
            found[n] = hits[-1]
    return found if len(found) == len(NAMES) else {}


def sh(*args, check=True, timeout=60, **kw):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=check,
                          timeout=timeout, **kw)


def installed(name):
    p = sh("dpkg-query", "-W", "-f=${Status}", name, check=False)
    return "ok installed" in p.stdout


def user_exists(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def apt_install(paths):
    """Install (or upgrade to) local .debs, waiting for dpkg's lock."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    p = sh("apt-get", "install", "-y", "-q", "--no-install-recommends", *LOCK_WAIT,
           *[str(x) for x in paths], check=False, timeout=600, env=env)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]


def apt_purge(names):
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return sh("apt-get", "purge", "-y", "-q", *LOCK_WAIT, *names, check=False, timeout=600,
              env=env)


def repack(deb, version, outdir):
    """The same package as version (a stand-in for a newer release); its path."""
    tree = Path(outdir) / f"repack-{version}"
    sh("dpkg-deb", "-R", deb, tree)
    control = tree / "DEBIAN" / "control"
    control.write_text(re.sub(r"(?m)^Version: .*$", f"Version: {version}", control.read_text()))
    out = Path(outdir) / f"{deb.name.split('_')[0]}_{version}_amd64.deb"
    sh("dpkg-deb", "--root-owner-group", "-b", tree, out, timeout=300)
    return out


def exposure(unit_path):
    """systemd-analyze's overall exposure score of a unit file (offline), and its table."""
    p = sh("systemd-analyze", "security", "--offline=true", "--no-pager", unit_path,
           check=False, cwd="/")
    m = re.search(r"Overall exposure level for \S+: ([0-9.]+)", p.stdout)
    assert m, p.stdout + p.stderr
    return float(m.group(1)), p.stdout


class Proc:
    """A program started inside the namespace, with its log."""

    def __init__(self, ns, argv, log):
        self.log = Path(log)
        self.f = open(self.log, "ab")
        self.p = subprocess.Popen(["ip", "netns", "exec", ns, *map(str, argv)],
                                  stdout=self.f, stderr=subprocess.STDOUT)

    def alive(self):
        return self.p.poll() is None

    def stop(self):
        if self.alive():
            self.p.send_signal(signal.SIGTERM)
        try:
            rc = self.p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = self.p.wait(timeout=10)
        self.f.close()
        return rc

    def text(self):
        return self.log.read_text(errors="replace")


def wait_for(pred, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Installed:
    """The three packages installed, a namespace to run them in (198.18.251.1
    and 2001:db8:251::1 on a veth pair of its own: the target the agent
    pings, answered by the namespace's own kernel)."""

    TARGET4 = "198.18.251.1"

    def __init__(self, tmp):
        self.tmp = Path(tmp)
        self.procs = []
        self.had_ctl_user = user_exists("vantage-controller")
        self.ns = f"vpkg{os.getpid() % 100000}"
        for n in NAMES:
            assert not installed(n), f"{n} is installed already: this test would remove it"
        assert not Path("/etc/vantage").exists(), "/etc/vantage exists before the install"
        self.ns_made = False
        try:
            apt_install(debs().values())
            self.ns_made = True
            add_netns(self.ns)
            sh("ip", "-n", self.ns, "link", "set", "lo", "up")
            # a veth pair inside the namespace carries its lab addresses: with
            # loopback alone getaddrinfo (AI_ADDRCONFIG) refuses the shipped
            # configuration's `api [::]:8443`
            sh("ip", "-n", self.ns, "link", "add", "vpk0", "type", "veth", "peer", "name", "vpk1")
            sh("ip", "-n", self.ns, "addr", "add", f"{self.TARGET4}/24", "dev", "vpk0")
            sh("ip", "-n", self.ns, "addr", "add", "2001:db8:251::1/64", "dev", "vpk0", "nodad")
            for dev in ("vpk0", "vpk1"):
                sh("ip", "-n", self.ns, "link", "set", dev, "up")
        except BaseException:
            self.close()
            raise

    def start(self, name, *argv):
        p = Proc(self.ns, argv, self.tmp / f"{name}.log")
        self.procs.append(p)
        return p

    def run_in_ns(self, *argv, timeout=60):
        return sh("ip", "netns", "exec", self.ns, *argv, check=False, timeout=timeout)

    def vantage(self, *args, timeout=30):
        return sh("vantage", *args, "--admin", "/var/lib/vantage-controller/admin.sock",
                  check=False, timeout=timeout)

    def close(self):
        for p in self.procs:
            if p.alive():
                p.p.kill()
                p.p.wait(timeout=10)
        if self.ns_made:
            del_netns(self.ns)
        if any(installed(n) for n in NAMES):
            apt_purge(NAMES)
        if not self.had_ctl_user and user_exists("vantage-controller"):
            sh("deluser", "--system", "--quiet", "vantage-controller", check=False)
            sh("delgroup", "--system", "--quiet", "vantage-controller", check=False)
