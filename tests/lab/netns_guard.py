"""netns_guard: the network namespaces a test process makes are removed
however the process ends, also when it is interrupted in the middle of a
set-up that has not reached its `finally` yet.

    from netns_guard import add_netns, del_netns
    add_netns("vpl123c")      # registered before it exists, then made
    del_netns("vpl123c")      # removed, then forgotten

A name is registered before `ip netns add` runs, so there is no moment in
which a namespace lives unregistered, and forgotten only after `ip netns
del`. What is still registered is removed:
- at interpreter exit (atexit): an exception or Ctrl-C escaping a set-up;
- on SIGTERM and SIGHUP, which are turned into SystemExit, so `finally`
  blocks and atexit run as for Ctrl-C;
- by a watcher process when this one dies by SIGKILL: it holds the read end
  of a pipe only this process writes to, and at end of file removes the
  names listed in this process's registry file.
Only names this process registered are ever removed."""
import atexit
import os
import signal
import subprocess
import sys
import tempfile

_names = []          # registered, in order made
_state = {}          # "file": registry path, "watcher": Popen


def _ip(*args):
    return subprocess.run(["ip", *args], capture_output=True, text=True, timeout=30)


def _write_registry():
    path = _state["file"]
    with open(path + ".new", "w") as f:
        f.write("".join(n + "\n" for n in _names))
    os.replace(path + ".new", path)


def _remove_all():
    """Remove every namespace still registered (at exit)."""
    for name in list(_names):
        _ip("netns", "del", name)
        _names.remove(name)
    if "file" in _state:
        _write_registry()


def _exit_on_signal(signum, frame):
    raise SystemExit(128 + signum)


def _start():
    """The registry file, the watcher, the exit hooks: once per process."""
    if _state.get("pid") == os.getpid():
        return
    fd, path = tempfile.mkstemp(prefix="vantage-netns-%d-" % os.getpid())
    os.close(fd)
    _names.clear()
    _state.update(pid=os.getpid(), file=path)
    _state["watcher"] = subprocess.Popen([sys.executable, os.path.abspath(__file__), path],
                                         stdin=subprocess.PIPE, start_new_session=True)
    atexit.register(_remove_all)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) == signal.SIG_DFL:
            try:
                signal.signal(sig, _exit_on_signal)
            except ValueError:   # not the main thread: atexit and the watcher remain
                pass


def add_netns(name):
    """Register name, then make the namespace (raises if `ip netns add` fails)."""
    _start()
    _names.append(name)
    _write_registry()
    r = _ip("netns", "add", name)
    if r.returncode != 0:
        raise RuntimeError("ip netns add %s: %s" % (name, r.stderr.strip()))


def del_netns(name):
    """Remove the namespace, then forget it."""
    _ip("netns", "del", name)
    if name in _names:
        _names.remove(name)
        _write_registry()


def _watch(path):
    """The watcher: wait for the owner's pipe to close, then remove what it left."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.stdin.buffer.read()
    try:
        with open(path) as f:
            left = [n.strip() for n in f if n.strip()]
        os.unlink(path)
    except FileNotFoundError:
        left = []
    for name in left:
        _ip("netns", "del", name)


if __name__ == "__main__":
    _watch(sys.argv[1])
