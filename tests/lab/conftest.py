"""Pytest fixtures for tests on the lab (a small Internet of network namespaces).

    def test_x(lab_factory):
        lab = lab_factory("small")             # lab/topologies/small.conf, unique name
        lab.exec("vp1", ["ping", "-c1", lab.addr("dst")])
        hops = lab.truth("vp1", "dst", af=6)["hops"]

    def test_y(small_lab):                     # one small.conf lab shared by a module
        ...

Every lab gets a unique name, is owned by this pytest process (its keeper
tears it down if pytest dies, even by kill -9) and is taken down by a
finalizer. The binaries come from $VANTAGE_BUILD (default build-san/).
"""
import itertools
import json
import os
import pathlib
import shlex
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("VANTAGE_BUILD", ROOT / "build-san"))
RELEASE_BUILD = pathlib.Path(os.environ.get("VANTAGE_RELEASE_BUILD", ROOT / "build"))
VANTAGE = BUILD / "src" / "cmd" / "vantage"
TOPOLOGIES = ROOT / "lab" / "topologies"

_counter = itertools.count(1)


def unique_lab_name():
    """A lab name no other running test process uses: t + pid + counter."""
    return "t%05d%d" % (os.getpid() % 100000, next(_counter) % 100)


class Lab:
    """A running lab: run commands in its hosts, read addresses and truth."""

    def __init__(self, topology, name=None, owner=None):
        path = pathlib.Path(topology)
        if not path.suffix:
            path = TOPOLOGIES / (topology + ".conf")
        self.topology = path
        self.name = name or unique_lab_name()
        self.env = dict(os.environ, VANTAGE_LAB=self.name)
        self.vantage("up", str(path), "--owner", str(owner or os.getpid()))
        self._status = None

    def vantage(self, *args, check=True, timeout=60):
        """Run `vantage lab ARGS` for this lab; returns the CompletedProcess."""
        return subprocess.run([str(VANTAGE), "lab", *args], env=self.env, check=check,
                              timeout=timeout, capture_output=True, text=True)

    def ns(self, host):
        """The network namespace of a host or router."""
        return "%s-%s" % (self.name, host)

    def _argv(self, host, cmd):
        if isinstance(cmd, str):
            cmd = shlex.split(cmd)
        return ["ip", "netns", "exec", self.ns(host), *map(str, cmd)]

    def exec(self, host, cmd, check=True, timeout=60, **kw):
        """Run cmd (list or string) inside host; returns the CompletedProcess."""
        kw.setdefault("capture_output", True)
        kw.setdefault("text", True)
        return subprocess.run(self._argv(host, cmd), check=check, timeout=timeout, **kw)

    def popen(self, host, cmd, **kw):
        """Start cmd inside host in the background; returns the Popen."""
        return subprocess.Popen(self._argv(host, cmd), **kw)

    def status(self, refresh=False):
        """The lab's `status --json` as a dict (cached)."""
        if self._status is None or refresh:
            self._status = json.loads(self.vantage("status", "--json").stdout)
        return self._status

    def node(self, name):
        for n in self.status()["nodes"]:
            if n["name"] == name:
                return n
        raise KeyError(name)

    def addr(self, host, af=4):
        """The host's first address of family af (4 or 6)."""
        return self.node(host)["ipv%d" % af][0]

    def anyip(self, host, af=4):
        """The prefix of family af the host answers for as a whole."""
        return [p for p in self.node(host)["anyip"] if (":" in p) == (af == 6)][0]

    def truth(self, src, dst, af=4, proto="udp", sport=None, dport=None):
        """Ground truth from src to dst (a node name or an address) as a dict."""
        args = ["truth", src, dst, "-%d" % af, "--proto", proto]
        if sport:
            args += ["--sport", str(sport)]
        if dport:
            args += ["--dport", str(dport)]
        return json.loads(self.vantage(*args).stdout)

    def link(self, verb, a, b, *settings):
        """`link cut|restore|set A B [delay=MS] [loss=PCT]`."""
        self.vantage("link", verb, a, b, *settings)

    def down(self):
        """Take the lab down (safe to call twice)."""
        self.vantage("down", check=False)


@pytest.fixture(scope="session")
def vantage_lab_ready():
    if os.geteuid() != 0:
        pytest.skip("lab tests need root (network namespaces)")
    if not VANTAGE.exists():
        pytest.skip("no %s: run ./run build first" % VANTAGE)
    # labs of test runs that were killed and whose keeper died too
    subprocess.run([str(VANTAGE), "lab", "down", "--stale"], capture_output=True)


@pytest.fixture
def lab_factory(vantage_lab_ready):
    """lab_factory(topology) -> Lab; every lab is taken down after the test."""
    labs = []

    def make(topology="small", **kw):
        lab = Lab(topology, **kw)
        labs.append(lab)
        return lab

    yield make
    for lab in labs:
        lab.down()


@pytest.fixture(scope="module")
def small_lab(vantage_lab_ready):
    """One lab of lab/topologies/small.conf shared by a test module."""
    lab = Lab("small")
    yield lab
    lab.down()
