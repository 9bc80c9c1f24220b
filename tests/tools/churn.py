#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""churn.py - short-connection churn on loopback, and sockwatch checked
against ss while it runs (used by tests/integration/churn.sh; run it inside
the test's network namespace, as root, with a narrow ip_local_port_range).

  churn.py load [--ports 9000-9003] [--workers 3] [--seconds 120]
      The load alone: a server accepting on each port and sending one byte
      (a database greeting), workers that connect, read it and close first,
      so the client end lands in TIME_WAIT and its port is reused
      (tcp_tw_reuse) once the narrow range is used up, as php-fpm's
      one-MySQL-connection-per-request does.  Runs until SIGTERM.

  churn.py sample --sockwatch PATH --samples N --reset-at K --stop-at K
          --out FILE [--hold 400] [--hold-port P [--hold-external]]
          [--load none --stop-cmd CMD]
      Starts the load (or, with --load none, uses one already running that
      CMD stops, e.g. ab against a web stack) plus a holder of HOLD
      established connections to HOLD_PORT (its own listener, or with
      --hold-external the server there, e.g. MariaDB on 3306), then
      `sockwatch -b --json -t -a --count N -d 0.2` with its stdout on a small
      pipe, and takes `ss -tanHe` dumps between its samples.  After sample
      RESET_AT the held connections are all reset at once; after sample
      STOP_AT the load stops.  Writes the figures to FILE (JSON); the shell
      test asserts on them.

How the ss dumps are placed between sockwatch's dumps.  sockwatch writes
sample k only after its dump k is complete, and cannot start dump k+1
before all of sample k is written.  Its stdout is a pipe shrunk to one
page and its stdio buffer is 64 KiB, so once we have read the first bytes
of sample k and stop reading, it stays blocked in write() as long as the
unread rest of the line is more than pipe + stdio buffer; we check that
afterwards from the line's length (a sample for which it did not hold is
counted as unordered and not used for the ordering checks).  While it is
blocked we run ss: those dumps are after sockwatch's dump k and before its
dump k+1.

