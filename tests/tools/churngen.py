#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""churngen.py - connections at a known rate and lifetime on loopback, for
the closed-connection tests and benchmark (tests/integration/churn_events.sh,
bench/churn.sh).  Run it inside the test's network namespace.

  churngen.py --rate N --seconds S --life MS [--port P] [--hold K] [--ready FILE]
              [--log FILE]   (FILE: each client close: wall-clock time, lifetime ms)
  churngen.py --burst N [--keep SEC]

One process (named "churngen" in /proc/PID/comm) holds a listener on
127.0.0.1:P (P=0: any free port) and opens N connections a second for S
seconds: each client connects, sends 8 bytes, the server end replies with
8 bytes, the client closes MS milliseconds after it sent (the kernel's
lifetime bound starts at that first byte), and the server end closes when
it reads the end.  --hold K keeps K more connections to the port open for
the run, as a connection pool would; --keep SEC keeps the listener SEC
seconds after the summary line is printed (they let sockwatch learn who connects
there: client ends that lived milliseconds are gone before any sample
can map them to a process).  The listener is up first; --ready FILE gets
its port when it is.  Then, at the end, one line on stdout:

  made=COUNT seconds=SPAN rate=RATE port=P life_p50_ms=MS

COUNT connections completed (both ends closed), SPAN the time from the
first connect to the last, RATE = COUNT/SPAN when COUNT > 1 (what was
achieved, which the tests compare sockwatch with, not the asked-for rate),
life_p50_ms the median of the lifetimes achieved (first byte to close).
"""
import argparse
import errno
import heapq
import selectors
import socket
import time


def raise_nofile():
    import resource
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def name_self():
    try:
        with open("/proc/self/comm", "w") as f:
            f.write("churngen")
    except OSError:
        pass


MAX_OPEN = 1000


class Gen:
    def __init__(self, a):
        self.a = a
        self.sel = selectors.DefaultSelector()
        self.timers = []  # (when, seq, fn)
        self.seq = 0
        self.made = 0
        self.open_clients = 0
        self.open_servers = 0
        self.first = self.last = None
        self.sent_at = {}
        self.lives = []
        self.closes = []  # wall clock of each client close (--log)
        self.pool = []
        lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        lst.bind(("127.0.0.1", a.port))
        lst.listen(4096)
        lst.setblocking(False)
        self.lst = lst
        self.addr = lst.getsockname()
        self.sel.register(lst, selectors.EVENT_READ, self.on_accept)

    def later(self, when, fn):
        self.seq += 1
        heapq.heappush(self.timers, (when, self.seq, fn))

    # server side: reply to the request, close at the client's end
    def on_accept(self, lst, _mask):
        for _ in range(64):
            try:
                s, _peer = lst.accept()
            except BlockingIOError:
                return
            s.setblocking(False)
            self.open_servers += 1
            self.sel.register(s, selectors.EVENT_READ, self.on_server)

    def on_server(self, s, _mask):
        try:
            data = s.recv(64)
        except ConnectionError:
            data = b""
        if data:
            try:
                s.send(b"pong-123")
            except OSError:
                pass
            return
        self.sel.unregister(s)
        s.close()
        self.open_servers -= 1

    # client side
    def start_one(self):
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.setblocking(False)
        e = c.connect_ex(self.addr)
        if e not in (0, errno.EINPROGRESS):
            c.close()
            return
        now = time.monotonic()
        self.first = self.first if self.first is not None else now
        self.last = now
        self.open_clients += 1
        self.sel.register(c, selectors.EVENT_WRITE, self.on_connected)

    def on_connected(self, c, _mask):
        if c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
            self.sel.unregister(c)
            c.close()
            self.open_clients -= 1
            return
        c.send(b"ping-123")
        self.sent_at[c.fileno()] = time.monotonic()
        self.sel.modify(c, selectors.EVENT_READ, self.on_reply)

    def on_reply(self, c, _mask):
        try:
            c.recv(64)
        except OSError:
            pass
        self.sel.unregister(c)
        sent = self.sent_at.pop(c.fileno())
        self.later(sent + self.a.life / 1000.0, lambda: self.close_client(c, sent))

    def close_client(self, c, sent):
        c.close()
        self.lives.append((time.monotonic() - sent) * 1000.0)
        self.closes.append((time.time(), self.lives[-1]))
        self.open_clients -= 1
        self.made += 1

    def hold(self, k):
        """k long-lived connections to the port (a connection pool)."""
        for _ in range(k):
            c = socket.create_connection(self.addr)
            self.pool.append(c)

    def burst(self, n):
        """n connections one after the other, as fast as they go."""
        self.sel.unregister(self.lst)
        self.lst.setblocking(True)
        self.sel.register(self.lst, selectors.EVENT_READ, self.on_accept)
        self.first = time.monotonic()
        for _ in range(n):
            c = socket.create_connection(self.addr)
            s, _peer = self.lst.accept()
            c.sendall(b"ping-123")
            s.recv(64)
            s.sendall(b"pong-123")
            c.recv(64)
            c.close()
            s.close()
            self.made += 1
        self.last = time.monotonic()

    def run(self):
        a = self.a
        if a.burst:
            self.burst(a.burst)
            return
        total = int(a.rate * a.seconds)
        t0 = time.monotonic()
        started = 0
        while started < total or self.timers or self.open_clients:
            now = time.monotonic()
            while self.timers and self.timers[0][0] <= now:
                heapq.heappop(self.timers)[2]()
            # starts that are due, a few at a time and never more than
            # MAX_OPEN at once: a machine too busy for the rate gets a
            # lower achieved rate (reported), not a pile of sockets
            due = 0
            if started < total and now - (t0 + started / a.rate) > 0.05:
                # behind (the machine is busy): go on at the rate from now
                # rather than catch up in a burst, so the rate stays even
                t0 = now - started / a.rate
            while (started < total and t0 + started / a.rate <= now and due < 32
                   and self.open_clients < MAX_OPEN):
                self.start_one()
                started += 1
                due += 1
            wait = 0.05
            if self.timers:
                wait = min(wait, self.timers[0][0] - time.monotonic())
            if started < total and self.open_clients < MAX_OPEN:
                wait = min(wait, t0 + started / a.rate - time.monotonic())
            wait = max(0.0, wait)
            for key, mask in self.sel.select(wait):
                key.data(key.fileobj, mask)
        for c in self.pool:
            c.close()
        self.pool = []
        while self.open_servers:
            for key, mask in self.sel.select(0.05):
                key.data(key.fileobj, mask)

    def close(self):
        time.sleep(self.a.keep)
        self.sel.unregister(self.lst)
        self.lst.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rate", type=float, default=0)
    p.add_argument("--seconds", type=float, default=0)
    p.add_argument("--burst", type=int, default=0,
                   help="N connections one after the other, as fast as they go")
    p.add_argument("--life", type=float, default=20)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--ready")
    p.add_argument("--keep", type=float, default=0,
                   help="seconds to keep the listener open after the run")
    p.add_argument("--log", help="write each client close: wall-clock time, lifetime ms")
    p.add_argument("--hold", type=int, default=0,
                   help="long-lived connections to the port, held for the run")
    p.add_argument("--linger", type=float, default=0,
                   help="seconds to keep the listener open before starting")
    a = p.parse_args()
    name_self()
    raise_nofile()
    g = Gen(a)
    g.hold(a.hold)
    if a.ready:
        with open(a.ready + ".tmp", "w") as f:
            f.write("%d\n" % g.addr[1])
        import os
        os.rename(a.ready + ".tmp", a.ready)
    if a.linger:
        time.sleep(a.linger)
    g.run()
    span = (g.last - g.first) if g.made > 1 else 0
    rate = (g.made - 1) / span if span > 0 else 0
    if a.log:
        with open(a.log, "w") as f:
            f.writelines("%.3f %.1f\n" % c for c in g.closes)
    lives = sorted(g.lives)
    p50 = lives[len(lives) // 2] if lives else 0
    print("made=%d seconds=%.3f rate=%.1f port=%d life_p50_ms=%.1f"
          % (g.made, span, rate, g.addr[1], p50), flush=True)
    g.close()


main()
