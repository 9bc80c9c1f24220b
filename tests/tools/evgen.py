#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""evgen.py - a known number of short-lived sockets on loopback, for the
destroy-event tests (tests/integration/events.sh).

  evgen.py tcp N [--v6]   N TCP connections to one listener: connect,
                          accept, 100 bytes each way, client closes, then
                          the server end; the listener is closed at the end
  evgen.py udp N [--v6]   N UDP sockets, each bound and sending one datagram

Prints "made=N seconds=S" on stdout.
"""
import socket
import sys
import time


def tcp(n, fam, host):
    lst = socket.socket(fam, socket.SOCK_STREAM)
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind((host, 0))
    lst.listen(4096)
    addr = lst.getsockname()
    data = b"x" * 100
    for _ in range(n):
        c = socket.socket(fam, socket.SOCK_STREAM)
        c.connect(addr)
        s, _peer = lst.accept()
        c.sendall(data)
        s.recv(100)
        s.sendall(data)
        c.recv(100)
        c.close()
        s.close()
    lst.close()


def udp(n, fam, host):
    sink = socket.socket(fam, socket.SOCK_DGRAM)
    sink.bind((host, 0))
    addr = sink.getsockname()
    for _ in range(n):
        u = socket.socket(fam, socket.SOCK_DGRAM)
        u.bind((host, 0))
        u.sendto(b"x", addr)
        u.close()
        sink.recv(16)
    sink.close()


def main():
    kind, n = sys.argv[1], int(sys.argv[2])
    v6 = "--v6" in sys.argv[3:]
    fam, host = (socket.AF_INET6, "::1") if v6 else (socket.AF_INET, "127.0.0.1")
    t0 = time.monotonic()
    {"tcp": tcp, "udp": udp}[kind](n, fam, host)
    print("made=%d seconds=%.3f" % (n, time.monotonic() - t0))


main()
