"""stream_client: a client of the controller's live stream (/stream/) with
Debian's python3-websocket, run by the stream lab test inside the
controller's namespace:

    stream_client.py '{"url": "wss://127.0.0.1:8443/stream/", "cafile": ..., "key": ...,
                       "send": [[type, payload], ...], "seconds": S, "rcvbuf": BYTES,
                       "stall": SECONDS, "until": {"atlas_result": N, ...}}'

It opens the WebSocket (key in an Authorization header when given), sends
each message of "send", prints "ready", and then prints every message it
receives as one line of JSON, for "seconds" at most or until it has
received "until"'s count of each type. With "stall" it first reads nothing
for that long (a slow reader; "rcvbuf" shrinks its socket's receive
buffer). With "brief" it prints [type, {"bytes": N}] instead of each
message. Ends with {"end": "timeout" | "until" | "closed: ..."}."""
import json
import socket
import ssl
import sys
import time

import websocket


def main():
    cfg = json.loads(sys.argv[1])
    headers = ["Authorization: Key " + cfg["key"]] if cfg.get("key") else []
    sslopt = {"ca_certs": cfg["cafile"], "cert_reqs": ssl.CERT_REQUIRED}
    if cfg.get("rcvbuf"):
        # a small receive buffer before connect, so the window stays small
        host, port = cfg["url"].split("/")[2].rsplit(":", 1)
        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, cfg["rcvbuf"])
        raw.settimeout(10)
        raw.connect((host, int(port)))
        ctx = ssl.create_default_context(cafile=cfg["cafile"])
        ws = websocket.create_connection(cfg["url"], header=headers, timeout=10,
                                         socket=ctx.wrap_socket(raw, server_hostname=host))
    else:
        ws = websocket.create_connection(cfg["url"], header=headers, timeout=10, sslopt=sslopt)
    try:
        for m in cfg.get("send", []):
            ws.send(m if isinstance(m, str) else json.dumps(m))
    except (websocket.WebSocketException, ConnectionError, ssl.SSLError, OSError) as e:
        print("ready", flush=True)     # the server closed while we sent
        print(json.dumps({"end": "closed: %s" % e}), flush=True)
        return
    print("ready", flush=True)
    if cfg.get("stall"):
        time.sleep(cfg["stall"])
    until = cfg.get("until") or {}
    seen = {}
    end = time.monotonic() + cfg.get("seconds", 10)
    why = "timeout"
    while time.monotonic() < end:
        ws.settimeout(max(0.05, end - time.monotonic()))
        try:
            text = ws.recv()
        except websocket.WebSocketTimeoutException:
            break
        except (websocket.WebSocketConnectionClosedException, ConnectionError, ssl.SSLError,
                OSError) as e:
            why = "closed: %s" % (e or type(e).__name__)
            break
        if not text:
            why = "closed: close frame"
            break
        m = json.loads(text)
        t = m[0]
        if cfg.get("brief"):      # type and size only: big results would fill the pipe
            m = [t, {"bytes": len(text)}]
        print(json.dumps(m), flush=True)
        seen[t] = seen.get(t, 0) + 1
        if until and all(seen.get(k, 0) >= n for k, n in until.items()):
            why = "until"
            break
    print(json.dumps({"end": why}), flush=True)
    try:
        ws.close()
    except Exception:
        pass


if __name__ == "__main__":
    main()
