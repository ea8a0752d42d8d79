"""pg_lab: a throwaway PostgreSQL cluster for the lab tests (the Python
twin of tests/pg/pgtmp). initdb and the server run as the platform's
unprivileged user in a fresh temporary folder and listen on a Unix socket
there only (no TCP); restart() and kill9() let a test take the server away
under a running controller. close() stops it and removes the folder, also
after a failure.

pg_ctl starts the postmaster detached (it is never the harness's child),
and a restart, stop()/start() or kill9()/start() replaces it; so close()
stops by what the data folder says: the pid in postmaster.pid and every
process working in the folder (a postmaster chdirs there and its backends
inherit it), killed if `pg_ctl stop` left any, with the shared memory a
killed postmaster leaves. A cluster a test's cleanup never reached (its
fixture's teardown failed before pg.close()) is closed at the interpreter's
exit."""
import atexit
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

_open = []   # clusters not closed yet: closed at exit


@atexit.register
def _close_all():
    for pg in list(_open):
        pg.close()


def cluster_pids(data):
    """Pids of the live processes of the cluster in data: the postmaster
    named by its postmaster.pid (if alive and working there) and every
    process whose working directory is data."""
    data = os.path.realpath(data)
    pids = set()
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if os.readlink(f"/proc/{d}/cwd") == data:
                    pids.add(int(d))
            except OSError:
                pass
    return sorted(pids)


def pg_bin():
    """The newest installed PostgreSQL's bin folder, or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def _shm_unattached(shmid):
    """Whether System V segment shmid exists and no process has it attached."""
    with open("/proc/sysvipc/shm") as f:
        rows = [line.split() for line in f.readlines()[1:]]
    # key shmid perms size cpid lpid nattch ...
    return any(r[1] == str(shmid) and r[6] == "0" for r in rows if len(r) > 6)


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
        _open.append(self)
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
        # after kill9() the old postmaster's children end once they notice it gone;
        # until then they hold its shared memory and a new postmaster refuses to
        # start (seen: pg_ctl "could not start server" right after a kill9)
        end = time.monotonic() + 30
        while cluster_pids(self.data) and time.monotonic() < end:
            time.sleep(0.1)
        self._drop_a_zombies_lock()
        p = self._as_user(["pg_ctl", "-D", self.data, "-w", "-l", self.dir / "server.log", "-o",
                           f"-c listen_addresses='' -c unix_socket_directories='{self.dir}'"
                           f" -p {self.port} -c max_connections=50 -c shared_buffers=32MB",
                           "start"], check=False)
        if p.returncode != 0:
            log = (self.dir / "server.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"pg_ctl start: {p.stderr.strip()}\nserver.log ends:\n{log}")

    def _drop_a_zombies_lock(self):
        """A killed postmaster is a zombie until its parent reaps it; here that
        is the machine's pid 1 (pg_ctl detaches it), which may take seconds.
        postmaster.pid and the socket's lock file still name it, and a new
        postmaster that finds that pid there (kill(pid, 0) succeeds on a
        zombie) refuses to start. A dead
        server's lock file is stale: remove it (its children are gone, waited
        for above, so no process holds the shared memory)."""
        pid = self.postmaster_pid()
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError, TypeError):
            return
        if state == "Z" and not cluster_pids(self.data):
            (self.data / "postmaster.pid").unlink(missing_ok=True)
            (self.dir / f".s.PGSQL.{self.port}.lock").unlink(missing_ok=True)

    def stop(self, mode="fast"):
        self._as_user(["pg_ctl", "-D", self.data, "-m", mode, "-w", "stop"], check=False)

    def restart(self, mode="fast"):
        """pg_ctl restart: a new postmaster with the same options. Without -l the
        new one would write to pg_ctl's output, our pipe, which would then never
        end: the call hung for its 180 s."""
        self._as_user(["pg_ctl", "-D", self.data, "-m", mode, "-w", "-l", self.dir / "server.log",
                       "restart"])

    def postmaster_pid(self):
        """The pid postmaster.pid names, or None (no file, or not a number)."""
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def kill9(self):
        """kill -9 the postmaster (its backends end with it)."""
        os.kill(self.postmaster_pid(), signal.SIGKILL)

    def psql(self, db, sql):
        """Run sql on database db; the rows as lists of strings."""
        p = subprocess.run([str(self.bin / "psql"), "-X", "-A", "-t", "-F", "\t", "-v",
                            "ON_ERROR_STOP=1", "-h", str(self.dir), "-p", str(self.port),
                            "-U", "vantage", "-d", db, "-c", sql],
                           capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        return [l.split("\t") for l in p.stdout.splitlines() if l]

    def _shm(self):
        """The shmid of the cluster's System V segment (line 7 of postmaster.pid), or None."""
        try:
            return int((self.data / "postmaster.pid").read_text().splitlines()[6].split()[1])
        except (OSError, ValueError, IndexError):
            return None

    def close(self):
        """Stop every process of the cluster, however many postmasters it had, and
        remove the folder; safe to call again."""
        if self in _open:
            _open.remove(self)
        shmid = self._shm()
        try:
            if self.postmaster_pid():
                self.stop("immediate")
        except Exception:    # a stop that hung: what is left is killed below
            pass
        # what pg_ctl did not stop: a postmaster postmaster.pid no longer names
        # (or not yet), backends a killed postmaster left
        end = time.monotonic() + 30
        while self.data.exists() and (left := cluster_pids(self.data)):
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            if time.monotonic() > end:
                raise AssertionError(f"PostgreSQL of {self.data} still runs: {left}")
            time.sleep(0.1)
        if shmid is not None and _shm_unattached(shmid):   # a killed postmaster's
            subprocess.run(["ipcrm", "-m", str(shmid)], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)