Why "listed => in ss-before or in ss-after or new since sockwatch's
previous sample" is sound.  A cookie names one socket for its whole life
(it is kept into TIME_WAIT).  Let B be the ss dumps between sockwatch's
dumps k-1 and k, A those after dump k, and S a socket that sockwatch's dump
k really listed.  If S was also in its dump k-1, S existed before B began
and still existed after B ended, so every dump in B, which lists each
socket that exists throughout it, listed S.  So a socket listed in sample k
that is in neither B nor A but was in sample k-1 is one that was gone before
dump k: a stale row.  (Cookie values cannot say "newer than B": the kernel
hands them out from per-CPU batches of 4096, so they are not in time order
across CPUs.  Two dumps are taken each time so that a socket one of them
skips while the kernel resumes a bucket under churn is in the other.)
"""

import argparse
import errno
import fcntl
import json
import multiprocessing
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import time

F_SETPIPE_SZ = 1031
STDIO_BUF = 1 << 16  # sockwatch's batch stdout buffer (setvbuf in mode_batch.c)
CONNECTED_SKIP = {"LISTEN", "CLOSE", "UNCONN", "BOUND_INACTIVE"}


def parse_ports(spec):
    lo, _, hi = spec.partition("-")
    return list(range(int(lo), int(hi or lo) + 1))


# ---- the load -------------------------------------------------------------

def server(ports):
    """Accept on every port, send one byte, close when the client has."""
    sel = selectors.DefaultSelector()
    for p in ports:
        ls = socket.socket()
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("127.0.0.1", p))
        ls.listen(4096)
        ls.setblocking(False)
        sel.register(ls, selectors.EVENT_READ, "listen")
    while True:
        for key, _ in sel.select():
            s = key.fileobj
            if key.data == "listen":
                for _ in range(64):
                    try:
                        c, _ = s.accept()
                    except (BlockingIOError, InterruptedError):
                        break
                    c.setblocking(False)
                    try:
                        c.send(b"G")
                    except OSError:
                        c.close()
                        continue
                    sel.register(c, selectors.EVENT_READ, "conn")
            else:
                try:
                    data = s.recv(64)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                if not data:
                    sel.unregister(s)
                    s.close()


def worker(ports, count_file, made):
    """connect, read the greeting, close first (client end -> TIME_WAIT)."""
    done = 0
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    i = 0
    while not stop:
        p = ports[i % len(ports)]
        i += 1
        s = socket.socket()
        try:
            s.connect(("127.0.0.1", p))
            s.recv(1)
            done += 1
            if done % 100 == 0:
                with made.get_lock():
                    made.value += 100
        except OSError as e:
            if e.errno in (errno.EADDRNOTAVAIL, errno.EAGAIN):
                time.sleep(0.002)  # every port of the range in use: wait
        finally:
            s.close()
    with open(count_file, "w") as f:
        f.write("%d\n" % done)


def connect_retry(port, tries=2000):
    """connect, waiting (bounded) while every port of the range is in use"""
    for _ in range(tries):
        try:
            return socket.create_connection(("127.0.0.1", port))
        except OSError as e:
            if e.errno not in (errno.EADDRNOTAVAIL, errno.EAGAIN):
                raise
            time.sleep(0.005)
    return socket.create_connection(("127.0.0.1", port))


def holder(port, n, ready_file, listen):
    """n established connections to port (served by our own listener when
    listen, else by the server already there, e.g. MariaDB), held; SIGUSR1
    resets them all at once (SO_LINGER 0: RST, both ends gone).  Writes
    "ready PORT..." (its client ports) and later "reset" to ready_file."""
    if listen:
        ls = socket.socket()
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("127.0.0.1", port))
        ls.listen(n + 16)
    ends = []
    for _ in range(n):
        c = connect_retry(port)
        ends.append(c)
        if listen:
            ends.append(ls.accept()[0])
    reset = []
    signal.signal(signal.SIGUSR1, lambda *_: reset.append(1))
    mine = [s.getsockname()[1] for s in ends if s.getpeername()[1] == port]
    with open(ready_file + ".tmp", "w") as f:
        f.write("ready %s\n" % " ".join(map(str, mine)))
    os.rename(ready_file + ".tmp", ready_file)
    while not reset:
        signal.pause()
    linger0 = (1).to_bytes(4, "little") + (0).to_bytes(4, "little")
    for s in ends:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger0)
        s.close()
    with open(ready_file, "a") as f:
        f.write("reset\n")
    signal.pause()


def spawn(fn, *args):
    pid = os.fork()
    if pid == 0:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        try:
            fn(*args)
        finally:
            os._exit(0)
    return pid


class Load:
    def __init__(self, ports, workers, tmp):
        self.tmp = tmp
        self.srv = spawn(server, ports)
        self.counts = [os.path.join(tmp, "worker%d.count" % i) for i in range(workers)]
        self.made = multiprocessing.Value("q", 0)  # shared: connections so far
        self.workers = [spawn(worker, ports, f, self.made) for f in self.counts]
        self.t0 = time.monotonic()
        self.connections = None
        self.seconds = None

    def warm(self, tuples):
        """Wait (bounded) until every client 4-tuple has been used twice:
        the range is used up and ports are being reused."""
        return wait_until(lambda: self.made.value >= 2 * tuples, 30)

    def stop(self):
        for p in self.workers:
            os.kill(p, signal.SIGTERM)
        for p in self.workers:
            os.waitpid(p, 0)
        self.seconds = time.monotonic() - self.t0
        os.kill(self.srv, signal.SIGTERM)
        os.waitpid(self.srv, 0)
        n = 0
        for f in self.counts:
            try:
                n += int(open(f).read())
            except (OSError, ValueError):
                pass
        self.connections = n


def wait_until(pred, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.1)
    return pred()


# ---- ss --------------------------------------------------------------------

SK_RE = re.compile(r"\bsk:([0-9a-f]+)")


def ss_dump():
    """{cookie: (state, local, peer)} from `ss -tanHe`."""
    out = subprocess.run(["ss", "-tanHe"], capture_output=True, text=True).stdout
    socks = {}
    for line in out.splitlines():
        f = line.split()
        m = SK_RE.search(line)
        if len(f) >= 5 and m:
            socks[int(m.group(1), 16)] = (f[0], f[3], f[4])
    return socks


def ss_state_count(dump, state):
    return sum(1 for v in dump.values() if v[0] == state)


# ---- sockwatch, read so that it pauses between samples ------------------------

class Sampler:
    def __init__(self, argv):
        r, w = os.pipe()
        self.pipe = fcntl.fcntl(r, F_SETPIPE_SZ, 4096)
        self.proc = subprocess.Popen(argv, stdout=w)
        os.close(w)
        self.fd = r
        self.buf = b""
        self.eof = False

    def _read(self):
        d = os.read(self.fd, 4096)
        if not d:
            self.eof = True
        self.buf += d

    def next_line_started(self):
        """Read until the previous line is complete and the next one has
        begun (or EOF).  Returns (previous line or None, bytes of the new
        line read so far)."""
        while b"\n" not in self.buf and not self.eof:
            self._read()
        if b"\n" not in self.buf:
            return None, 0
        line, _, self.buf = self.buf.partition(b"\n")
        while not self.buf and not self.eof:
            self._read()
        return line, len(self.buf)

    def first_started(self):
        while not self.buf and not self.eof:
            self._read()
        return len(self.buf)


def tcp_key(s):
    loc, rem = s.get("local", {}), s.get("remote", {})
    return (loc.get("addr"), loc.get("port"), rem.get("addr"), rem.get("port"))


def check_sample(doc, before, after, prev, ss_counts):
    socks = [s for s in doc.get("sockets", []) if s.get("proto") == "tcp"]
    cookies, tuples = {}, {}
    for s in socks:
        cookies[s["cookie"]] = cookies.get(s["cookie"], 0) + 1
        if s["state"] not in CONNECTED_SKIP:
            k = tcp_key(s)
            tuples[k] = tuples.get(k, 0) + 1
    stale = [s for s in socks if s["cookie"] not in before and s["cookie"] not in after
             and s["cookie"] in prev]
    dup_tuples = [k for k, n in tuples.items() if n > 1]
    summ = doc.get("summary", {}).get("tcp", {})
    return {
        "listed": len(socks),
        "dup_cookies": sum(n - 1 for n in cookies.values() if n > 1),
        "dup_tuples": sum(tuples[k] - 1 for k in dup_tuples),
        "dup_tuple_examples": ["%s:%s %s:%s" % k for k in dup_tuples[:3]],
        "stale": len(stale),
        "stale_examples": ["%s %s:%s %s:%s cookie %d" % (
            s["state"], s["local"]["addr"], s["local"]["port"], s["remote"]["addr"],
            s["remote"]["port"], s["cookie"]) for s in stale[:3]],
        "tw": summ.get("TIME_WAIT", 0),
        "estab": summ.get("ESTABLISHED", 0),
        "ss_tw_after": ss_counts[0],
        "ss_estab_after": ss_counts[1],
    }


def between_dumps():
    """Two ss dumps (a socket missed by one dump's resumption is in the
    other), and the first one's TIME-WAIT and ESTAB counts."""
    d = ss_dump()
    counts = (ss_state_count(d, "TIME-WAIT"), ss_state_count(d, "ESTAB"))
    d.update(ss_dump())
    return d, counts


