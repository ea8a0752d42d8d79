"""pg_lab: a throwaway PostgreSQL cluster for the lab tests (the Python
twin of tests/pg/pgtmp). initdb and the server run as the platform's
unprivileged user in a fresh temporary folder and listen on a Unix socket
there only (no TCP); restart() and kill9() let a test take the server away
under a running controller. close() stops it and removes the folder, also
after a failure."""
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path


def pg_bin():
    """The newest installed PostgreSQL's bin folder, or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


class TempPostgres:
    def __init__(self, user, port=5432):
        self.bin = pg_bin()
        assert self.bin, "PostgreSQL is not installed (postgresql-15)"
        self.user = user
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="vantage-pg-"))
        self.dir.chmod(0o755)
        pw = pwd.getpwnam(user)
        os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        self.data = self.dir / "data"
        try:
            self._as_user(["initdb", "-D", self.data, "-U", "vantage", "-A", "trust", "-E",
                           "UTF8", "--no-locale", "--no-sync"])
            self.start()
            self.url = f"postgresql://vantage@/vantage?host={self.dir}&port={self.port}"
            self.psql("postgres", "CREATE DATABASE vantage")
        except BaseException:
            self.close()   # a failed setup leaves no server and no folder behind
            raise

    def _as_user(self, argv, check=True):
        # the whole setup took 41 s at load 41; an initdb beside a CPU hog was cut at 60 s
        cmd = ["runuser", "-u", self.user, "--", str(self.bin / argv[0]), *map(str, argv[1:])]
        return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=180)

    def start(self):
        self._as_user(["pg_ctl", "-D", self.data, "-w", "-l", self.dir / "server.log", "-o",
                       f"-c listen_addresses='' -c unix_socket_directories='{self.dir}'"
                       f" -p {self.port} -c max_connections=50 -c shared_buffers=32MB", "start"])

    def stop(self, mode="fast"):
        self._as_user(["pg_ctl", "-D", self.data, "-m", mode, "-w", "stop"], check=False)

    def kill9(self):
        """kill -9 the postmaster (its backends end with it)."""
        pid = int((self.data / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGKILL)

    def psql(self, db, sql):
        """Run sql on database db; the rows as lists of strings."""
        p = subprocess.run([str(self.bin / "psql"), "-X", "-A", "-t", "-F", "\t", "-v",
                            "ON_ERROR_STOP=1", "-h", str(self.dir), "-p", str(self.port),
                            "-U", "vantage", "-d", db, "-c", sql],
                           capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        return [l.split("\t") for l in p.stdout.splitlines() if l]

    def close(self):
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)
