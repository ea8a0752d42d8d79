"""raw_agent: speak the agent-controller protocol by hand, for tests that need
an agent to do what vantage-agent never would (claim results of measurements
it was not given, reuse sequence numbers, leave gaps). Run as a program inside
a namespace:

    raw_agent.py '{"addr": ..., "port": ..., "key": ..., "fp": ..., "steps": [...]}'

It connects with TLS 1.3 and the agent's key (KEY.crt is made next to it by
the test), then runs the steps in order:
    {"hello": {}}                   HELLO with fp, waits for the WELCOME
    {"send": TYPE, "msg": {...}}    one frame of that type (name or number)
    {"raw": HEX}                    bytes as they are
    {"wait": SECONDS}               read whatever comes meanwhile
    {"api": {method, url, key, body, cafile}}  one HTTPS request (prints its answer)
and prints every message it received as one JSON object a line
({"type": NAME, ...payload}), then {"closed": true} if the controller closed."""
import http.client
import json
import socket
import ssl
import struct
import sys
import time

TYPES = ["", "hello", "welcome", "heartbeat", "status", "msm", "msm_stop", "result", "ack",
         "refuse", "error"]


def frame(type_, payload):
    t = TYPES.index(type_) if isinstance(type_, str) else type_
    return struct.pack(">IBBH", len(payload), 1, t, 0) + payload


class Conn:
    def __init__(self, cfg):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.load_cert_chain(cfg["key"] + ".crt", cfg["key"])
        raw = socket.create_connection((cfg["addr"], cfg["port"]), timeout=10)
        self.s = ctx.wrap_socket(raw)
        self.buf = b""
        self.closed = False

    def send(self, data):
        self.s.sendall(data)

    def read_for(self, seconds, until=None):
        """Read messages for up to seconds (or until one of type until came)."""
        end = time.monotonic() + seconds
        while not self.closed and time.monotonic() < end:
            self.s.settimeout(max(0.01, end - time.monotonic()))
            try:
                b = self.s.recv(1 << 20)
            except (socket.timeout, TimeoutError):
                break
            except (ssl.SSLError, OSError):
                b = b""
            if not b:
                self.closed = True
                break
            self.buf += b
            while len(self.buf) >= 8:
                n, _, t, _ = struct.unpack(">IBBH", self.buf[:8])
                if len(self.buf) < 8 + n:
                    break
                m = json.loads(self.buf[8:8 + n])
                self.buf = self.buf[8 + n:]
                print(json.dumps({"type": TYPES[t] if t < len(TYPES) else t, **m}), flush=True)
                if until and TYPES[t] == until:
                    return


def api(req):
    ctx = ssl.create_default_context(cafile=req["cafile"])
    ctx.check_hostname = False
    host, port = req["url"].split("/")[2].rsplit(":", 1)
    c = http.client.HTTPSConnection(host, int(port), context=ctx, timeout=30)
    path = "/" + req["url"].split("/", 3)[3]
    body = json.dumps(req["body"]) if req.get("body") is not None else None
    c.request(req["method"], path, body=body, headers={"Authorization": "Key " + req["key"],
                                                       "Content-Type": "application/json"})
    r = c.getresponse()
    print(json.dumps({"api": r.status, "body": r.read().decode()}), flush=True)


def main():
    cfg = json.loads(sys.argv[1])
    c = None
    for step in cfg["steps"]:
        if "api" in step:
            api(step["api"])
            continue
        if c is None:
            c = Conn(cfg)
        if "hello" in step:
            c.send(frame("hello", json.dumps({"agent": cfg["fp"], "version": "raw",
                                              "role": "probe"}).encode()))
            c.read_for(10, until="welcome")
        elif "send" in step:
            c.send(frame(step["send"], json.dumps(step["msg"]).encode()))
        elif "raw" in step:
            c.send(bytes.fromhex(step["raw"]))
        elif "wait" in step:
            c.read_for(step["wait"])
    if c and c.closed:
        print(json.dumps({"closed": True}), flush=True)


if __name__ == "__main__":
    main()