def port_of(ep):
    return int(ep.rpartition(":")[2]) if ep.rpartition(":")[2].isdigit() else 0


def held_cookies(dump, port, mine):
    """Cookies of the holder's connections (both ends) in an ss dump."""
    return {c for c, (st, loc, rem) in dump.items() if st != "LISTEN" and (
        (port_of(loc) in mine and port_of(rem) == port) or
        (port_of(rem) in mine and port_of(loc) == port))}


class Run:
    """The load, the holder and the events between samples."""

    def __init__(self, a):
        self.a = a
        self.ready = os.path.join(a.tmp, "holder.state")
        self.hold_pid = spawn(holder, a.hold_port, a.hold, self.ready, not a.hold_external)
        alive = lambda: os.waitpid(self.hold_pid, os.WNOHANG) == (0, 0)
        wait_until(lambda: os.path.exists(self.ready) or not alive(), 60)
        if not os.path.exists(self.ready):
            sys.exit("churn.py: the holder did not get its %d connections" % a.hold)
        with open(self.ready) as f:
            self.mine = {int(p) for p in f.readline().split()[1:]}
        self.load = None
        if a.load == "builtin":
            ports = parse_ports(a.ports)
            self.load = Load(ports, a.workers, a.tmp)
            self.load.warm(len(ports) * a.range_size)
        self.stormed = set()

    def event(self, k, dump, between):
        """After sockwatch's dump k: reset the held connections, stop the load."""
        a, ev = self.a, None
        if k == a.reset_at:
            self.stormed = held_cookies(dump, a.hold_port, self.mine)
            os.kill(self.hold_pid, signal.SIGUSR1)
            wait_until(lambda: "reset" in open(self.ready).read(), 10)
            wait_until(lambda: not held_cookies(ss_dump(), a.hold_port, self.mine), 10)
            between.update(between_dumps()[0])
            ev = "reset"
        if k == a.stop_at:
            if self.load:
                self.load.stop()
            if a.stop_cmd:
                subprocess.run(a.stop_cmd, shell=True)
            between.update(between_dumps()[0])
            ev = "stop"
        return ev

    def done(self, res):
        if self.load:
            if self.load.connections is None:
                self.load.stop()
            res["connections"] = self.load.connections
            res["load_seconds"] = round(self.load.seconds, 1)
            res["rate"] = int(self.load.connections / self.load.seconds)
        os.kill(self.hold_pid, signal.SIGTERM)
        os.waitpid(self.hold_pid, 0)


