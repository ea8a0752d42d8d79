"""frontends_lab: the scaled-out platform on the lab: several vantage-controller
front-ends on one throwaway PostgreSQL cluster (pg_lab.py), each with its own
key, port, admin socket and API, and vantage-api programs over the same
store. Front-end k listens on port 4443 + k in the platform's controller
namespace; agent i lists every front-end (each with its pinned key), starting
with front-end (i - 1) mod n, so the agents are spread over them and fail over
in turn. Everything (processes by pid, namespaces, the cluster, files) is
removed by close(), also after a failure."""
import json
import subprocess

from platform_lab import (BUILD, CONTROLLER, LAB_CONFIG, PORT, RUN_USER, VANTAGE, Platform, Proc,
                          wait_for_start)

API_PROGRAM = BUILD / "src" / "cmd" / "vantage-api"
API_PORT = 8443
PY = "/usr/bin/python3"


class FrontEnds(Platform):
    def __init__(self, pg, n=2, prefix="vfe"):
        super().__init__(heartbeat=1, prefix=prefix, pg=pg)
        self.n = n
        self.frontends = {}      # k: Proc
        self.fps = {}            # k: the front-end's key fingerprint
        self.apis = {}           # name: (Proc, port, dir)
        self.admin_k = 0         # the front-end whose admin socket admin() uses

    def fe_dir(self, k):
        return self.dir / ("controller" if k == 0 else f"controller{k}")

    def start_frontend(self, k, *extra):
        """Start front-end k (its API on 127.0.0.1:8443 + k) and wait until it listens."""
        log = self.dir / f"frontend{k}.log"
        before = log.read_text().count("listening on") if log.exists() else 0
        p = Proc([CONTROLLER, "--config", LAB_CONFIG, "--dir", self.fe_dir(k),
                  "--listen", "0.0.0.0", "--port", PORT + k, "--heartbeat", self.heartbeat,
                  "--no-reach-check", "--user", RUN_USER, "--store", self.pg.url,
                  "--frontend", f"fe{k}", "--api", f"127.0.0.1:{API_PORT + k}", *extra],
                 log, self.ns)
        wait_for_start(p, lambda: log.read_text().count("listening on") > before, 60,
                       f"front-end {k} to listen")
        self.fps[k] = log.read_text().split("fingerprint ")[1].split()[0].rstrip(",")
        self.frontends[k] = p
        if k == 0:
            self.controller, self.fp = p, self.fps[0]
        return p

    def start_api(self, name="api", port=API_PORT + 10, *extra):
        """Start a vantage-api program on 127.0.0.1:port (extra: more options) and wait
        until it serves."""
        d = self.dir / name
        log = self.dir / f"{name}.log"
        p = Proc([API_PROGRAM, "--config", LAB_CONFIG, "--dir", d, "--user", RUN_USER,
                  "--store", self.pg.url, "--api", f"127.0.0.1:{port}", *extra], log, self.ns)
        wait_for_start(p, lambda: "API on https://" in log.read_text(), 60, f"{name} to serve")
        self.apis[name] = (p, port, d)
        return p

    def config(self, i, **settings):
        """Agent i's config: every front-end with its key, from front-end (i - 1) mod n on."""
        path = super().config(i, **settings)
        addr = f"198.18.250.{4 * i + 1}"
        order = [(i - 1 + j) % self.n for j in range(self.n)]
        ctl = "".join(f"controller {addr}:{PORT + k} {self.fps[k]}\n" for k in order)
        lines = [l for l in path.read_text().splitlines(True)
                 if not l.startswith(("controller ", "controller_fingerprint "))]
        path.write_text(ctl + "".join(lines))
        return path

    def admin(self, *args):
        return subprocess.run([str(VANTAGE), *map(str, args), "--admin",
                               str(self.fe_dir(self.admin_k) / "admin.sock")],
                              capture_output=True, text=True, timeout=30)

    def new_key(self, owner):
        p = subprocess.run([str(VANTAGE), "keys", "add", owner, "--db", self.pg.url],
                           capture_output=True, text=True, timeout=30)
        assert p.returncode == 0, p.stderr
        return p.stdout.split()[-1]

    def http_many(self, reqs):
        """HTTPS requests ({port, cert, method, path, key, body}) to APIs on the
        controller namespace's loopback, in order, from one client process;
        their answers as {status, text}."""
        code = (
            "import json,sys,requests\n"
            "out=[]\n"
            "for a in json.loads(sys.argv[1]):\n"
            "  h={'Authorization':'Key '+a['key']} if a.get('key') else {}\n"
            "  r=requests.request(a['method'],'https://127.0.0.1:%d%s'%(a['port'],a['path']),"
            "headers=h,json=a.get('body'),verify=a['cert'],timeout=30)\n"
            "  out.append({'status':r.status_code,'text':r.text})\n"
            "print(json.dumps(out))\n")
        reqs = [{**r, "cert": str(r["cert"])} for r in reqs]
        p = subprocess.run(["ip", "netns", "exec", self.ns, PY, "-c", code, json.dumps(reqs)],
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)

    def http(self, port, cert, method, path, key=None, body=None):
        """One HTTPS request (see http_many)."""
        return self.http_many([{"port": port, "cert": cert, "method": method, "path": path,
                                "key": key, "body": body}])[0]

    def api_of_frontend(self, k):
        return API_PORT + k, self.fe_dir(k) / "api.crt"

    def api_of_program(self, name="api"):
        _, port, d = self.apis[name]
        return port, d / "api.crt"

    def kill_all(self):
        super().kill_all()
        for p in [*self.frontends.values(), *(a[0] for a in self.apis.values())]:
            if p.alive():
                p.kill9()


def same_answer(a, b, port_a, port_b):
    """Two API answers are the same but for the address each names itself by."""
    return a["status"] == b["status"] and \
        a["text"].replace(f"127.0.0.1:{port_a}", "API") == b["text"].replace(f"127.0.0.1:{port_b}", "API")
