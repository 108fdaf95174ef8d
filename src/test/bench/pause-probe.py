#!/usr/bin/env python3
"""The longest a client waits for a reply: PINGs on one connection, one at a time, 1 ms
apart, until SIGTERM; then prints "<max ms> <pings>". A server that stops serving for
X ms (a copy on its event loop, a fork, a GC pause) shows up as a PING of about X ms.
Used by the bench scripts; the file "ready" next to OUT appears after the first PONG.

Usage: pause-probe.py PORT OUT
"""
import signal
import socket
import sys
import time

port, out = int(sys.argv[1]), sys.argv[2]
stop = False


def on_term(*_):
    global stop
    stop = True


signal.signal(signal.SIGTERM, on_term)
s = socket.create_connection(("127.0.0.1", port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
worst = 0.0
pings = 0
while not stop:
    t = time.perf_counter()
    s.sendall(b"PING\r\n")
    reply = b""
    while not reply.endswith(b"\r\n"):
        chunk = s.recv(64)
        if not chunk:
            sys.exit("server closed the connection")
        reply += chunk
    if reply != b"+PONG\r\n":
        sys.exit("unexpected reply %r" % reply)
    worst = max(worst, time.perf_counter() - t)
    pings += 1
    if pings == 1:
        open(out + ".ready", "w").close()
    time.sleep(0.001)
with open(out, "w") as f:
    f.write("%.1f %d\n" % (worst * 1000, pings))
