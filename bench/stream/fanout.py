"""fanout: N subscribers of the live stream, each a chunked GET
/stream/?streamType=result&msm=M on the controller's API (TLS), read
without parsing (each atlas_result counted in the raw bytes), all in one
process with non-blocking sockets. Prints how many results were delivered
in total and per second over the window, and how many subscribers the
controller cut off. Bounded: N connections for SECONDS."""
import argparse
import selectors
import socket
import ssl
import time

TOKEN = b'["atlas_result"'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--api", required=True)          # ADDR:PORT
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--msm", type=int, required=True)
    ap.add_argument("--subs", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=20)
    a = ap.parse_args()
    host, port = a.api.rsplit(":", 1)
    ctx = ssl.create_default_context(cafile=a.cert)
    sel = selectors.DefaultSelector()
    state = {}
    req = ("GET /stream/?streamType=result&msm=%d HTTP/1.1\r\nHost: %s\r\n"
           "Authorization: Key %s\r\n\r\n" % (a.msm, host, a.key)).encode()
    for _ in range(a.subs):
        s = ctx.wrap_socket(socket.create_connection((host, int(port)), timeout=10),
                            server_hostname=host)
        s.sendall(req)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
        state[s] = {"tail": b"", "n": 0, "open": True}
    t0 = time.monotonic()
    end = t0 + a.seconds
    while time.monotonic() < end and any(v["open"] for v in state.values()):
        for key, _ in sel.select(timeout=0.2):
            s, st = key.fileobj, state[key.fileobj]
            while True:
                try:
                    b = s.recv(1 << 16)
                except (ssl.SSLWantReadError, BlockingIOError):
                    break
                except (ssl.SSLError, OSError):
                    b = b""
                if not b:
                    if st["n"] == 0 and not st.get("said"):
                        st["said"] = True
                        print("fanout: a subscriber was closed: %r" % st["tail"][-200:])
                    st["open"] = False
                    sel.unregister(s)
                    break
                data = st["tail"] + b
                st["n"] += data.count(TOKEN)
                st["tail"] = data[-300:]
    took = time.monotonic() - t0
    total = sum(v["n"] for v in state.values())
    cut = sum(1 for v in state.values() if not v["open"])
    per = sorted(v["n"] for v in state.values())
    print("stream: %d subscribers, %d results delivered in %.1f s = %.0f results/s delivered"
          " (%.0f/s each; least %d, most %d); %d cut off"
          % (a.subs, total, took, total / took, total / took / a.subs, per[0], per[-1], cut))
    for s in state:
        s.close()


if __name__ == "__main__":
    main()