def sample(a):
    run = Run(a)
    res = {"samples": [], "hold": a.hold}
    before, _ = between_dumps()
    argv = [a.sockwatch, "-b", "--json", "-t", "-a", "--count", str(a.samples), "-d", "0.2"]
    sw = Sampler(argv)
    res["pipe"] = sw.pipe
    read_at_freeze = sw.first_started()
    prev_ordered = True  # the first "before" dumps precede sockwatch itself
    prev = set()  # cookies in sockwatch's previous sample
    k = 1
    while True:
        # frozen after sockwatch's dump k (if its line is long enough)
        after, ss_counts = between_dumps()
        between = dict(after)
        event = run.event(k, after, between)
        line, nxt = sw.next_line_started()
        if line is None:
            break
        doc = json.loads(line)
        r = check_sample(doc, before, after, prev, ss_counts)
        prev = {s["cookie"] for s in doc.get("sockets", [])}
        r.update(k=k, event=event, bytes=len(line))
        # sockwatch could not have finished this line (and started its next
        # dump) while we held it: the unread rest exceeded pipe + stdio buffer
        r["ordered"] = len(line) - read_at_freeze > sw.pipe + STDIO_BUF
        # the ss dumps before it were taken before its dump
        r["valid"] = prev_ordered
        prev_ordered = r["ordered"]
        if k == a.reset_at + 1:
            res["storm"] = {"sockets": len(run.stormed), "sample": k,
                            "still_listed": len(run.stormed & prev)}
        res["samples"].append(r)
        before = between
        read_at_freeze = nxt
        k += 1
    sw.proc.wait()
    res["sockwatch_rc"] = sw.proc.returncode
    run.done(res)
    with open(a.out, "w") as f:
        json.dump(res, f, indent=1)


def load_only(a):
    ports = parse_ports(a.ports)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    load = Load(ports, a.workers, a.tmp)
    load.warm(len(ports) * a.range_size)
    print("ready", flush=True)
    end = time.monotonic() + a.seconds
    while not stop and time.monotonic() < end:
        time.sleep(0.1)
    load.stop()
    print("%d connections in %.1f s" % (load.connections, load.seconds), flush=True)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("load", "sample"):
        p = sub.add_parser(name)
        p.add_argument("--ports", default="9000-9003")
        p.add_argument("--workers", type=int, default=3)
        p.add_argument("--tmp", default=os.environ.get("TMPDIR", "/tmp"))
    sub.choices["load"].add_argument("--seconds", type=float, default=120)
    sub.choices["load"].add_argument("--range-size", type=int, default=1000)
    p = sub.choices["sample"]
    p.add_argument("--sockwatch", required=True)
    p.add_argument("--samples", type=int, default=14)
    p.add_argument("--reset-at", type=int, default=7)
    p.add_argument("--stop-at", type=int, default=10)
    p.add_argument("--hold", type=int, default=400)
    p.add_argument("--hold-port", type=int, default=9100)
    p.add_argument("--range-size", type=int, default=1000)
    p.add_argument("--load", choices=("builtin", "none"), default="builtin")
    p.add_argument("--hold-external", action="store_true",
                   help="HOLD_PORT is served by another program (do not listen)")
    p.add_argument("--stop-cmd", help="shell command that stops an outside load")
    p.add_argument("--out", required=True)
    a = ap.parse_args()
    if a.cmd == "load":
        load_only(a)
    else:
        sample(a)


if __name__ == "__main__":
    sys.exit(main())
