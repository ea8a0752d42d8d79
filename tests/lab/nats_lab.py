"""nats_lab: a throwaway 3-node NATS JetStream cluster for tests (the
Python side of tests/nats/natstmp). Each nats-server runs as an
unprivileged user (setpriv, so the pid we hold is the server itself), on
127.0.0.1 only -- in a network namespace when one is given, else on free
loopback ports -- with its JetStream store in a fresh temporary folder.
kill9(i) and start(i) let a test take one node away under running
programs; close() stops every node and removes the folder, also after a
failure.

    python3 nats_lab.py run [--netns NS] CMD ARGS...   starts a cluster
        (inside network namespace NS on its loopback, when given), runs CMD
        with VANTAGE_TEST_NATS set to its URLs (VANTAGE_TEST_NATS_PIDS to
        the servers' pids), stops and removes it; exits with CMD's status
        (77, "skipped", when nats-server is not installed)
"""
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SERVER = shutil.which("nats-server") or "/usr/bin/nats-server"


def nats_installed():
    return os.access(SERVER, os.X_OK)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_user(user):
    for u in ([user] if user else []) + ["vantage", "nobody"]:
        try:
            return pwd.getpwnam(u)
        except KeyError:
            continue
    raise AssertionError("no unprivileged user to run nats-server as")


class NatsCluster:
    def __init__(self, n=3, user=None, netns=None, base_port=None):
        assert nats_installed(), "nats-server is not installed"
        self.pw = _run_user(user) if os.geteuid() == 0 else None
        self.netns = netns
        self.dir = Path(tempfile.mkdtemp(prefix="vantage-nats-"))
        self.dir.chmod(0o755)
        if self.pw:
            os.chown(self.dir, self.pw.pw_uid, self.pw.pw_gid)
        if base_port:   # inside a namespace of our own every port is free
            self.ports = [(base_port + i, base_port + 100 + i) for i in range(n)]
        else:
            self.ports = [(_free_port(), _free_port()) for _ in range(n)]
        self.procs = [None] * n
        self.logs = [self.dir / f"n{i}.log" for i in range(n)]
        try:
            for i in range(n):
                self._write_conf(i)
                self.start(i)
            self.wait_ready()
        except BaseException:
            self.close()
            raise

    @property
    def urls(self):
        return ",".join(f"nats://127.0.0.1:{c}" for c, _ in self.ports)

    def _write_conf(self, i):
        client, route = self.ports[i]
        routes = ", ".join(f"nats-route://127.0.0.1:{r}" for j, (_, r) in enumerate(self.ports)
                           if j != i)
        store = self.dir / f"n{i}"
        (self.dir / f"n{i}.conf").write_text(
            f'server_name: n{i}\nlisten: "127.0.0.1:{client}"\n'
            f'jetstream {{ store_dir: "{store}", max_memory_store: 64MB,'
            f' max_file_store: 1GB }}\n'
            f'cluster {{ name: vantage, listen: "127.0.0.1:{route}", routes: [{routes}] }}\n')

    def start(self, i):
        """Start node i (again: its JetStream store is kept)."""
        argv = [SERVER, "-c", str(self.dir / f"n{i}.conf")]
        if self.pw:
            argv = ["setpriv", f"--reuid={self.pw.pw_uid}", f"--regid={self.pw.pw_gid}",
                    "--clear-groups", *argv]
        if self.netns:
            argv = ["ip", "netns", "exec", self.netns, *argv]
        f = open(self.logs[i], "ab")
        self.procs[i] = subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT)
        f.close()

    def kill9(self, i):
        p = self.procs[i]
        if p and p.poll() is None:
            p.send_signal(signal.SIGKILL)
        if p:
            p.wait(timeout=10)

    def text(self, i):
        return self.logs[i].read_text(errors="replace")

    def wait_ready(self, timeout=60):
        """Until every running node is in the cluster and a metadata leader is known."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            up = [i for i, p in enumerate(self.procs) if p and p.poll() is None]
            assert len(up) == len([p for p in self.procs if p]), \
                "a nats-server ended:\n" + "\n".join(self.text(i)[-2000:] for i in range(len(self.procs)))
            logs = [self.text(i) for i in up]
            if all("Server is ready" in t for t in logs) and \
                    any("metadata leader" in t.lower() or "self is new jetstream cluster metadata leader" in t.lower()
                        for t in logs):
                return
            time.sleep(0.2)
        raise AssertionError("the NATS cluster did not become ready:\n" +
                             "\n".join(self.text(i)[-2000:] for i in range(len(self.procs))))

    def close(self):
        for i in range(len(self.procs)):
            try:
                self.kill9(i)
            except Exception:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)


def main(argv):
    netns = None
    if len(argv) > 3 and argv[1] == "run" and argv[2] == "--netns":
        netns = argv[3]
        argv = argv[:2] + argv[4:]
    if len(argv) < 3 or argv[1] != "run":
        print("usage: nats_lab.py run [--netns NS] CMD ARGS...", file=sys.stderr)
        return 2
    if not nats_installed():
        print("natstmp: nats-server is not installed; skipped", file=sys.stderr)
        return 77
    # a namespace of the caller's own has every port free (as in the lab tests)
    cluster = NatsCluster(netns=netns, base_port=14222 if netns else None)

    def stop(signum, frame):
        raise SystemExit(128 + signum)
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, stop)
    try:
        return subprocess.run(argv[2:], env={**os.environ, "VANTAGE_TEST_NATS": cluster.urls,
                                                "VANTAGE_TEST_NATS_PIDS": " ".join(str(p.pid) for p in cluster.procs)}).returncode
    finally:
        cluster.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
